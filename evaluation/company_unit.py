"""The Unité Entreprise graded online (issue 10): the reads (selectors) and the writes
(services) of its pages.

- **Reports** (components graded by the school tutor: the rapport d'observation in 1A, the
  rapport d'ingénierie in 2A): the apprentice uploads a PDF (size limit
  `EVALUATION_REPORT_MAX_BYTES`, the file checked to be a plain PDF whatever its name); an upload
  after the component's `due_on` is flagged late; a new upload becomes the current file and
  the previous ones are kept. The school tutor grades it (a ComponentGrade with a comment,
  optimistic locking by its version).
- **Rubrics**: the project's (each jury member scores it, then the jury's agreed scores make
  the component's grade, on 20) and the professional behaviour's (the company tutor alone,
  signed online: the signature freezes the scoring and makes the grade). Points are given per
  criterion from 0 to the criterion's maximum in steps of 0.5.
- **Who grades what** (`Slot`): an enrolment, one of its components and the role one scores
  it as; the permissions (evaluation/rules.py) read slots.

Grades are shown to the apprentice and the company tutor only once the jury's results are
published (`results_published`); the school tutor, the option lead and scolarité see them
marked provisional until then."""

import hashlib
import io
import uuid
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apprentissage.drafts import ConcurrentEdit
from apprentissage.enums import EnrolmentStatus
from apprentissage.models import Enrolment, SchoolYear
from apprentissage.notifications import notify
from apprentissage.rules import can_manage
from apprentissage.signatures import SignerEvidence, ensure_editable, sign_online, void_signatures
from evaluation import computation
from evaluation.enums import GradedBy, ScorerRole
from evaluation.models import ComponentGrade, ReportFile, RubricScoring, UnitComponent

REPORT_MAX_BYTES = 20 * 1024 * 1024  # the default of settings.EVALUATION_REPORT_MAX_BYTES
BEHAVIOUR_SIGNATURE_PURPOSE = "company_tutor_behaviour"
STEP = Decimal("0.5")
TWENTY = Decimal(20)
CENT = Decimal("0.01")
JURY_ROLES = (ScorerRole.COMPANY_TUTOR, ScorerRole.SCHOOL_TUTOR, ScorerRole.OPTION_LEAD)
# The enrolments whose Unité Entreprise is graded (as the programme's grades: evaluation.demo).
GRADED_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.REPEATING)


class ScoringClosed(Exception):
    """The scoring was submitted (or signed): it can no longer be changed by its author."""


class GradesLocked(Exception):
    """The jury has deliberated on this year: its grades can no longer change here."""


@dataclass(frozen=True)
class Slot:
    """What one grades: an enrolment's component, as `role` (a ScorerRole for rubrics; empty
    for a report or for reading). The permissions (evaluation/rules.py) take slots."""

    enrolment: Enrolment
    component: UnitComponent
    role: str = ""

    @property
    def apprenticeship(self):
        return self.enrolment.apprenticeship


# --- Selectors ---------------------------------------------------------------------------


def enrolments_with_people() -> QuerySet[Enrolment]:
    """Enrolments with what the pages and the permissions read (no query per row)."""
    return Enrolment.objects.select_related(
        "school_year",
        "apprenticeship__apprentice",
        "apprenticeship__company",
        "apprenticeship__company_tutor",
        "apprenticeship__school_tutor",
        "apprenticeship__option__lead",
    )


def follow_up_q(user, prefix: str = "apprenticeship") -> Q | None:
    """The enrolments (or, with another prefix, the rows) `user` reads as the apprentice, a
    tutor or the option lead; Q() for scolarité; None when none."""
    if not getattr(user, "is_authenticated", False):
        return None
    if can_manage(user):
        return Q()
    p = f"{prefix}__"
    return (
        Q(**{f"{p}apprentice": user})
        | Q(**{f"{p}company_tutor": user})
        | Q(**{f"{p}school_tutor": user})
        | Q(**{f"{p}option__lead": user})
    )


