"""Side effects of recruitment transitions, run inside `apply_transition`'s transaction."""

import datetime

from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apprentissage import drafts
from apprentissage.drafts import snapshot_version
from apprentissage.enrolments import enrol_new_apprenticeship
from apprentissage.enums import ApprenticeshipStatus, Role, StaffRole
from apprentissage.models import Apprenticeship, Company, CompanyContact, CompanyTutor, User
from apprentissage.notifications import notify
from apprentissage.services import find_or_invite, grant_role
from apprentissage.signatures import sign_on_paper, sign_online, void_signatures
from apprentissage.workflow import TransitionBlocked, TransitionContext

from .models import Dossier, MissionSheetVersion

SIGNATORY_PURPOSE = "company_signatory"


def _staff(role: StaffRole):
    return list(User.objects.filter(groups__name=role, is_active=True))


def dossier_url(dossier: Dossier) -> str:
    return reverse("recruitment:dossier_detail", args=[dossier.pk])


def link_company(dossier: Dossier) -> None:
    """The accord names the company: find it by SIRET (or create it), make the signatory
    its contact, and attach it to the dossier."""
    accord = dossier.accord
    company, created = Company.objects.get_or_create(
        siret=accord.siret,
        defaults={
            "name": accord.company_name,
            "address": accord.address,
            "postal_code": accord.postal_code,
            "city": accord.city,
            "opco": accord.opco,
        },
    )
    if not created and accord.opco and not company.opco:
        company.opco = accord.opco
        company.save(update_fields=["opco"])
    CompanyContact.objects.update_or_create(
        user=dossier.contact,
        company=company,
        defaults={"is_signatory": True, "is_hr_contact": dossier.contact.email == accord.hr_email.lower()},
    )
    dossier.company = company
    dossier.accord_signed_at = timezone.now()
    dossier.save(update_fields=["company", "accord_signed_at"])


def record_online_signature(ctx: TransitionContext) -> None:
    sign_online(ctx.obj.accord, signer=ctx.actor, purpose=SIGNATORY_PURPOSE, evidence=ctx.evidence)
    link_company(ctx.obj)


def record_paper_signature(ctx: TransitionContext) -> None:
    sign_on_paper(
        ctx.obj.accord,
        uploaded_by=ctx.actor,
        purpose=SIGNATORY_PURPOSE,
        signer_name=ctx.data["signer_name"],
        scan=ctx.data["scan"],
        signed_on=ctx.data.get("signed_on"),
    )
    link_company(ctx.obj)


def tell_scolarite_accord_signed(ctx: TransitionContext) -> None:
    dossier = ctx.obj
    notify(
        [*_staff(StaffRole.SCOLARITE), dossier.candidate.user],
        title=_("Accord préalable signed: %(dossier)s") % {"dossier": dossier},
        url=dossier_url(dossier),
    )


def void_accord_signature(ctx: TransitionContext) -> None:
    dossier = ctx.obj
    void_signatures(dossier.accord, by=ctx.actor, reason=ctx.comment)
    notify(
        [dossier.contact, dossier.candidate.user],
        title=_("The accord préalable has been reopened: %(dossier)s") % {"dossier": dossier},
        message=ctx.comment,
        url=dossier_url(dossier),
    )


def tell_place_reserved(ctx: TransitionContext) -> None:
    dossier = ctx.obj
    notify(
        [dossier.candidate.user, dossier.contact],
        title=_("Place reserved in %(option)s: %(dossier)s") % {"option": dossier.option, "dossier": dossier},
        url=dossier_url(dossier),
    )


def tell_waitlisted(ctx: TransitionContext) -> None:
    dossier = ctx.obj
    notify(
        [dossier.candidate.user, dossier.contact],
        title=_("%(option)s is full: the dossier is on the waiting list") % {"option": dossier.option},
        url=dossier_url(dossier),
    )


def hand_over_if_ready(ctx: TransitionContext) -> None:
    """A reserved place plus validated missions: the dossier goes to MidiSup."""
    from .services import hand_over_if_ready as hand_over

    hand_over(dossier=ctx.obj, actor=ctx.actor)


def tell_midisup(ctx: TransitionContext) -> None:
    dossier = ctx.obj
    notify(
        [*_staff(StaffRole.MIDISUP), dossier.candidate.user, dossier.contact],
        title=_("Dossier handed to MidiSup: %(dossier)s") % {"dossier": dossier},
        url=dossier_url(dossier),
    )


