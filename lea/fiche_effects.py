"""The fiche de liaison's rules of completeness and the side effects of its transitions (run
inside `apply_transition`'s transaction), plus the concern told to the school tutor."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apprentissage.models import TransitionLog
from apprentissage.notifications import notify
from apprentissage.signatures import sign_online, void_signatures
from apprentissage.workflow import TransitionContext

from .enums import BehaviourCriterion, FicheState, TutorAgreement
from .models import Fiche

SIGNATURE_PURPOSE = "company_tutor"  # signed as (like recruitment's "company_signatory")


def fiche_url(fiche: Fiche, name: str = "lea:fiche_detail") -> str:
    return reverse(name, args=[fiche.pk])


def _person(fiche: Fiche):
    return fiche.apprenticeship.apprentice


# --- Completeness ----------------------------------------------------------------------


def missing_in_apprentice_section(fiche: Fiche) -> list[str]:
    """The name of each field the apprentice must still fill in before submitting."""
    missing = []
    activities = [a for a in fiche.activities or [] if (a.get("description") or "").strip()]
    if not activities:
        missing.append(_("activities and missions (at least one)"))
    elif any(a.get("share") in (None, "") for a in activities):
        missing.append(_("share of time of each activity"))
    ratings = fiche.self_ratings or {}
    missing.extend(
        _("self-rating of “%(competency)s”") % {"competency": c["label"]}
        for c in fiche.framework
        if ratings.get(c["code"]) is None
    )
    for name in ("project_progress", "next_objectives"):
        if not getattr(fiche, name).strip():
            missing.append(str(Fiche._meta.get_field(name).verbose_name))
    return missing


def missing_in_tutor_section(fiche: Fiche) -> list[str]:
    """The name of each field the company tutor must still fill in before countersigning."""
    missing = []
    if not fiche.tutor_agreement:
        missing.append(str(Fiche._meta.get_field("tutor_agreement").verbose_name))
    elif fiche.tutor_agreement == TutorAgreement.CORRECTIONS and not fiche.tutor_corrections.strip():
        missing.append(str(Fiche._meta.get_field("tutor_corrections").verbose_name))
    ratings = fiche.tutor_ratings or {}
    missing.extend(
        _("your rating of “%(competency)s”") % {"competency": c["label"]}
        for c in fiche.framework
        if ratings.get(c["code"]) is None
    )
    behaviour = fiche.behaviour_ratings or {}
    missing.extend(
        _("professional behaviour: %(criterion)s") % {"criterion": criterion.label}
        for criterion in BehaviourCriterion
        if criterion.value not in behaviour  # None (not observed) is an answer
    )
    if not fiche.tutor_objectives.strip():
        missing.append(str(Fiche._meta.get_field("tutor_objectives").verbose_name))
    if fiche.concern and not fiche.concern_reason.strip():
        missing.append(str(Fiche._meta.get_field("concern_reason").verbose_name))
    return missing


def apprentice_section_complete(fiche: Fiche) -> str | None:
    """The `requires` of "submit": None, or the message naming each missing field."""
    missing = missing_in_apprentice_section(fiche)
    if missing:
        return _("Your part of the fiche is incomplete; still to fill in: %(fields)s.") % {
            "fields": "; ".join(missing)
        }
    return None


def tutor_section_complete(fiche: Fiche) -> str | None:
    """The `requires` of "countersign": None, or the message naming each missing field."""
    missing = missing_in_tutor_section(fiche)
    if missing:
        return _("Your part of the fiche is incomplete; still to fill in: %(fields)s.") % {
            "fields": "; ".join(missing)
        }
    return None


def waiting_on(fiche: Fiche) -> tuple[object, datetime.date | None] | None:
    """Who acts next on the fiche and by when (None: nobody)."""
    apprenticeship = fiche.apprenticeship
    if fiche.state in FicheState.with_apprentice():
        return apprenticeship.apprentice, fiche.due_on
    if fiche.state == FicheState.SUBMITTED:
        return apprenticeship.company_tutor, fiche.tutor_due_on
    if fiche.state == FicheState.COUNTERSIGNED:
        return apprenticeship.school_tutor, None
    return None


def send_back_remark(fiche: Fiche):
    """The company tutor's remark when the fiche is with the apprentice after being sent back
    (the latest audit entry of "send_back"), else None: one query, only then."""
    if fiche.state != FicheState.RETURNED:
        return None
    return (
        TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Fiche), object_id=fiche.pk, transition="send_back"
        )
        .select_related("actor")
        .order_by("-pk")
        .first()
    )


# --- The concern -----------------------------------------------------------------------


def tell_concern_once(fiche: Fiche) -> bool:
    """Tell the school tutor at once of the company tutor's concern, the first time it is
    saved on the fiche (never again on later saves). Returns whether they were told now.
    Side effects: `concern_told_at` set (a conditional update: two saves cannot both tell),
    a notification to the school tutor."""
    told = Fiche.objects.filter(pk=fiche.pk, concern=True, concern_told_at__isnull=True).update(
        concern_told_at=timezone.now()
    )
    if not told:
        return False
    fiche = Fiche.objects.with_people().get(pk=fiche.pk)
    notify(
        [fiche.apprenticeship.school_tutor],
        title=_("Concern raised by the company tutor about %(person)s") % {"person": _person(fiche)},
        message=fiche.concern_reason,
        url=fiche_url(fiche),
    )
    return True


# --- Effects of the transitions ------------------------------------------------------------


def record_submission(ctx: TransitionContext) -> None:
    """Submitted: dated, the tutor's due date set, the tutor told with a direct link."""
    fiche = ctx.obj
    fiche.submitted_at = timezone.now()
    fiche.tutor_due_on = timezone.localdate() + datetime.timedelta(days=settings.LEA_FICHE_TUTOR_DAYS)
    fiche.save(update_fields=["submitted_at", "tutor_due_on"])
    notify(
        [fiche.apprenticeship.company_tutor],
        title=_("Fiche de liaison of %(person)s: complete and countersign it by %(date)s")
        % {"person": _person(fiche), "date": date_format(fiche.tutor_due_on, "SHORT_DATE_FORMAT")},
        url=fiche_url(fiche, "lea:fiche_tutor_edit"),
    )


