"""The Unité Entreprise graded online: an apprentice's page ("Mon Unité Entreprise"), a report
uploaded, downloaded and graded, a rubric scored (a jury member's, the jury's agreed scores,
the company tutor's behaviour, signed), a signed behaviour reopened by scolarité, what waits
for a tutor or an option lead, and the reports' deadlines of a school year."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from apprentissage.drafts import ConcurrentEdit
from apprentissage.models import SchoolYear
from apprentissage.permissions import get_object_for_user_or_404
from apprentissage.signatures import FrozenDocument, SignerEvidence, signatures_of
from evaluation import company_unit as services
from evaluation.company_unit import JURY_ROLES, Slot
from evaluation.enums import GradedBy, ScorerRole
from evaluation.forms.company_unit import (
    BehaviourSignatureForm,
    DueDatesForm,
    ReasonForm,
    ReportGradeForm,
    ReportUploadForm,
    RubricForm,
    YearFilterForm,
)
from evaluation.models import ReportFile


def get_enrolment(request, pk: int):
    """The enrolment `pk` if the user may read its Unité Entreprise, else 404."""
    return get_object_for_user_or_404(
        request.user, "evaluation.view_company_unit", services.visible_enrolments(request.user), pk=pk
    )


def get_component(enrolment, pk: int, *graded_by):
    """A component of the enrolment's Unité Entreprise (graded as `graded_by`), else 404."""
    component = next((c for c in services.components_of(enrolment) if c.pk == pk), None)
    if component is None or (graded_by and component.graded_by not in graded_by):
        raise Http404
    return component


def _page_url(enrolment) -> str:
    return reverse("evaluation:company_unit", args=[enrolment.pk])