def record_milestone(field: str):
    def effect(ctx: TransitionContext) -> None:
        dossier = ctx.obj
        setattr(dossier, field, ctx.data["on_date"])
        dossier.save(update_fields=[field])
        notify(
            [dossier.candidate.user, dossier.contact],
            title=_("%(step)s: %(dossier)s") % {"step": dossier.get_state_display(), "dossier": dossier},
            url=dossier_url(dossier),
        )

    effect.__name__ = f"record_{field}"
    return effect


def three_years_after(start: datetime.date) -> datetime.date:
    """The day before the third anniversary (a 29 February start ends on 27 February)."""
    try:
        anniversary = start.replace(year=start.year + 3)
    except ValueError:
        anniversary = start.replace(year=start.year + 3, day=28)
    return anniversary - datetime.timedelta(days=1)


def create_apprenticeship(ctx: TransitionContext) -> None:
    """Registered: the apprenticeship record links apprentice, company, tutor and option,
    and everyone gets the access that follows. The tutor is invited if new."""
    dossier, actor = ctx.obj, ctx.actor
    accord = dossier.accord
    tutor, _invited = find_or_invite(
        email=accord.tutor_email,
        first_name=accord.tutor_first_name,
        last_name=accord.tutor_last_name,
        phone=accord.tutor_phone,
        invited_by=actor,
    )
    if not CompanyTutor.objects.filter(user=tutor).exists():
        grant_role(
            user=tutor,
            role=Role.COMPANY_TUTOR,
            company=dossier.company,
            job_title=accord.tutor_job_title,
            has_engineering_degree=accord.tutor_has_engineering_degree,
            years_as_engineer=accord.tutor_years_as_engineer,
        )
    start = accord.start_date
    try:
        apprenticeship = Apprenticeship.objects.create(
            apprentice=dossier.candidate.user,
            company=dossier.company,
            company_tutor=tutor,
            option=dossier.option,
            cohort=dossier.cohort,
            contract_start=start,
            contract_end=three_years_after(start),
            status=ApprenticeshipStatus.ACTIVE,
        )
    except IntegrityError as error:
        raise TransitionBlocked(_("This apprentice already has a current apprenticeship.")) from error
    enrol_new_apprenticeship(apprenticeship, actor=actor)
    dossier.apprenticeship = apprenticeship
    dossier.registered_on = ctx.data["on_date"]
    dossier.save(update_fields=["apprenticeship", "registered_on"])
    notify(
        [dossier.candidate.user, dossier.contact, tutor, *_staff(StaffRole.SCOLARITE)],
        title=_("Apprenticeship registered: %(dossier)s") % {"dossier": dossier},
        url=reverse("apprenticeship_detail", args=[apprenticeship.pk]),
    )


def release_place(ctx: TransitionContext) -> None:
    from .services import promote_waiting_list

    dossier = ctx.obj
    promote_waiting_list(option=dossier.option, cohort=dossier.cohort, actor=ctx.actor)
    notify(
        [dossier.candidate.user, dossier.contact, *_staff(StaffRole.SCOLARITE)],
        title=_("Dossier closed (%(state)s): %(dossier)s")
        % {"state": dossier.get_state_display(), "dossier": dossier},
        message=ctx.comment,
        url=dossier_url(dossier),
    )


# Mission sheet


def snapshot_submission(ctx: TransitionContext) -> None:
    version = snapshot_version(ctx.obj, ctx.actor)
    notify(
        [ctx.obj.dossier.option.lead],
        title=_("Mission sheet to review (version %(number)d): %(dossier)s")
        % {"number": version.number, "dossier": ctx.obj.dossier},
        url=reverse("recruitment:mission_review", args=[ctx.obj.dossier_id]),
    )


def record_decision(decision: str):
    def effect(ctx: TransitionContext) -> None:
        drafts.record_decision(ctx.obj, decision=decision, actor=ctx.actor, remarks=ctx.comment)
        dossier = ctx.obj.dossier
        if decision == MissionSheetVersion.Decision.VALIDATED:
            title = _("Mission sheet validated: %(dossier)s")
        else:
            title = _("Mission sheet sent back with remarks: %(dossier)s")
        notify(
            [dossier.contact, dossier.candidate.user],
            title=title % {"dossier": dossier},
            message=ctx.comment,
            url=dossier_url(dossier),
        )

    effect.__name__ = f"record_{decision}"
    return effect


def hand_over_after_validation(ctx: TransitionContext) -> None:
    from .services import hand_over_if_ready as hand_over

    hand_over(dossier=ctx.obj.dossier, actor=ctx.actor)