def tell_apprentice_sent_back(ctx: TransitionContext) -> None:
    fiche = ctx.obj
    notify(
        [fiche.apprenticeship.apprentice],
        title=_("Your fiche de liaison (period %(number)s) was sent back by your company tutor")
        % {"number": fiche.number},
        message=ctx.comment,
        url=fiche_url(fiche, "lea:fiche_edit"),
    )


def countersign(ctx: TransitionContext) -> None:
    """The tutor's simple electronic signature (it freezes both sections), dated; the concern
    told if it was not yet; the school tutor told the fiche awaits their acknowledgement."""
    fiche = ctx.obj
    sign_online(fiche, signer=ctx.actor, purpose=SIGNATURE_PURPOSE, evidence=ctx.evidence)
    fiche.countersigned_at = timezone.now()
    fiche.save(update_fields=["countersigned_at"])
    tell_concern_once(fiche)
    notify(
        [fiche.apprenticeship.school_tutor],
        title=_("Fiche de liaison of %(person)s countersigned: acknowledge it") % {"person": _person(fiche)},
        url=fiche_url(fiche),
    )


def record_acknowledgement(ctx: TransitionContext) -> None:
    fiche = ctx.obj
    fiche.school_comment = ctx.comment
    fiche.acknowledged_at = timezone.now()
    fiche.acknowledged_by = ctx.actor
    fiche.save(update_fields=["school_comment", "acknowledged_at", "acknowledged_by"])


def reopen(ctx: TransitionContext) -> None:
    """Scolarité reopens a countersigned fiche: its signature is voided (kept, with the
    reason), the tutor has a new due date, tutor and apprentice are told."""
    fiche = ctx.obj
    void_signatures(fiche, by=ctx.actor, reason=ctx.comment)
    fiche.countersigned_at = None
    fiche.acknowledged_at = None
    fiche.acknowledged_by = None
    fiche.tutor_due_on = timezone.localdate() + datetime.timedelta(days=settings.LEA_FICHE_TUTOR_DAYS)
    fiche.save(update_fields=["countersigned_at", "acknowledged_at", "acknowledged_by", "tutor_due_on"])
    notify(
        [fiche.apprenticeship.company_tutor, fiche.apprenticeship.apprentice],
        title=_("The fiche de liaison of %(person)s (period %(number)s) has been reopened")
        % {"person": _person(fiche), "number": fiche.number},
        message=ctx.comment,
        url=fiche_url(fiche),
    )