def visible_enrolments(user) -> QuerySet[Enrolment]:
    q = follow_up_q(user)
    if q is None:
        return Enrolment.objects.none()
    return enrolments_with_people().filter(q)


def enrolment_of_apprentice(user, pk: int | None = None) -> Enrolment | None:
    """The apprentice's enrolment `pk`, else the one of the current school year, else their
    latest (their current apprenticeship's first)."""
    rows = enrolments_with_people().filter(apprenticeship__apprentice=user)
    if pk is not None:
        return rows.filter(pk=pk).first()
    current = SchoolYear.objects.current()
    if current and (enrolment := rows.filter(school_year=current).first()):
        return enrolment
    return rows.order_by("-school_year__start_year").first()


def components_of(enrolment: Enrolment) -> list[UnitComponent]:
    """The components of the enrolment's Unité Entreprise (its school year's programme, its
    study year), in their order: one query."""
    return list(
        UnitComponent.objects.filter(
            unit__programme__school_year_id=enrolment.school_year_id,
            unit__study_year=enrolment.study_year,
            unit__is_company_unit=True,
        )
        .select_related("unit__programme__school_year")
        .order_by("position", "code")
    )


def results_published(enrolment: Enrolment) -> bool:
    """Whether the jury's results of the enrolment's year are published, so that the
    apprentice and the company tutor may read the Unité Entreprise's grades and the rubric
    feedback; before that, every grade shown is provisional. One query."""
    from evaluation.juries import published_enrolment_ids

    return enrolment.pk in published_enrolment_ids([enrolment])


def grades_locked(enrolment: Enrolment) -> bool:
    """Whether a jury covering the enrolment's year has deliberated: its Unité Entreprise
    grades no longer change (evaluation.juries.grades_locked, as for module grades)."""
    from evaluation.juries import grades_locked as locked_by_a_jury

    return locked_by_a_jury(
        enrolment.school_year_id, enrolment.study_year, enrolment.apprenticeship.option_id
    )


def _ensure_unlocked(enrolment: Enrolment) -> None:
    if grades_locked(enrolment):
        raise GradesLocked(_("The jury has deliberated on this year: its grades can no longer be changed."))


# --- Rubrics -------------------------------------------------------------------------------


def rubric_total(component: UnitComponent) -> Decimal:
    return sum((Decimal(criterion["max_points"]) for criterion in component.rubric), Decimal(0))


def parse_points(text, max_points: Decimal) -> Decimal | None:
    """Points as typed ("1,5", "1.5"), from 0 to `max_points` in steps of 0.5; empty → None."""
    if isinstance(text, Decimal):
        text = str(text)
    try:
        value = computation.parse_grade(text, out_of=Decimal(max_points))
    except ValidationError as error:
        if error.code == "grade_too_high":
            raise ValidationError(
                _("At most %(max)s points."), code="points_too_high", params={"max": _points(max_points)}
            ) from error
        raise ValidationError(_("Enter points such as 1,5."), code="points_format") from error
    if isinstance(value, computation.Special):
        raise ValidationError(_("Enter points such as 1,5."), code="points_format")
    if value is not None and value % STEP:
        raise ValidationError(_("Points go in steps of 0.5 (such as 1 or 1,5)."), code="points_step")
    return value


def _points(value) -> str:
    return f"{Decimal(value).normalize():f}".replace(".", ",")


def missing_criteria(component: UnitComponent, points: dict) -> list[str]:
    """The titles of the rubric's criteria without points."""
    return [c["title"] for c in component.rubric if points.get(c["code"]) in (None, "")]


def scoring_total(component: UnitComponent, points: dict) -> Decimal | None:
    """The sum of the points, when every criterion has some."""
    if missing_criteria(component, points):
        return None
    return sum((Decimal(str(points[c["code"]])) for c in component.rubric), Decimal(0))