def _require(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


# --- An apprentice's Unité Entreprise -------------------------------------------------------


def _render_company_unit(request, enrolment, *, mine: bool):
    user = request.user
    states = services.company_unit_states(enrolment)
    for state in states:
        component = state.component
        state.can_upload = user.has_perm("evaluation.upload_report", Slot(enrolment, component))
        state.can_grade = user.has_perm("evaluation.grade_report", Slot(enrolment, component))
        state.score_links = [
            (role, role.label, reverse("evaluation:rubric_score", args=[enrolment.pk, component.pk, role]))
            for role in (*JURY_ROLES, ScorerRole.AGREED)
            if user.has_perm("evaluation.score_rubric", Slot(enrolment, component, role))
        ]
        state.can_download = user.has_perm("evaluation.download_report", enrolment)
        state.agreed_rows = services.rubric_rows(component, [state.agreed]) if state.agreed else []
    others = []
    if mine:
        others = list(
            services.enrolments_with_people()
            .filter(apprenticeship__apprentice=user)
            .exclude(pk=enrolment.pk)
            .order_by("-school_year__start_year")
        )
    context = {
        "enrolment": enrolment,
        "apprenticeship": enrolment.apprenticeship,
        "states": states,
        "mine": mine,
        "others": others,
        "can_see_grades": user.has_perm("evaluation.view_company_unit_grades", enrolment),
        "published": services.results_published(enrolment),
        "locked": services.grades_locked(enrolment),
        "can_manage_defences": user.has_perm("evaluation.manage_defences"),
    }
    return render(request, "evaluation/company_unit/page.html", context)


@login_required
def my_company_unit(request):
    _require(request, "evaluation.view_my_company_unit")
    enrolment = services.enrolment_of_apprentice(request.user)
    if enrolment is None:
        raise Http404
    return _render_company_unit(request, enrolment, mine=True)


@login_required
def company_unit(request, pk: int):
    enrolment = get_enrolment(request, pk)
    mine = enrolment.apprenticeship.apprentice_id == request.user.pk
    return _render_company_unit(request, enrolment, mine=mine)


# --- Reports --------------------------------------------------------------------------------


@login_required
def report_upload(request, pk: int, component_pk: int):
    enrolment = get_enrolment(request, pk)
    component = get_component(enrolment, component_pk, GradedBy.SCHOOL_TUTOR)
    slot = Slot(enrolment, component)
    _require(request, "evaluation.upload_report", slot)
    form = ReportUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                report = services.upload_report(
                    slot=slot, upload=form.cleaned_data["file"], actor=request.user
                )
            except ValidationError as error:  # not a plain PDF, too large: said on the field
                form.add_error("file", error)
            except services.GradesLocked as error:
                messages.error(request, str(error))
                return redirect(_page_url(enrolment))
            else:
                if report.late:
                    messages.warning(
                        request, _("Your report is uploaded; it is marked late (after the deadline).")
                    )
                else:
                    messages.success(request, _("Your report is uploaded; your school tutor is told."))
                return redirect(_page_url(enrolment))
    context = {
        "enrolment": enrolment,
        "component": component,
        "form": form,
        "reports": services.reports_of(enrolment, component),
    }
    return render(request, "evaluation/company_unit/report_upload.html", context, status=status)


@login_required
def report_download(request, pk: int):
    """A report's PDF, for those who may read it (never from /media/): a download, its type
    enforced."""
    report = get_object_for_user_or_404(
        request.user,
        "evaluation.download_report",
        ReportFile.objects.select_related("enrolment__apprenticeship__option", "component").filter(
            enrolment__in=services.visible_enrolments(request.user)
        ),
        pk=pk,
    )
    response = FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=f"{report.component.code.lower()}-{report.enrolment_id}-{report.uploaded_at:%Y%m%d}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def report_grade(request, pk: int, component_pk: int):
    enrolment = get_enrolment(request, pk)
    component = get_component(enrolment, component_pk, GradedBy.SCHOOL_TUTOR)
    slot = Slot(enrolment, component)
    _require(request, "evaluation.grade_report", slot)
    grade = services.grade_of(enrolment, component)
    form = ReportGradeForm(request.POST or None, grade=grade)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.grade_component(
                    slot=slot,
                    entered=form.cleaned_data["grade"],
                    comment=form.cleaned_data["comment"],
                    expected_version=form.cleaned_data["version"],
                    actor=request.user,
                )
            except ConcurrentEdit as error:
                form.add_error(None, str(error))
                status = 409
            except services.GradesLocked as error:
                messages.error(request, str(error))
                return redirect(_page_url(enrolment))
            else:
                messages.success(
                    request, _("The grade is saved (provisional until the jury's results are published).")
                )
                return redirect(_page_url(enrolment))
        else:
            status = 400
    context = {
        "enrolment": enrolment,
        "component": component,
        "form": form,
        "grade": grade,
        "reports": services.reports_of(enrolment, component),
        "locked": services.grades_locked(enrolment),
    }
    return render(request, "evaluation/company_unit/report_grade.html", context, status=status)


# --- Rubrics ------------------------------------------------------------------------------


ROLE_TITLES = {
    ScorerRole.COMPANY_TUTOR: _("My scoring as company tutor"),
    ScorerRole.SCHOOL_TUTOR: _("My scoring as school tutor"),
    ScorerRole.OPTION_LEAD: _("My scoring as option lead"),
    ScorerRole.AGREED: _("The jury's agreed scores"),
}


@login_required
def rubric_score(request, pk: int, component_pk: int, role: str):
    """A rubric scored as `role`: save a draft, then submit it (a project's) or sign it (the
    behaviour's); read-only once submitted or signed. The agreed scores' page shows the three
    jury members' scorings side by side."""
    if role not in ScorerRole.values:
        raise Http404
    enrolment = get_enrolment(request, pk)
    component = get_component(enrolment, component_pk, GradedBy.PROJECT_JURY, GradedBy.COMPANY_TUTOR)
    if not component.rubric:
        raise Http404
    slot = Slot(enrolment, component, role)
    _require(request, "evaluation.score_rubric", slot)
    is_behaviour = component.graded_by == GradedBy.COMPANY_TUTOR
    scorings = services.scorings_of(enrolment, component)
    scoring = scorings.get(role)
    locked = services.grades_locked(enrolment)
    read_only = bool(scoring and scoring.submitted_at) or locked
    action = next((name for name in ("sign", "submit", "save") if name in request.POST), "save")
    if action == ("submit" if is_behaviour else "sign"):
        action = "save"  # the behaviour is signed, a project's scoring submitted
    final = request.method == "POST" and action in ("sign", "submit")
    comment_label = _("The jury's comment") if role == ScorerRole.AGREED else None
    form = RubricForm(
        request.POST if request.method == "POST" and not read_only else None,
        component=component,
        scoring=scoring,
        require_all=final,
        comment_label=comment_label,
    )
    signature_form = None
    if is_behaviour and not read_only:
        signature_form = BehaviourSignatureForm(request.POST if action == "sign" else None)
    status = 200
    if request.method == "POST":
        if read_only:
            messages.info(request, _("This scoring can no longer be changed."))
            return redirect(request.path)
        valid = form.is_valid() and (action != "sign" or signature_form.is_valid())
        if valid:
            arguments = dict(
                slot=slot,
                points=form.points(),
                comment=form.cleaned_data["comment"],
                expected_version=form.cleaned_data["version"],
                actor=request.user,
            )
            try:
                if action == "sign" and is_behaviour:
                    services.sign_behaviour(
                        **arguments,
                        evidence=SignerEvidence.from_request(
                            request, signature_form.cleaned_data["typed_name"]
                        ),
                    )
                    messages.success(
                        request, _("The professional behaviour is signed; its grade is recorded.")
                    )
                else:
                    services.save_scoring(**arguments, submit=action == "submit" and not is_behaviour)
                    messages.success(
                        request,
                        _("The scoring is submitted.") if action == "submit" else _("Draft saved."),
                    )
            except ConcurrentEdit as error:
                form.add_error(None, str(error))
                status = 409
            except ValidationError as error:
                (signature_form if action == "sign" else form).add_error(None, error)
                status = 400
            except (services.ScoringClosed, FrozenDocument, services.GradesLocked) as error:
                messages.error(request, str(error))
                return redirect(request.path)
            else:
                return redirect(request.path)
        else:
            status = 400
    others = []
    if role == ScorerRole.AGREED:
        others = [scorings.get(r) for r in JURY_ROLES]
    signatures = list(signatures_of(scoring).order_by("pk")) if is_behaviour and scoring else []
    context = {
        "enrolment": enrolment,
        "apprenticeship": enrolment.apprenticeship,
        "component": component,
        "role": role,
        "title": ROLE_TITLES[ScorerRole(role)],
        "scoring": scoring,
        "form": form,
        "signature_form": signature_form,
        "read_only": read_only,
        "locked": locked,
        "is_behaviour": is_behaviour,
        "total": services.scoring_total(component, scoring.points) if scoring else None,
        "out_of": services.rubric_total(component),
        "own_rows": services.rubric_rows(component, [scoring]) if read_only and scoring else [],
        "jury_roles": [r.label for r in JURY_ROLES],
        "jury": others,
        "jury_rows": services.rubric_rows(component, others) if others else [],
        "jury_totals": [services.scoring_total(component, s.points) if s else None for s in others],
        "signature": next((s for s in reversed(signatures) if s.voided_at is None), None),
        "signatures": signatures,
        "can_reopen": bool(scoring and scoring.submitted_at)
        and request.user.has_perm("evaluation.reopen_behaviour", slot),
    }
    return render(request, "evaluation/company_unit/rubric.html", context, status=status)


@login_required
def behaviour_reopen(request, pk: int, component_pk: int):
    """Scolarité reopens a signed behaviour: the signature voided with the reason."""
    enrolment = get_enrolment(request, pk)
    component = get_component(enrolment, component_pk, GradedBy.COMPANY_TUTOR)
    slot = Slot(enrolment, component, ScorerRole.COMPANY_TUTOR)
    _require(request, "evaluation.reopen_behaviour", slot)
    form = ReasonForm(
        request.POST or None,
        label=_("Why reopen the signed evaluation"),
        button=_("Reopen the evaluation"),
    )
    status = 200
    back = reverse("evaluation:rubric_score", args=[enrolment.pk, component.pk, ScorerRole.COMPANY_TUTOR])
    if request.method == "POST":
        if form.is_valid():
            try:
                services.reopen_behaviour(slot=slot, reason=form.cleaned_data["reason"], actor=request.user)
            except (services.ScoringClosed, services.GradesLocked) as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("The evaluation is reopened; the company tutor is told."))
            return redirect(back)
        status = 400
    context = {"enrolment": enrolment, "component": component, "form": form, "back": back}
    return render(request, "evaluation/company_unit/reopen.html", context, status=status)


