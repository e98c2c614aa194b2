"""Company visits (fiche de visite entreprise, PRACTICE.md §3): the reads (selectors) and the
writes (services) the views, the workflow's effects, the to-dos and the calendar feeds use.

The school tutor plans a visit; the apprentice and the company tutor receive it as an
iCalendar invitation (RFC 5546: METHOD:REQUEST, the same UID for the visit's whole life, its
SEQUENCE raised at each change, METHOD:CANCEL when it is cancelled). After the visit the
school tutor writes the report and its agreed actions, then signs it (lea/workflows/visits.py);
the apprentice and the company tutor comment on it; each action is a to-do of its owner
until marked done.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Calendar, Event, vCalAddress, vText

from apprentissage.drafts import save_draft
from apprentissage.mail import Attachment
from apprentissage.models import Apprenticeship, SchoolYear, User
from apprentissage.notifications import notify
from planning.feeds import feed_source

from .enums import ActionOwner, RiskStatus, VisitState
from .models import Visit, VisitAction, VisitComment
from .models.visits import REPORT_FIELDS
from .rules import follow_up_q

PRODID = "-//IMT Mines Albi//Portail de l'alternance//FR"
UID_DOMAIN = "alternance.imt-mines-albi.fr"
SIGNATURE_PURPOSE = "school_tutor"
# The report's fields needed to sign it; the risk's reason only for amber and red.
REQUIRED_TO_SIGN = tuple(name for name in REPORT_FIELDS if name != "risk_reason")
RISKS_NEEDING_A_REASON = (RiskStatus.AMBER, RiskStatus.RED)


def paris() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


# --- Selectors ---------------------------------------------------------------------------


def visits_with_people() -> QuerySet[Visit]:
    return Visit.objects.select_related(
        "school_year",
        "apprenticeship__apprentice",
        "apprenticeship__company",
        "apprenticeship__company_tutor",
        "apprenticeship__school_tutor",
        "apprenticeship__option__lead",
    )


def visible_visits(user) -> QuerySet[Visit]:
    """The visits `user` reads as a follow-up party (never a company contact's)."""
    q = follow_up_q(user)
    if q is None:
        return Visit.objects.none()
    return visits_with_people().filter(q)


def school_year_of(day: datetime.date) -> SchoolYear | None:
    """The school year whose dates hold `day` (the later one when two overlap)."""
    return SchoolYear.objects.filter(start_date__lte=day, end_date__gte=day).order_by("-start_date").first()


def owner_of(apprenticeship: Apprenticeship, role: str) -> User | None:
    return {
        ActionOwner.APPRENTICE: apprenticeship.apprentice,
        ActionOwner.COMPANY_TUTOR: apprenticeship.company_tutor,
        ActionOwner.SCHOOL_TUTOR: apprenticeship.school_tutor,
    }.get(role)


def missing_for_signature(visit: Visit) -> list[str]:
    """The labels of the report's fields still empty (the reason of an amber or red risk too)."""
    missing = [name for name in REQUIRED_TO_SIGN if getattr(visit, name) in ("", None)]
    if visit.risk in RISKS_NEEDING_A_REASON and not visit.risk_reason.strip():
        missing.append("risk_reason")
    return [str(Visit._meta.get_field(name).verbose_name) for name in missing]


def why_not_signable(visit: Visit, today: datetime.date | None = None) -> str | None:
    """The workflow's requirement of signing: the visit took place and the report is complete."""
    today = today or timezone.localdate()
    day = timezone.localtime(visit.starts_at, paris()).date()
    if today < day:
        return _("The report can be signed from the day of the visit (%(date)s).") % {
            "date": day.strftime("%d/%m/%Y")
        }
    if missing := missing_for_signature(visit):
        return _("The report is incomplete: %(fields)s.") % {"fields": ", ".join(missing)}
    return None


def schedule_history(visit: Visit) -> list[dict]:
    """When the visit was planned and each time its date, duration, mode or place changed, by
    whom (from its django-simple-history records: one query), oldest first."""
    records = list(visit.history.select_related("history_user").order_by("history_date", "history_id"))
    entries, previous = [], None
    for record in records:
        when = timezone.localtime(record.starts_at, paris())
        if previous is None:
            text = _("Planned for %(date)s") % {"date": date_format(when, "SHORT_DATETIME_FORMAT")}
        elif record.sequence != previous.sequence and record.state == VisitState.PLANNED:
            text = _("Moved to %(date)s (%(mode)s%(place)s); invitation updated") % {
                "date": date_format(when, "SHORT_DATETIME_FORMAT"),
                "mode": record.get_mode_display().lower(),
                "place": f", {record.location}" if record.location else "",
            }
        else:
            previous = record
            continue
        entries.append({"at": record.history_date, "by": record.history_user, "text": text})
        previous = record
    return entries


def open_actions_of(user) -> QuerySet[VisitAction]:
    """Actions agreed at a signed visit, owned by `user`, not done yet."""
    return VisitAction.objects.filter(
        owner=user, done_at__isnull=True, visit__state=VisitState.REPORTED
    ).select_related("visit__apprenticeship__apprentice")


# --- The visit as an iCalendar event -------------------------------------------------------


def visit_uid(visit: Visit) -> str:
    """The invitation's UID: the same for the visit's whole life (reschedulings update it)."""
    return f"visit-{visit.pk}@{UID_DOMAIN}"


def feed_uid(visit: Visit) -> str:
    """The visit in a subscribed calendar feed: another UID than the invitation's, so that a
    calendar program holding both (the accepted invitation, the feed) never merges them."""
    return f"visit-feed-{visit.pk}@{UID_DOMAIN}"


def _address(user: User | None) -> vCalAddress | None:
    if user is None or not user.email:
        return None
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(str(user))
    return address


def visit_event(visit: Visit, *, uid: str, for_user=None) -> Event:
    """The visit as a VEVENT (times in UTC), with who is expected, where, and its page."""
    apprenticeship = visit.apprenticeship
    event = Event()
    event.add("uid", uid)
    event.add("sequence", visit.sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC).replace(microsecond=0))
    event.add("dtstart", visit.starts_at.astimezone(datetime.UTC))
    event.add("dtend", visit.ends_at.astimezone(datetime.UTC))
    event.add("summary", _("Company visit — %(name)s") % {"name": apprenticeship.apprentice})
    if visit.location:
        event.add("location", visit.location)
    page = settings.SITE_URL + reverse("lea:visit_detail", args=[visit.pk])
    lines = [
        _("Company visit of the school tutor (apprenticeship follow-up)."),
        _("Mode: %(mode)s") % {"mode": visit.get_mode_display()},
        _("People present: %(people)s") % {"people": visit.attendees} if visit.attendees else "",
        _("On the portal: %(url)s") % {"url": page},
    ]
    event.add("description", "\n".join(filter(None, lines)))
    event.add("url", page)
    event.add("status", "CANCELLED" if visit.state == VisitState.CANCELLED else "CONFIRMED")
    if organizer := _address(apprenticeship.school_tutor):
        event.add("organizer", organizer)
    for person in (apprenticeship.apprentice, apprenticeship.company_tutor):
        if attendee := _address(person):
            attendee.params["role"] = vText("REQ-PARTICIPANT")
            attendee.params["partstat"] = vText("NEEDS-ACTION")
            event.add("attendee", attendee)
    return event