def on_twenty(component: UnitComponent, total: Decimal) -> Decimal:
    """A rubric's total as a grade on 20 (the seed's rubrics total 20 points already)."""
    out_of = rubric_total(component)
    return (total * TWENTY / out_of).quantize(CENT, rounding=ROUND_HALF_UP) if out_of else total


def scorings_of(enrolment: Enrolment, component: UnitComponent) -> dict[str, RubricScoring]:
    """role → scoring of this component (one query)."""
    return {
        s.role: s
        for s in RubricScoring.objects.filter(enrolment=enrolment, component=component).select_related(
            "scorer"
        )
    }


def _lock_or_new_scoring(slot: Slot, actor) -> RubricScoring:
    scoring = (
        RubricScoring.objects.select_for_update()
        .filter(enrolment=slot.enrolment, component=slot.component, role=slot.role)
        .first()
    )
    if scoring is None:
        scoring = RubricScoring(
            enrolment=slot.enrolment, component=slot.component, role=slot.role, scorer=actor, version=0
        )
    return scoring


def _write_scoring(slot: Slot, *, points: dict, comment: str, expected_version: int, actor) -> RubricScoring:
    """Save the points and comment of the slot's scoring if nobody saved it since
    `expected_version` (0: not started yet). Raises ScoringClosed, FrozenDocument, ConcurrentEdit."""
    scoring = _lock_or_new_scoring(slot, actor)
    if scoring.submitted_at:
        raise ScoringClosed(_("This scoring is submitted: it can no longer be changed."))
    if scoring.pk:
        ensure_editable(scoring)  # the behaviour's, once signed
    if scoring.version != expected_version:
        raise ConcurrentEdit(
            _(
                "Someone else saved this scoring while you were editing it. "
                "Reload the page to see their changes, then make yours again."
            )
        )
    codes = {c["code"] for c in slot.component.rubric}
    scoring.points = {
        code: str(value) for code, value in points.items() if code in codes and value is not None
    }
    scoring.comment = comment
    scoring.scorer = actor
    scoring.version += 1
    scoring._history_user = actor
    scoring.save()
    return scoring


def _require_complete(component: UnitComponent, points: dict) -> None:
    if missing := missing_criteria(component, points):
        raise ValidationError(
            _("Give points to every criterion before submitting: %(criteria)s.")
            % {"criteria": "; ".join(missing)}
        )


@transaction.atomic
def save_scoring(
    *, slot: Slot, points: dict, comment: str, expected_version: int, actor, submit: bool = False
) -> RubricScoring:
    """A jury member's (or the jury's agreed, or the company tutor's behaviour) scoring saved
    as a draft, or submitted (`submit`: every criterion scored; read-only afterwards). The
    behaviour's is signed, not submitted (`sign_behaviour`). Side effects of submitting: the
    agreed scoring sets the component's grade (its total on 20, its comment); the third jury
    member's tells the school tutor that the jury can agree. Raises ScoringClosed,
    FrozenDocument, ConcurrentEdit, GradesLocked, ValidationError (incomplete), changing nothing."""
    _ensure_unlocked(slot.enrolment)
    if submit:
        _require_complete(slot.component, points)
    scoring = _write_scoring(
        slot, points=points, comment=comment, expected_version=expected_version, actor=actor
    )
    if not submit:
        return scoring
    scoring.submitted_at = timezone.now()
    scoring._history_user = actor
    scoring.save(update_fields=["submitted_at", "updated_at"])
    if slot.role == ScorerRole.AGREED:
        total = scoring_total(slot.component, scoring.points)
        _set_grade(slot, on_twenty(slot.component, total), comment=comment, actor=actor)
    elif _jury_complete(slot):
        apprenticeship = slot.apprenticeship
        notify(
            [apprenticeship.school_tutor],
            title=_("The three scorings of the project of %(name)s are in")
            % {"name": apprenticeship.apprentice},
            url=reverse(
                "evaluation:rubric_score", args=[slot.enrolment.pk, slot.component.pk, ScorerRole.AGREED]
            ),
            message=_("Record the jury's agreed scores: the component's grade is their total."),
        )
    return scoring