# --- Lists --------------------------------------------------------------------------------


@login_required
def to_grade(request):
    """What waits for the user (company tutor, school tutor, option lead) this school year."""
    _require(request, "evaluation.view_to_grade")
    filters = YearFilterForm(request.GET or None, with_study_year=False)
    school_year = filters.school_year()
    items = services.to_grade(request.user, school_year)
    context = {"filters": filters, "school_year": school_year, "items": items}
    return render(request, "evaluation/company_unit/to_grade.html", context)


@login_required
def report_deadlines(request):
    """Scolarité sets the last day of each component of a school year's Unité Entreprise."""
    _require(request, "evaluation.manage_report_deadlines")
    filters = YearFilterForm(request.GET or None, with_study_year=False)
    school_year: SchoolYear | None = filters.school_year()
    components = services.due_date_components(school_year) if school_year else []
    form = DueDatesForm(request.POST or None, components=components)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            changed = services.set_due_dates(dates=form.dates(), actor=request.user)
            messages.success(request, _("%(count)d date(s) changed.") % {"count": changed})
            url = reverse("evaluation:report_deadlines")
            return redirect(f"{url}?annee={school_year.start_year}" if school_year else url)
        status = 400
    context = {"filters": filters, "school_year": school_year, "form": form}
    return render(request, "evaluation/company_unit/report_deadlines.html", context, status=status)


urlpatterns = [
    path("unite-entreprise/", my_company_unit, name="my_company_unit"),
    path("unite-entreprise/<int:pk>/", company_unit, name="company_unit"),
    path(
        "unite-entreprise/<int:pk>/rapport/<int:component_pk>/deposer/", report_upload, name="report_upload"
    ),
    path("unite-entreprise/<int:pk>/rapport/<int:component_pk>/noter/", report_grade, name="report_grade"),
    path("rapports/<int:pk>/telecharger/", report_download, name="report_download"),
    path(
        "unite-entreprise/<int:pk>/grille/<int:component_pk>/<str:role>/", rubric_score, name="rubric_score"
    ),
    path(
        "unite-entreprise/<int:pk>/comportement/<int:component_pk>/rouvrir/",
        behaviour_reopen,
        name="behaviour_reopen",
    ),
    path("a-noter/", to_grade, name="to_grade"),
    path("echeances-rapports/", report_deadlines, name="report_deadlines"),
]
