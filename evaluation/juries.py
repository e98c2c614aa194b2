"""Juries (services): who a session deliberates on, their results and gaps, the automatic
proposals (clear cases only, never over a decision a person entered), the decisions, the
minutes and the lock on grades once the jury has deliberated.

The session's states change only through its workflow (evaluation.workflows.JURY_WORKFLOW);
this module holds what the transitions and the pages call."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from apprentissage.drafts import ConcurrentEdit
from apprentissage.models import Enrolment
from evaluation import computation
from evaluation.enums import JuryState
from evaluation.models import JuryDecision, JurySession, Programme
from evaluation.results import ProgrammeShape, year_results

LOCKING_STATES = (JuryState.CLOSED, JuryState.PUBLISHED)


def session_enrolments(session: JurySession):
    """Everyone enrolled that school year in the session's study year (and option): those who
    left or were suspended too, on whom the jury records DEF or DEM."""
    enrolments = Enrolment.objects.filter(
        school_year_id=session.school_year_id, study_year=session.study_year
    )
    if session.option_id:
        enrolments = enrolments.filter(apprenticeship__option_id=session.option_id)
    return enrolments.select_related("apprenticeship__apprentice", "apprenticeship__option").order_by(
        "apprenticeship__apprentice__last_name", "apprenticeship__apprentice__first_name", "pk"
    )


@dataclass
class SessionRow:
    """One apprentice of a session: their results, the gaps, the decision (if any)."""

    enrolment: Enrolment
    result: computation.YearResult
    decision: JuryDecision | None

    @property
    def gaps(self) -> tuple[computation.Gap, ...]:
        return computation.gaps(self.result)

    @property
    def proposal(self) -> computation.Proposal:
        return self.result.proposal

    def ue(self, code: str) -> computation.UEResult | None:
        return next((ue for ue in self.result.ues if ue.code == code), None)


def session_rows(session: JurySession) -> list[SessionRow]:
    """Every apprentice of the session with their results and decision, in a constant number
    of queries (enrolments, the programme's shape, grades, component grades, earlier
    decisions for capitalised UEs, this session's decisions)."""
    programme = Programme.objects.filter(school_year_id=session.school_year_id).first()
    enrolments = list(session_enrolments(session))
    if programme is None or not enrolments:
        return []
    results = year_results(enrolments, ProgrammeShape.of(programme))
    decisions = {d.enrolment_id: d for d in JuryDecision.objects.filter(session=session)}
    return [SessionRow(e, results[e.pk], decisions.get(e.pk)) for e in enrolments]


def incomplete_rows(rows: list[SessionRow]) -> list[SessionRow]:
    return [row for row in rows if row.gaps]


def completeness_problem(session: JurySession) -> str | None:
    """Why the session cannot deliberate without an override (missing grades, ATT, missing
    Unité Entreprise components, no programme), or None."""
    if not Programme.objects.filter(school_year_id=session.school_year_id).exists():
        return _("This school year has no programme: no result can be computed.")
    incomplete = len(incomplete_rows(session_rows(session)))
    if incomplete:
        return ngettext(
            "%(count)d apprentice has missing or pending grades: complete them, or deliberate "
            "anyway and say why.",
            "%(count)d apprentices have missing or pending grades: complete them, or deliberate "
            "anyway and say why.",
            incomplete,
        ) % {"count": incomplete}
    return None


def snapshot(result: computation.YearResult) -> dict:
    """The results a decision is taken on, as stored (exact values as strings)."""

    def number(value):
        return None if value is None else str(value)

    return {
        "average": number(result.average),
        "ects_earned": number(result.ects_earned),
        "ects_total": number(result.ects_total),
        "ues": [
            {
                "code": ue.code,
                "title": ue.label,
                "average": number(ue.average),
                "decision": ue.decision.value if ue.decision else None,
                "ects": number(ue.ects_awarded),
                "capitalised": ue.capitalised,
            }
            for ue in result.ues
        ],
    }


def _stored(decision: JuryDecision | None) -> computation.Decision | None:
    if decision is None or not decision.code:
        return None
    return computation.Decision(computation.YearCode(decision.code), automatic=decision.automatic)


@transaction.atomic
def refresh_proposals(session: JurySession) -> int:
    """Fill the session's decisions with the automatic proposals: an empty or automatic
    decision takes the current proposal (or is cleared when none holds any more); a decision a
    person entered is never touched (computation.apply_proposals). Returns how many changed."""
    rows = session_rows(session)
    current = {row.enrolment.pk: _stored(row.decision) for row in rows}
    proposed = computation.apply_proposals(current, {row.enrolment.pk: row.proposal for row in rows})
    new, changed = [], []
    for row in rows:
        after = proposed[row.enrolment.pk]
        decision = row.decision
        if decision is not None and decision.code and not decision.automatic:
            continue  # a person's decision
        code = after.code.value if after else ""
        outcome = computation.outcome_for(after.code) if after else None
        values = {
            "code": code,
            "automatic": bool(code),
            "outcome": outcome.value if outcome else "",
            "snapshot": snapshot(row.result),
        }
        if decision is None:
            new.append(JuryDecision(session=session, enrolment=row.enrolment, **values))
        elif any(getattr(decision, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(decision, key, value)
            decision.version += 1
            changed.append(decision)
    if new:
        bulk_create_with_history(new, JuryDecision)
    if changed:
        bulk_update_with_history(
            changed, JuryDecision, ["code", "automatic", "outcome", "snapshot", "version"], batch_size=500
        )
    return len(new) + len(changed)


def decide(
    decision: JuryDecision, *, code: str, reason: str, outcome: str, actor, version: int
) -> JuryDecision:
    """A person's decision (never replaced by a proposal afterwards): ADJ needs a reason. A
    decision changed by someone else since `version` was read is refused (ConcurrentEdit),
    as is one in a session that is not deliberating."""
    computation.jury_decision(code, reason)  # validates (ADJ's reason)
    with transaction.atomic():
        locked = JuryDecision.objects.select_for_update().select_related("session").get(pk=decision.pk)
        if locked.session.state != JuryState.DELIBERATING:
            raise ConcurrentEdit(_("The jury is not deliberating: decisions can no longer be changed."))
        if locked.version != version:
            raise ConcurrentEdit(
                _("Someone else changed this decision meanwhile (now: %(code)s). Check it and decide again.")
                % {"code": locked.code or "—"}
            )
        rows = {row.enrolment.pk: row for row in session_rows(locked.session)}
        row = rows.get(locked.enrolment_id)
        locked.code = code
        locked.reason = reason.strip()
        locked.outcome = (
            outcome or ((o := computation.outcome_for(computation.YearCode(code))) and o.value) or ""
        )
        locked.automatic = False
        locked.snapshot = snapshot(row.result) if row else locked.snapshot
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.version += 1
        locked.save()
    return locked


def undecided_problem(session: JurySession) -> str | None:
    """Why the session cannot close: apprentices without a decision, an ADJ without reason."""
    decided = JuryDecision.objects.filter(session=session).exclude(code="")
    missing = session_enrolments(session).exclude(decision__in=decided).count()
    if missing:
        return ngettext(
            "%(count)d apprentice has no decision yet.",
            "%(count)d apprentices have no decision yet.",
            missing,
        ) % {"count": missing}
    if decided.filter(code=computation.YearCode.ADJ, reason="").exists():
        return _("Every ADJ decision needs the jury's reason.")
    return None


def grades_locked(school_year_id: int, study_year: int, option_id: int | None = None) -> bool:
    """Grades of that school year and study year are locked once a jury covering them has
    deliberated (closed or published); scolarité reopens the session, with a reason, to
    change them."""
    sessions = JurySession.objects.filter(
        school_year_id=school_year_id, study_year=study_year, state__in=LOCKING_STATES
    )
    return sessions.filter(Q(option__isnull=True) | Q(option_id=option_id)).exists()


def published_enrolment_ids(enrolments) -> set[int]:
    """The enrolments whose results are published (their jury session is), in one query."""
    return set(
        JuryDecision.objects.filter(enrolment__in=enrolments, session__state=JuryState.PUBLISHED).values_list(
            "enrolment_id", flat=True
        )
    )


def decision_counts(rows: list[SessionRow]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        key = row.decision.code if row.decision and row.decision.code else ""
        counts[key] = counts.get(key, 0) + 1
    return counts


@dataclass(frozen=True)
class MinutesLine:
    name: str
    option: str
    average: str
    ects: str
    decision: str
    outcome: str
    reason: str


def freeze_snapshots(session: JurySession, rows: list[SessionRow]) -> None:
    """Each decision keeps the results the session closed on (those the minutes show)."""
    changed = []
    for row in rows:
        if row.decision is not None:
            data = snapshot(row.result)
            if row.decision.snapshot != data:
                row.decision.snapshot = data
                changed.append(row.decision)
    if changed:
        bulk_update_with_history(changed, JuryDecision, ["snapshot"], batch_size=500)


def minutes_context(session: JurySession) -> dict:
    """What the minutes show: the session, every apprentice's decision on the results it
    closes on (frozen on the decisions), the counts per decision, the president's block."""
    rows = session_rows(session)
    freeze_snapshots(session, rows)
    lines = []
    for row in rows:
        decision = row.decision
        lines.append(
            MinutesLine(
                name=str(row.enrolment.apprenticeship.apprentice),
                option=row.enrolment.apprenticeship.option.name,
                average=computation.display(row.result.average),
                ects=computation.display_credits_of(row.result.ects_earned, row.result.ects_total),
                decision=decision.get_code_display() if decision and decision.code else "—",
                outcome=decision.get_outcome_display() if decision and decision.outcome else "—",
                reason=decision.reason if decision else "",
            )
        )
    counts = decision_counts(rows)
    return {
        "session": session,
        "lines": lines,
        "counts": sorted(((code or "—", n) for code, n in counts.items())),
        "members": list(session.members.order_by("last_name", "first_name")),
    }