def _jury_complete(slot: Slot) -> bool:
    return slot.component.graded_by == GradedBy.PROJECT_JURY and RubricScoring.objects.filter(
        enrolment=slot.enrolment, component=slot.component, role__in=JURY_ROLES, submitted_at__isnull=False
    ).count() == len(JURY_ROLES)


@transaction.atomic
def sign_behaviour(
    *, slot: Slot, points: dict, comment: str, expected_version: int, actor, evidence: SignerEvidence
) -> RubricScoring:
    """The company tutor's behaviour scoring saved, complete, and signed online (their typed
    name): frozen from then on; the component's grade is its total on 20, with its comment.
    Raises as `save_scoring`, and ValidationError when the typed name is not theirs (nothing
    is saved then)."""
    _ensure_unlocked(slot.enrolment)
    _require_complete(slot.component, points)
    scoring = _write_scoring(
        slot, points=points, comment=comment, expected_version=expected_version, actor=actor
    )
    sign_online(scoring, signer=actor, purpose=BEHAVIOUR_SIGNATURE_PURPOSE, evidence=evidence)
    scoring.submitted_at = timezone.now()
    scoring._history_user = actor
    scoring.save(update_fields=["submitted_at", "updated_at"])
    total = scoring_total(slot.component, scoring.points)
    _set_grade(slot, on_twenty(slot.component, total), comment=comment, actor=actor)
    return scoring


@transaction.atomic
def reopen_behaviour(*, slot: Slot, reason: str, actor) -> RubricScoring:
    """Scolarité reopens a signed behaviour scoring: the signature is voided with the reason
    (kept on record), the company tutor may change and sign it again. The grade stays until
    then. Raises ValidationError without a reason."""
    scoring = (
        RubricScoring.objects.select_for_update()
        .filter(enrolment=slot.enrolment, component=slot.component, role=ScorerRole.COMPANY_TUTOR)
        .first()
    )
    if scoring is None or scoring.submitted_at is None:
        raise ScoringClosed(_("This scoring is not signed: there is nothing to reopen."))
    _ensure_unlocked(slot.enrolment)
    void_signatures(scoring, by=actor, reason=reason)
    scoring.submitted_at = None
    scoring._history_user = actor
    scoring.save(update_fields=["submitted_at", "updated_at"])
    notify(
        [slot.apprenticeship.company_tutor],
        title=_("The professional behaviour of %(name)s is reopened")
        % {"name": slot.apprenticeship.apprentice},
        url=reverse(
            "evaluation:rubric_score", args=[slot.enrolment.pk, slot.component.pk, ScorerRole.COMPANY_TUTOR]
        ),
        message=reason,
    )
    return scoring


# --- Component grades ----------------------------------------------------------------------


def _set_grade(slot: Slot, value, *, comment: str, actor) -> ComponentGrade:
    """The component's grade made by the portal (from a rubric): no version to compare."""
    grade = ComponentGrade.objects.select_for_update().filter(
        enrolment=slot.enrolment, component=slot.component
    ).first() or ComponentGrade(enrolment=slot.enrolment, component=slot.component, version=0)
    grade.set_entered(value)
    grade.comment = comment
    grade.version += 1
    grade.updated_by = actor
    grade._history_user = actor
    grade.save()
    return grade


