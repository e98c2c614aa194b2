"""Side effects of recruitment transitions, run inside `apply_transition`'s transaction."""

import datetime

from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apprentissage.enrolments import enrol_new_apprenticeship
from apprentissage.enums import ApprenticeshipStatus, Role, StaffRole
from apprentissage.models import Apprenticeship, Company, CompanyContact, CompanyTutor, User
from apprentissage.notifications import notify
from apprentissage.services import find_or_invite, grant_role
from apprentissage.signatures import SignerEvidence, sign_on_paper, sign_online, void_signatures

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


def record_online_signature(dossier: Dossier, *, actor, evidence: SignerEvidence, **kwargs) -> None:
    sign_online(dossier.accord, signer=actor, purpose=SIGNATORY_PURPOSE, evidence=evidence)
    link_company(dossier)


def record_paper_signature(
    dossier: Dossier, *, actor, scan, signer_name: str, signed_on=None, **kwargs
) -> None:
    sign_on_paper(
        dossier.accord,
        uploaded_by=actor,
        purpose=SIGNATORY_PURPOSE,
        signer_name=signer_name,
        scan=scan,
        signed_on=signed_on,
    )
    link_company(dossier)


def tell_scolarite_accord_signed(dossier: Dossier, **kwargs) -> None:
    notify(
        [*_staff(StaffRole.SCOLARITE), dossier.candidate.user],
        title=_("Accord préalable signed: %(dossier)s") % {"dossier": dossier},
        url=dossier_url(dossier),
    )


def void_accord_signature(dossier: Dossier, *, actor, comment: str, **kwargs) -> None:
    void_signatures(dossier.accord, by=actor, reason=comment)
    notify(
        [dossier.contact, dossier.candidate.user],
        title=_("The accord préalable has been reopened: %(dossier)s") % {"dossier": dossier},
        message=comment,
        url=dossier_url(dossier),
    )


def tell_place_reserved(dossier: Dossier, **kwargs) -> None:
    notify(
        [dossier.candidate.user, dossier.contact],
        title=_("Place reserved in %(option)s: %(dossier)s") % {"option": dossier.option, "dossier": dossier},
        url=dossier_url(dossier),
    )


def tell_waitlisted(dossier: Dossier, **kwargs) -> None:
    notify(
        [dossier.candidate.user, dossier.contact],
        title=_("%(option)s is full: the dossier is on the waiting list") % {"option": dossier.option},
        url=dossier_url(dossier),
    )


def hand_over_if_ready(dossier: Dossier, *, actor, **kwargs) -> None:
    """A reserved place plus validated missions: the dossier goes to MidiSup."""
    from .services import hand_over_if_ready as hand_over

    hand_over(dossier=dossier, actor=actor)


def tell_midisup(dossier: Dossier, **kwargs) -> None:
    notify(
        [*_staff(StaffRole.MIDISUP), dossier.candidate.user, dossier.contact],
        title=_("Dossier handed to MidiSup: %(dossier)s") % {"dossier": dossier},
        url=dossier_url(dossier),
    )


def record_milestone(field: str):
    def effect(dossier: Dossier, *, on_date, **kwargs) -> None:
        setattr(dossier, field, on_date)
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


def create_apprenticeship(dossier: Dossier, *, actor, on_date, **kwargs) -> None:
    """Registered: the apprenticeship record links apprentice, company, tutor and option,
    and everyone gets the access that follows. The tutor is invited if new."""
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
        from apprentissage.workflow import TransitionBlocked

        raise TransitionBlocked(_("This apprentice already has a current apprenticeship.")) from error
    enrol_new_apprenticeship(apprenticeship, actor=actor)
    dossier.apprenticeship = apprenticeship
    dossier.registered_on = on_date
    dossier.save(update_fields=["apprenticeship", "registered_on"])
    notify(
        [dossier.candidate.user, dossier.contact, tutor, *_staff(StaffRole.SCOLARITE)],
        title=_("Apprenticeship registered: %(dossier)s") % {"dossier": dossier},
        url=reverse("apprenticeship_detail", args=[apprenticeship.pk]),
    )


def release_place(
    dossier: Dossier, *, actor, comment: str, previous_state: str | None = None, **kwargs
) -> None:
    from .services import promote_waiting_list

    promote_waiting_list(option=dossier.option, cohort=dossier.cohort, actor=actor)
    notify(
        [dossier.candidate.user, dossier.contact, *_staff(StaffRole.SCOLARITE)],
        title=_("Dossier closed (%(state)s): %(dossier)s")
        % {"state": dossier.get_state_display(), "dossier": dossier},
        message=comment,
        url=dossier_url(dossier),
    )


# Mission sheet


def snapshot_submission(sheet, *, actor, **kwargs) -> None:
    number = sheet.versions.count() + 1
    MissionSheetVersion.objects.create(
        sheet=sheet, number=number, content=sheet.content(), submitted_by=actor
    )
    notify(
        [sheet.dossier.option.lead],
        title=_("Mission sheet to review (version %(number)d): %(dossier)s")
        % {"number": number, "dossier": sheet.dossier},
        url=reverse("recruitment:mission_review", args=[sheet.dossier_id]),
    )


def record_decision(decision: str):
    def effect(sheet, *, actor, comment: str, **kwargs) -> None:
        latest = sheet.versions.order_by("-number").first()
        latest.decision = decision
        latest.decided_at = timezone.now()
        latest.decided_by = actor
        latest.remarks = comment
        latest.save(update_fields=["decision", "decided_at", "decided_by", "remarks"])
        dossier = sheet.dossier
        if decision == MissionSheetVersion.Decision.VALIDATED:
            title = _("Mission sheet validated: %(dossier)s")
        else:
            title = _("Mission sheet sent back with remarks: %(dossier)s")
        notify(
            [dossier.contact, dossier.candidate.user],
            title=title % {"dossier": dossier},
            message=comment,
            url=dossier_url(dossier),
        )

    effect.__name__ = f"record_{decision}"
    return effect


def hand_over_after_validation(sheet, *, actor, **kwargs) -> None:
    from .services import hand_over_if_ready as hand_over

    hand_over(dossier=sheet.dossier, actor=actor)