def visit_calendar(visit: Visit, method: str) -> str:
    """A one-event calendar: METHOD:REQUEST (an invitation or its update), METHOD:CANCEL, or
    METHOD:PUBLISH (the file downloaded from the visit's page)."""
    with translation.override(settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", method)
        calendar.add_component(visit_event(visit, uid=visit_uid(visit)))
        return calendar.to_ical().decode("utf-8")


def invitation(visit: Visit, method: str = "REQUEST") -> Attachment:
    return Attachment(
        filename="invitation.ics" if method != "CANCEL" else "annulation.ics",
        content=visit_calendar(visit, method),
        mimetype="text/calendar",
    )


@feed_source("lea.Visit")
def feed_events(user, apprenticeships, school_years):
    """The company visits in `user`'s calendar feed (planning.feeds): one query."""
    visits = feed_visits(user, apprenticeships, school_years)
    return [visit_event(visit, uid=feed_uid(visit)) for visit in visits]


def feed_visits(user, apprenticeships, school_years) -> list[Visit]:
    """The planned and signed visits of `apprenticeships` that `user` follows as a follow-up
    party (a company contact's feed shows none), in `school_years`: one query."""
    followed = [
        a.pk
        for a in apprenticeships
        if user.pk in (a.apprentice_id, a.company_tutor_id, a.school_tutor_id, a.option.lead_id)
    ]
    if not followed or not school_years:
        return []
    return list(
        Visit.objects.filter(
            apprenticeship_id__in=followed,
            school_year__in=school_years,
            state__in=[VisitState.PLANNED, VisitState.REPORTED],
        )
        .select_related(
            "apprenticeship__apprentice", "apprenticeship__company_tutor", "apprenticeship__school_tutor"
        )
        .order_by("starts_at", "pk")
    )


# --- Services ------------------------------------------------------------------------------


def _detail_url(visit: Visit) -> str:
    return reverse("lea:visit_detail", args=[visit.pk])


def _send_invitation(visit: Visit, *, method: str, title: str, actor) -> None:
    """The apprentice and the company tutor (and the school tutor when someone else acted)
    receive the invitation, its update or its cancellation, at once (see `notify`)."""
    apprenticeship = visit.apprenticeship
    recipients = [apprenticeship.apprentice, apprenticeship.company_tutor]
    if apprenticeship.school_tutor_id and apprenticeship.school_tutor_id != getattr(actor, "pk", None):
        recipients.append(apprenticeship.school_tutor)
    when = timezone.localtime(visit.starts_at, paris())
    notify(
        recipients,
        title=title % {"name": apprenticeship.apprentice},
        url=_detail_url(visit),
        message=" ".join(
            [
                _("On %(date)s at %(time)s, %(mode)s%(place)s.")
                % {
                    "date": date_format(when, "SHORT_DATE_FORMAT"),
                    "time": time_format(when, "TIME_FORMAT"),
                    "mode": visit.get_mode_display().lower(),
                    "place": f" — {visit.location}" if visit.location else "",
                },
                _("The calendar file attached updates your calendar.")
                if method != "CANCEL"
                else _("The calendar file attached removes the visit from your calendar."),
            ]
        ),
        attachments=[invitation(visit, method)],
    )


@transaction.atomic
def plan_visit(*, apprenticeship: Apprenticeship, data: dict, actor) -> Visit:
    """Create a planned visit from the plan form's `data` (starts_at, duration_minutes, mode,
    location, attendees, school_year). Side effects: the invitation (METHOD:REQUEST,
    SEQUENCE 0) e-mailed to the apprentice and the company tutor."""
    visit = Visit(apprenticeship=apprenticeship, updated_by=actor, **data)
    visit._history_user = actor
    visit.save()
    _send_invitation(visit, method="REQUEST", title=_("Company visit planned: %(name)s"), actor=actor)
    return visit


SCHEDULE_FIELDS = ("starts_at", "duration_minutes", "mode", "location")


@transaction.atomic
def update_visit(*, visit: Visit, data: dict, expected_version: int, actor) -> Visit:
    """Change a planned visit (optimistic lock: `ConcurrentEdit` when someone saved since).
    A new date, duration, mode or place raises the SEQUENCE and sends the updated invitation;
    a change of the people present alone does not. Raises `VisitNotPlanned` otherwise."""
    locked = Visit.objects.select_for_update().get(pk=visit.pk)
    if locked.state != VisitState.PLANNED:
        raise VisitNotPlanned(_("Only a planned visit can be changed."))
    rescheduled = any(getattr(locked, name) != data[name] for name in SCHEDULE_FIELDS if name in data)
    if rescheduled:
        data = {**data, "sequence": locked.sequence + 1}
    visit = save_draft(visit, data=data, expected_version=expected_version, actor=actor)
    if rescheduled:
        _send_invitation(visit, method="REQUEST", title=_("Company visit changed: %(name)s"), actor=actor)
    return visit


class VisitNotPlanned(Exception):
    """The visit is no longer planned (signed or cancelled): the plan and the report are frozen."""


@transaction.atomic
def save_report(*, visit: Visit, data: dict, actions_formset, expected_version: int, actor) -> Visit:
    """Save the report's draft and its agreed actions together (one transaction: a concurrent
    edit saves neither). Each action's owner is the person holding its role now."""
    locked = Visit.objects.select_for_update().get(pk=visit.pk)
    if locked.state != VisitState.PLANNED:
        raise VisitNotPlanned(_("The report is signed: it can no longer be changed."))
    visit = save_draft(visit, data=data, expected_version=expected_version, actor=actor)
    actions = actions_formset.save(commit=False)
    for action in actions_formset.deleted_objects:
        action.delete()
    for action in actions:
        action.visit = visit
        action.owner = owner_of(visit.apprenticeship, action.owner_role)
        action.save()
    return visit


def add_comment(*, visit: Visit, author, body: str) -> VisitComment:
    """The apprentice's or the company tutor's comment on the signed report (the report
    itself never changes). Side effect: the school tutor is told."""
    comment = VisitComment.objects.create(visit=visit, author=author, body=body)
    notify(
        [visit.apprenticeship.school_tutor],
        title=_("%(author)s commented on the report of the visit of %(name)s")
        % {"author": author, "name": visit.apprenticeship.apprentice},
        url=_detail_url(visit) + "#commentaires",
        message=body[:300],
    )
    return comment


def mark_action_done(*, action: VisitAction, actor) -> bool:
    """Mark an agreed action done; False when it was already (idempotent: nothing changes).
    Saved, not updated in bulk: the change is audited and the boards see it."""
    with transaction.atomic():
        pending = VisitAction.objects.select_for_update().filter(pk=action.pk, done_at__isnull=True).first()
        if pending is None:
            return False
        pending.done_at, pending.done_by = timezone.now(), actor
        pending.save(update_fields=["done_at", "done_by"])
    return True


# --- The workflow's effects (lea/workflows/visits.py) ----------------------------------


def sign_report(ctx) -> None:
    """The school tutor's typed-name signature of the report and its actions (frozen)."""
    from apprentissage.signatures import sign_online

    visit = ctx.obj
    for action in visit.actions.select_related("visit__apprenticeship"):
        owner = owner_of(visit.apprenticeship, action.owner_role)
        if action.owner_id != getattr(owner, "pk", None):
            action.owner = owner
            action.save(update_fields=["owner"])
    sign_online(visit, signer=ctx.actor, purpose=SIGNATURE_PURPOSE, evidence=ctx.evidence)
    visit.reported_at = timezone.now()
    visit.save(update_fields=["reported_at"])


def tell_report_signed(ctx) -> None:
    visit = ctx.obj
    apprenticeship = visit.apprenticeship
    notify(
        [apprenticeship.apprentice, apprenticeship.company_tutor],
        title=_("The report of your company visit is available: %(name)s")
        % {"name": apprenticeship.apprentice},
        url=_detail_url(visit),
        message=_("Read it and add your comment if you wish; the agreed actions are in your to-dos."),
    )


def cancel_visit(ctx) -> None:
    """Keep the reason, raise the SEQUENCE and send the cancellation (METHOD:CANCEL)."""
    visit = ctx.obj
    visit.cancel_reason = ctx.comment
    visit.sequence += 1
    visit.save(update_fields=["cancel_reason", "sequence"])
    _send_invitation(visit, method="CANCEL", title=_("Company visit cancelled: %(name)s"), actor=ctx.actor)


# --- The school's rules: a first visit early in 1A, visits every school year -------------


@dataclass
class VisitGap:
    apprenticeship: Apprenticeship
    study_year: int | None
    visits_this_year: int = 0
    last_visit: datetime.datetime | None = None
    next_visit: datetime.datetime | None = None
    # the date by which a 1A contract's first visit is due, when it is missing
    first_visit_due: datetime.date | None = None
    missing_yearly: bool = False
    reasons: list[str] = field(default_factory=list)

    @property
    def missing(self) -> bool:
        return bool(self.first_visit_due or self.missing_yearly)


def _fill_gap(
    gap: VisitGap,
    *,
    contract_start: datetime.date,
    study_year,
    visits: list,
    school_year: SchoolYear,
    today: datetime.date,
    now: datetime.datetime,
    with_reasons: bool = True,
) -> VisitGap:
    """What `gap` (one apprenticeship's) misses, from its contract start, its study year in
    `school_year` and its visits [(school_year_id, starts_at)] (cancelled ones left out)."""
    months = settings.LEA_FIRST_VISIT_MONTHS
    per_year = settings.LEA_VISITS_PER_YEAR
    this_year = sorted(starts_at for year_id, starts_at in visits if year_id == school_year.pk)
    gap.study_year = int(study_year) if study_year else None
    gap.visits_this_year = len(this_year)
    gap.last_visit = max((s for _y, s in visits if s <= now), default=None)
    gap.next_visit = min((s for _y, s in visits if s > now), default=None)
    gap.reasons = []
    due = contract_start + relativedelta(months=months)
    # The first months of the contract, when they end in this school year (not a repeated 1A).
    if study_year == 1 and due >= school_year.start_date:
        in_time = any(timezone.localtime(s, paris()).date() <= due for _y, s in visits)
        if not in_time and contract_start <= today:
            gap.first_visit_due = due
            if with_reasons:
                gap.reasons.append(
                    (
                        _("No first visit within %(months)d months of the contract start (by %(date)s)")
                        if due < today
                        else _("First visit due by %(date)s: none planned by then")
                    )
                    % {"months": months, "date": due.strftime("%d/%m/%Y")}
                )
    if study_year and len(this_year) < per_year:
        gap.missing_yearly = True
        if with_reasons:
            gap.reasons.append(
                _("No visit this school year")
                if not this_year
                else ngettext(
                    "%(count)d visit this school year, %(expected)d expected",
                    "%(count)d visits this school year, %(expected)d expected",
                    len(this_year),
                )
                % {"count": len(this_year), "expected": per_year}
            )
    return gap


def _visits_by_apprenticeship(apprenticeships) -> dict[int, list]:
    """[(school_year_id, starts_at)] of the visits (not cancelled) of `apprenticeships` (ids,
    or a queryset's `values("pk")`): one query."""
    by_apprenticeship = defaultdict(list)
    rows = Visit.objects.filter(apprenticeship__in=apprenticeships).exclude(state=VisitState.CANCELLED)
    for pk, school_year_id, starts_at in rows.order_by().values_list(
        "apprenticeship_id", "school_year_id", "starts_at"
    ):
        by_apprenticeship[pk].append((school_year_id, starts_at))
    return by_apprenticeship


def visit_gaps(
    apprenticeships, school_year: SchoolYear, today: datetime.date | None = None
) -> list[VisitGap]:
    """Each of `apprenticeships` with what it misses in `school_year`: a first visit within
    `LEA_FIRST_VISIT_MONTHS` of the start of a 1A contract (none held or planned by then),
    and `LEA_VISITS_PER_YEAR` visits (held or planned) in the school year. Cancelled visits
    do not count. Two queries whatever the number (enrolments unless prefetched, visits)."""
    today = today or timezone.localdate()
    apprenticeships = list(apprenticeships)
    if not apprenticeships:
        return []
    if not all(
        hasattr(a, "_prefetched_objects_cache") and "enrolments" in a._prefetched_objects_cache
        for a in apprenticeships
    ):
        prefetch_related_objects(apprenticeships, "enrolments")
    by_apprenticeship = _visits_by_apprenticeship([a.pk for a in apprenticeships])
    now = timezone.now()
    return [
        _fill_gap(
            VisitGap(apprenticeship=apprenticeship, study_year=None),
            contract_start=apprenticeship.contract_start,
            study_year=apprenticeship.study_year_in(school_year),
            visits=by_apprenticeship[apprenticeship.pk],
            school_year=school_year,
            today=today,
            now=now,
        )
        for apprenticeship in apprenticeships
    ]


def missing_visit_rows(
    apprenticeships: QuerySet[Apprenticeship], school_year: SchoolYear, today: datetime.date | None = None
) -> list[tuple]:
    """Those of `apprenticeships` (a queryset) who miss a visit in `school_year`, in the
    queryset's order, as (pk, contract start, study year): one query whatever the number
    (their enrolment, their visits counted, none read); `gaps_of_rows` makes the gaps of the
    page shown. The rules of `visit_gaps`."""
    today = today or timezone.localdate()
    held_or_planned = ~Q(visits__state=VisitState.CANCELLED)
    # A query that groups keeps no default ordering: the model's, then the pk (pages).
    ordering = apprenticeships.query.order_by or (*Apprenticeship._meta.ordering, "pk")
    rows = (
        apprenticeships.select_related(None)
        .prefetch_related(None)
        .order_by(*ordering)
        .filter(enrolments__school_year=school_year)  # the others miss nothing this year
        .annotate(
            lea_study_year=F("enrolments__study_year"),  # one enrolment a school year
            lea_visits=Count("visits", filter=held_or_planned & Q(visits__school_year=school_year)),
            lea_first_visit=Min("visits__starts_at", filter=held_or_planned),
        )
        .values_list("pk", "contract_start", "lea_study_year", "lea_visits", "lea_first_visit")
    )
    per_year = settings.LEA_VISITS_PER_YEAR
    months = relativedelta(months=settings.LEA_FIRST_VISIT_MONTHS)
    zone = paris()
    missing = []
    # `_fill_gap`'s rules, as little as deciding takes (hundreds of rows): a visit by the
    # first months' end exists when the first visit is by then.
    for pk, contract_start, study, visits_this_year, first_visit in rows:
        if not study:
            continue
        misses = visits_this_year < per_year
        if not misses and study == 1 and contract_start <= today:
            due = contract_start + months
            misses = due >= school_year.start_date and not (
                first_visit and timezone.localtime(first_visit, zone).date() <= due
            )
        if misses:
            missing.append((pk, contract_start, study))
    return missing


def gaps_of_rows(
    rows: list[tuple], school_year: SchoolYear, today: datetime.date | None = None
) -> list[VisitGap]:
    """The gaps of `rows` (of `missing_visit_rows`) with their reasons, visits and
    apprenticeship (its apprentice, company and option): two queries."""
    today = today or timezone.localdate()
    if not rows:
        return []
    pks = [pk for pk, _start, _study in rows]
    found = (
        Apprenticeship.objects.select_related("apprentice", "company", "option")
        .only(
            "apprentice__first_name",
            "apprentice__last_name",
            "apprentice__email",
            "company__name",
            "option__name",
        )
        .in_bulk(pks)
    )
    by_apprenticeship = _visits_by_apprenticeship(pks)
    now = timezone.now()
    return [
        _fill_gap(
            VisitGap(apprenticeship=found[pk], study_year=None),
            contract_start=contract_start,
            study_year=study,
            visits=by_apprenticeship[pk],
            school_year=school_year,
            today=today,
            now=now,
        )
        for pk, contract_start, study in rows
    ]


def apprentices_without_a_visit(user, today: datetime.date | None = None) -> int:
    """How many of the school tutor `user`'s current apprentices, enrolled in today's school
    year, have fewer than `LEA_VISITS_PER_YEAR` visits (held or planned) in it: one query (the
    school year is a subquery), the count `visit_gaps` gives for its yearly rule."""
    today = today or timezone.localdate()
    current_year = SchoolYear.objects.filter(start_date__lte=today).order_by("-start_date").values("pk")[:1]
    visits = (
        Visit.objects.filter(apprenticeship=OuterRef("pk"), school_year=Subquery(current_year))
        .exclude(state=VisitState.CANCELLED)
        .order_by()
        .values("apprenticeship")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Apprenticeship.objects.current()
        .filter(school_tutor=user, enrolments__school_year=Subquery(current_year))
        .annotate(visits_this_year=Coalesce(Subquery(visits), 0))
        .filter(visits_this_year__lt=settings.LEA_VISITS_PER_YEAR)
        .count()
    )


def apprenticeships_for_visit_rules(user) -> QuerySet[Apprenticeship]:
    """Whose visits `user` watches: a school tutor their own apprentices, scolarité everyone
    (current apprenticeships)."""
    from apprentissage.rules import can_manage

    base = Apprenticeship.objects.with_people().current().with_enrolments()
    if can_manage(user):
        return base
    return base.filter(Q(school_tutor=user))