@transaction.atomic
def grade_component(
    *, slot: Slot, entered: computation.Grade, comment: str, expected_version: int, actor
) -> ComponentGrade:
    """A report's grade (on 20, or ABS/EXC/ATT) and comment, entered by the school tutor (or
    scolarité), if nobody saved it since `expected_version` (0: no grade yet). Raises
    ConcurrentEdit or GradesLocked, changing nothing."""
    _ensure_unlocked(slot.enrolment)
    grade = ComponentGrade.objects.select_for_update().filter(
        enrolment=slot.enrolment, component=slot.component
    ).first() or ComponentGrade(enrolment=slot.enrolment, component=slot.component, version=0)
    if grade.version != expected_version:
        raise ConcurrentEdit(
            _(
                "Someone else saved this grade while you were editing it. "
                "Reload the page to see it, then make your change again."
            )
        )
    grade.set_entered(entered)
    grade.comment = comment
    grade.version += 1
    grade.updated_by = actor
    grade._history_user = actor
    grade.save()
    return grade


def grade_of(enrolment: Enrolment, component: UnitComponent) -> ComponentGrade | None:
    return ComponentGrade.objects.filter(enrolment=enrolment, component=component).first()


# --- Reports -------------------------------------------------------------------------------


def report_max_bytes() -> int:
    return int(getattr(settings, "EVALUATION_REPORT_MAX_BYTES", REPORT_MAX_BYTES))


def megabytes(size: int) -> str:
    """A size in MB as people read it ("20", "0,5")."""
    return _points((Decimal(size) / (1024 * 1024)).quantize(Decimal("0.1")))


def validate_report_file(upload) -> None:
    """Refuse what is not a plain PDF document, with a message saying why: too large, not a
    PDF whatever its name (a renamed Word file, an image, an archive), something else hidden
    behind the PDF (a polyglot), JavaScript, automatic actions or embedded files, a password.
    The checks are the core's for signed scans (apprentissage.signatures.validate_scan), with
    the report's size limit and wording."""
    from apprentissage import signatures as core

    limit = report_max_bytes()
    too_large = _("The file is too large: %(max)s MB at most.") % {"max": megabytes(limit)}
    if upload.size > limit:
        raise ValidationError(too_large, code="too_large")
    data = upload.read(limit + 1)
    upload.seek(0)
    if len(data) > limit:
        raise ValidationError(too_large, code="too_large")
    if not data.startswith(b"%PDF-"):
        raise ValidationError(
            _(
                "This file is not a PDF document, whatever its name says: "
                "export your report as PDF from your word processor and send that file."
            ),
            code="not_pdf",
        )
    end = data.rfind(b"%%EOF")
    trailing = data[end + 5 :] if end >= 0 else b""
    skeleton = core._STREAM.sub(b"stream endstream", data)
    if (
        end < 0
        or len(trailing) > core.EOF_TOLERANCE
        or trailing.strip(b" \t\r\n\f\0")
        or zipfile.is_zipfile(io.BytesIO(data))
        or core._HTML.search(skeleton)
    ):
        raise ValidationError(
            _(
                "This file is a PDF disguising another kind of file: it is refused. "
                "Export your report again as PDF."
            ),
            code="disguised",
        )
    _check_readable(data)
    active = _(
        "This PDF contains JavaScript, automatic actions or embedded files: "
        "export your report again as a plain PDF."
    )
    if core._RAW_ACTIVE.search(skeleton) or core._RAW_EMBEDDED.search(skeleton):
        raise ValidationError(active, code="active")
    try:
        core._check_parsed_pdf(data)
    except ValidationError as error:
        raise ValidationError(active, code="active") from error


def _check_readable(data: bytes) -> None:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    except Exception as error:  # pypdf's errors, and any a malformed file provokes
        raise ValidationError(
            _("This PDF cannot be read: export your report again as PDF."), code="unreadable"
        ) from error
    if encrypted:
        raise ValidationError(
            _("This PDF is protected by a password: send it without a password or protection."),
            code="encrypted",
        )
    if not pages:
        raise ValidationError(
            _("This PDF cannot be read: export your report again as PDF."), code="unreadable"
        )


def _safe_name(name: str) -> str:
    name = (name or "rapport.pdf").replace("\\", "/").rsplit("/", 1)[-1].strip() or "rapport.pdf"
    name = "".join(c for c in name if c.isprintable() and c not in '"<>:|?*')
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    return name[-200:]


def is_late(component: UnitComponent, uploaded_at) -> bool:
    """Uploaded after the component's last day (Paris time), when it has one."""
    return bool(component.due_on and timezone.localdate(uploaded_at) > component.due_on)


@transaction.atomic
def upload_report(*, slot: Slot, upload, actor) -> ReportFile:
    """The apprentice's report (`upload`, a PDF) becomes the component's current file; the
    previous current one is kept (current=False). Flagged late after `due_on`. Side effect:
    the school tutor is told. Raises ValidationError (see `validate_report_file`) or
    GradesLocked, storing nothing."""
    validate_report_file(upload)
    _ensure_unlocked(slot.enrolment)
    data = upload.read()
    upload.seek(0)
    now = timezone.now()
    for previous in ReportFile.objects.select_for_update().filter(
        enrolment=slot.enrolment, component=slot.component, current=True
    ):
        previous.current = False
        previous._history_user = actor
        previous.save(update_fields=["current"])
    report = ReportFile(
        enrolment=slot.enrolment,
        component=slot.component,
        original_name=_safe_name(getattr(upload, "name", "")),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_at=now,
        uploaded_by=actor,
        late=is_late(slot.component, now),
        current=True,
    )
    report._history_user = actor
    report.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(data), save=False)
    report.save()
    apprenticeship = slot.apprenticeship
    notify(
        [apprenticeship.school_tutor],
        title=_("%(name)s uploaded their report: %(component)s")
        % {"name": apprenticeship.apprentice, "component": slot.component.title},
        url=reverse("evaluation:report_grade", args=[slot.enrolment.pk, slot.component.pk]),
        message=_("Uploaded after the deadline.") if report.late else "",
    )
    return report


def reports_of(enrolment: Enrolment, component: UnitComponent | None = None) -> list[ReportFile]:
    """Every upload (newest first), of one component or of all: one query."""
    rows = ReportFile.objects.filter(enrolment=enrolment).select_related("uploaded_by")
    if component is not None:
        rows = rows.filter(component=component)
    return list(rows.order_by("-uploaded_at", "-pk"))


@transaction.atomic
def set_due_dates(*, dates: dict[UnitComponent, object], actor) -> int:
    """Each component's new last day (None: none); the late flag of the uploads already made
    follows the new deadline (each change audited). Returns how many components changed."""
    changed = 0
    for component, due_on in dates.items():
        if component.due_on == due_on:
            continue
        component.due_on = due_on
        component._history_user = actor
        component.save(update_fields=["due_on"])
        changed += 1
        for report in ReportFile.objects.filter(component=component).select_for_update():
            late = is_late(component, report.uploaded_at)
            if report.late != late:
                report.late = late
                report._history_user = actor
                report.save(update_fields=["late"])
    return changed


def due_date_components(school_year: SchoolYear) -> list[UnitComponent]:
    """The Unité Entreprise's components of the school year's programme, by study year: one
    query."""
    return list(
        UnitComponent.objects.filter(unit__programme__school_year=school_year, unit__is_company_unit=True)
        .select_related("unit")
        .order_by("unit__study_year", "position", "code")
    )


# --- One apprentice's Unité Entreprise (their page) ---------------------------------------


@dataclass
class ComponentState:
    component: UnitComponent
    grade: ComponentGrade | None = None
    reports: list[ReportFile] = field(default_factory=list)
    scorings: dict[str, RubricScoring] = field(default_factory=dict)
    defence: object = None  # the scheduled (or held) Defence of a project

    @property
    def current_report(self) -> ReportFile | None:
        return next((r for r in self.reports if r.current), None)

    @property
    def is_report(self) -> bool:
        return self.component.graded_by == GradedBy.SCHOOL_TUTOR

    @property
    def is_project(self) -> bool:
        return self.component.graded_by == GradedBy.PROJECT_JURY

    @property
    def is_behaviour(self) -> bool:
        return self.component.graded_by == GradedBy.COMPANY_TUTOR

    @property
    def agreed(self) -> RubricScoring | None:
        scoring = self.scorings.get(ScorerRole.AGREED)
        return scoring if scoring and scoring.submitted_at else None

    @property
    def behaviour(self) -> RubricScoring | None:
        return self.scorings.get(ScorerRole.COMPANY_TUTOR) if self.is_behaviour else None

    @property
    def jury_scorings(self) -> list[tuple[str, RubricScoring | None]]:
        return [(role.label, self.scorings.get(role)) for role in JURY_ROLES]


def company_unit_states(enrolment: Enrolment) -> list[ComponentState]:
    """Each component of the enrolment's Unité Entreprise with its grade, uploads, scorings
    and defence: five queries whatever the number of uploads."""
    from evaluation.enums import DefenceState
    from evaluation.models import Defence

    states = [ComponentState(component) for component in components_of(enrolment)]
    by_id = {state.component.pk: state for state in states}
    if not states:
        return states
    for grade in ComponentGrade.objects.filter(enrolment=enrolment, component_id__in=by_id):
        by_id[grade.component_id].grade = grade
    for report in reports_of(enrolment):
        if report.component_id in by_id:
            by_id[report.component_id].reports.append(report)
    for scoring in RubricScoring.objects.filter(enrolment=enrolment, component_id__in=by_id).select_related(
        "scorer"
    ):
        by_id[scoring.component_id].scorings[scoring.role] = scoring
    for defence in (
        Defence.objects.filter(enrolment=enrolment, component_id__in=by_id)
        .exclude(state=DefenceState.CANCELLED)
        .select_related("company_tutor", "school_tutor", "option_lead")
        .order_by("starts_at")
    ):
        by_id[defence.component_id].defence = defence
    return states


def rubric_rows(component: UnitComponent, scorings: list[RubricScoring | None]) -> list[dict]:
    """One row per criterion: its title, maximum, and each scoring's points (side by side)."""
    rows = []
    for criterion in component.rubric:
        code = criterion["code"]
        rows.append(
            {
                "title": criterion["title"],
                "max_points": Decimal(criterion["max_points"]),
                "points": [
                    (Decimal(s.points[code]) if s and s.points.get(code) not in (None, "") else None)
                    for s in scorings
                ],
            }
        )
    return rows


# --- What waits for a tutor or an option lead ----------------------------------------------


@dataclass
class Waiting:
    """Something `user` has to grade: a slot, what it is, where to do it and its state."""

    slot: Slot
    what: str
    url: str
    status: str
    ready: bool = True  # False: not possible yet (the report is not uploaded)
    due_on: object = None


def to_grade(user, school_year: SchoolYear | None) -> list[Waiting]:
    """What waits for `user` in `school_year`, as company tutor (the behaviour, the project's
    scoring), school tutor (the reports uploaded and not graded, the project's scoring, the
    jury's agreed scores) and option lead (the project's scoring): five queries whatever the
    number of apprentices (enrolments, components, grades, scorings, current reports)."""
    if school_year is None or not getattr(user, "is_authenticated", False):
        return []
    enrolments = list(
        enrolments_with_people()
        .filter(school_year=school_year, status__in=GRADED_STATUSES)
        .filter(
            Q(apprenticeship__company_tutor=user)
            | Q(apprenticeship__school_tutor=user)
            | Q(apprenticeship__option__lead=user)
        )
        .order_by("apprenticeship__apprentice__last_name", "apprenticeship__apprentice__first_name", "pk")
    )
    if not enrolments:
        return []
    ids = [e.pk for e in enrolments]
    components = defaultdict(list)
    for component in (
        UnitComponent.objects.filter(unit__programme__school_year=school_year, unit__is_company_unit=True)
        .select_related("unit")
        .order_by("position", "code")
    ):
        components[component.unit.study_year].append(component)
    graded = set(
        ComponentGrade.objects.filter(enrolment_id__in=ids)
        .filter(Q(value__isnull=False) | ~Q(special=""))
        .values_list("enrolment_id", "component_id")
    )
    scorings = {
        (enrolment_id, component_id, role): submitted
        for enrolment_id, component_id, role, submitted in RubricScoring.objects.filter(
            enrolment_id__in=ids
        ).values_list("enrolment_id", "component_id", "role", "submitted_at")
    }
    uploaded = {
        (enrolment_id, component_id): late
        for enrolment_id, component_id, late in ReportFile.objects.filter(
            enrolment_id__in=ids, current=True
        ).values_list("enrolment_id", "component_id", "late")
    }
    items: list[Waiting] = []

    def scoring_item(enrolment, component, role, what):
        key = (enrolment.pk, component.pk, role)
        if scorings.get(key):
            return
        status = _("Draft saved") if key in scorings else _("Not started")
        items.append(
            Waiting(
                Slot(enrolment, component, role),
                what,
                reverse("evaluation:rubric_score", args=[enrolment.pk, component.pk, role]),
                status,
            )
        )

    for enrolment in enrolments:
        apprenticeship = enrolment.apprenticeship
        for component in components.get(enrolment.study_year, []):
            if component.graded_by == GradedBy.COMPANY_TUTOR and apprenticeship.company_tutor_id == user.pk:
                scoring_item(
                    enrolment, component, ScorerRole.COMPANY_TUTOR, _("Professional behaviour (to sign)")
                )
            elif component.graded_by == GradedBy.PROJECT_JURY:
                for role, person_id in (
                    (ScorerRole.COMPANY_TUTOR, apprenticeship.company_tutor_id),
                    (ScorerRole.SCHOOL_TUTOR, apprenticeship.school_tutor_id),
                    (ScorerRole.OPTION_LEAD, apprenticeship.option.lead_id),
                ):
                    if person_id == user.pk:
                        scoring_item(
                            enrolment,
                            component,
                            role,
                            _("Project rubric, as %(role)s") % {"role": role.label.lower()},
                        )
                if apprenticeship.school_tutor_id == user.pk:
                    submitted = sum(
                        1 for role in JURY_ROLES if scorings.get((enrolment.pk, component.pk, role))
                    )
                    key = (enrolment.pk, component.pk, ScorerRole.AGREED)
                    if not scorings.get(key) and (enrolment.pk, component.pk) not in graded:
                        items.append(
                            Waiting(
                                Slot(enrolment, component, ScorerRole.AGREED),
                                _("Project: the jury's agreed scores"),
                                reverse(
                                    "evaluation:rubric_score",
                                    args=[enrolment.pk, component.pk, ScorerRole.AGREED],
                                ),
                                _("%(count)d of 3 jury scorings submitted") % {"count": submitted},
                                ready=submitted == len(JURY_ROLES),
                            )
                        )
            elif component.graded_by == GradedBy.SCHOOL_TUTOR and apprenticeship.school_tutor_id == user.pk:
                if (enrolment.pk, component.pk) in graded:
                    continue
                key = (enrolment.pk, component.pk)
                if key in uploaded:
                    status = _("Uploaded late, to grade") if uploaded[key] else _("Uploaded, to grade")
                else:
                    status = _("Not uploaded yet")
                items.append(
                    Waiting(
                        Slot(enrolment, component),
                        _("Report: %(title)s") % {"title": component.title},
                        reverse("evaluation:report_grade", args=[enrolment.pk, component.pk]),
                        status,
                        ready=key in uploaded,
                        due_on=component.due_on,
                    )
                )
    return items
