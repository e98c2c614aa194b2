"""The programme (maquette): read by school staff and module teachers, edited, imported,
exported and copied by scolarité. Every change is one transaction, audited by
simple-history (who, what, when); the business rules live in the forms (what may be entered)
and in evaluation.programmes (starting, copying, removing)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apprentissage.models import SchoolYear
from apprentissage.tabular import xlsx_response
from apprentissage.views.imports import upload_view

from .. import programmes as services
from ..forms.programme import (
    AssessmentForm,
    ComponentFormSet,
    ModuleForm,
    ProgrammeRulesForm,
    SchoolYearChoiceForm,
    TeachingUnitForm,
)
from ..imports import IMPORT_PROGRAMME, export_headers, export_rows
from ..models import Assessment, Module, Programme, TeachingUnit

VIEW = "evaluation.view_programme"
MANAGE = "evaluation.manage_programme"


def page_url(school_year: SchoolYear, anchor: str = "") -> str:
    """The programme page of `school_year`, at `anchor` (an element's id) if given."""
    return f"{reverse('evaluation:programme')}?annee={school_year.start_year}" + (
        f"#{anchor}" if anchor else ""
    )


def _programme(start_year: int) -> Programme:
    return get_object_or_404(
        Programme.objects.select_related("school_year"), school_year__start_year=start_year
    )


def _chosen_year(request, school_years: list[SchoolYear]) -> SchoolYear | None:
    """The school year asked for (?annee=2026), else the current one, else the latest."""
    try:
        asked = int(request.GET.get("annee", ""))
    except ValueError:
        asked = None
    by_start = {year.start_year: year for year in school_years}
    if asked in by_start:
        return by_start[asked]
    current = SchoolYear.objects.current()
    if current is not None and current.start_year in by_start:
        return by_start[current.start_year]
    return school_years[0] if school_years else None


@login_required
@permission_required(VIEW, raise_exception=True)
def programme(request):
    """A school year's programme: per study year its UEs, modules (teachers, assessments)
    and Unité Entreprise; the totals beside the seed's; the grading rules in words."""
    school_years = list(SchoolYear.objects.order_by("-start_year"))
    school_year = _chosen_year(request, school_years)
    can_manage = request.user.has_perm(MANAGE)
    context = {
        "school_year": school_year,
        "year_form": SchoolYearChoiceForm(
            initial={"annee": school_year.start_year if school_year else None}, school_years=school_years
        ),
        "can_manage": can_manage,
        "outline": None,
        "previous": None,
    }
    programme = (
        Programme.objects.filter(school_year=school_year).select_related("school_year").first()
        if school_year
        else None
    )
    if programme is not None:
        context["outline"] = services.programme_outline(programme)
        context["rules"] = services.rules_in_words(programme)
        context["next_label"] = f"{school_year.start_year + 1}-{school_year.start_year + 2}"
    elif school_year is not None and can_manage:
        context["previous"] = services.previous_programme(school_year)
    return render(request, "evaluation/programme/programme.html", context)


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def programme_start(request, start_year: int):
    """A school year without a programme gets the seed's, or a copy of the previous year's."""
    school_year = get_object_or_404(SchoolYear, start_year=start_year)
    source = "previous" if request.POST.get("source") == "previous" else "seed"
    try:
        services.start_programme(school_year=school_year, source=source)
    except services.ProgrammeExists:
        messages.error(
            request, _("%(year)s already has a programme: nothing was replaced.") % {"year": school_year}
        )
    except LookupError as error:
        messages.error(request, str(error))
    else:
        if source == "previous":
            message = _(
                "The programme of %(year)s starts as a copy of the previous year's: check and adjust it."
            )
        else:
            message = _("The programme of %(year)s starts from the seed: check and adjust it.")
        messages.success(request, message % {"year": school_year})
    return redirect(page_url(school_year))


@login_required
@permission_required(MANAGE, raise_exception=True)
def programme_copy(request, start_year: int):
    """Copy the programme into the next school year: a confirmation (GET), then the copy
    (POST). A next year that has a programme keeps it: the copy is refused."""
    programme = _programme(start_year)
    next_start = start_year + 1
    target = (
        Programme.objects.filter(school_year__start_year=next_start).select_related("school_year").first()
    )
    next_label = f"{next_start}-{next_start + 1}"
    if request.method == "POST":
        if target is not None:
            messages.error(
                request, _("%(year)s already has a programme: it was not replaced.") % {"year": next_label}
            )
            return redirect(page_url(programme.school_year))
        try:
            copy = services.copy_to_next_year(programme)
        except services.ProgrammeExists:  # copied meanwhile
            messages.error(
                request, _("%(year)s already has a programme: it was not replaced.") % {"year": next_label}
            )
            return redirect(page_url(programme.school_year))
        messages.success(
            request,
            _(
                "The programme of %(source)s was copied into %(target)s (teachers included, no grade): "
                "check and adjust it."
            )
            % {"source": programme.school_year, "target": copy.school_year},
        )
        return redirect(page_url(copy.school_year))
    return render(
        request,
        "evaluation/programme/copy.html",
        {"programme": programme, "target": target, "next_label": next_label},
    )


def _edit(
    request,
    *,
    form,
    title: str,
    back,
    school_year: SchoolYear,
    template="form.html",
    after_save=None,
    extra=None,
):
    """The edit page of one form: saved in a transaction (audited), then back to the page
    (`back`: a URL, or a function of the saved object giving it)."""
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            obj = form.save()
            message = after_save(obj) if after_save else None
        messages.success(request, message or _("Saved: %(name)s.") % {"name": obj})
        return redirect(back(obj) if callable(back) else back)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "title": title, "school_year": school_year, "back": back, **(extra or {})}
    return render(request, f"evaluation/programme/{template}", context, status=status)


@login_required
@permission_required(MANAGE, raise_exception=True)
def programme_rules(request, start_year: int):
    programme = _programme(start_year)
    form = ProgrammeRulesForm(request.POST or None, instance=programme)
    return _edit(
        request,
        form=form,
        title=_("Grading rules of %(year)s") % {"year": programme.school_year},
        back=page_url(programme.school_year, "regles"),
        school_year=programme.school_year,
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def unit_add(request, start_year: int):
    programme = _programme(start_year)
    initial = {}
    if request.GET.get("annee_etude", "").isdigit():
        initial["study_year"] = int(request.GET["annee_etude"])
    form = TeachingUnitForm(request.POST or None, programme=programme, initial=initial)
    return _edit(
        request,
        form=form,
        title=_("New teaching unit (UE)"),
        back=page_url(programme.school_year),
        school_year=programme.school_year,
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def unit_edit(request, pk: int):
    unit = get_object_or_404(TeachingUnit.objects.select_related("programme__school_year"), pk=pk)
    form = TeachingUnitForm(request.POST or None, instance=unit, programme=unit.programme)
    return _edit(
        request,
        form=form,
        title=_("Edit the UE %(code)s") % {"code": unit.code},
        back=page_url(unit.programme.school_year, f"ue-{unit.pk}"),
        school_year=unit.programme.school_year,
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def module_add(request, start_year: int):
    programme = _programme(start_year)
    initial = {}
    unit = None
    if request.GET.get("ue", "").isdigit():
        unit = programme.units.filter(pk=int(request.GET["ue"]), is_company_unit=False).first()
    if unit is not None:
        initial = {"unit": unit, "semester": services.semesters_of(unit.study_year)[0]}
    form = ModuleForm(request.POST or None, programme=programme, initial=initial)

    def with_assessments(module):
        services.add_default_assessments(module)
        return _("Saved: %(name)s, with the usual assessments to adjust (%(assessments)s).") % {
            "name": module,
            "assessments": ", ".join(title for title, _weight in services.DEFAULT_ASSESSMENTS),
        }

    return _edit(
        request,
        form=form,
        title=_("New module"),
        back=lambda module: page_url(programme.school_year, f"module-{module.pk}"),
        school_year=programme.school_year,
        template="module_form.html",
        after_save=with_assessments,
        extra={"cancel": page_url(programme.school_year, f"ue-{unit.pk}" if unit else "")},
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def module_edit(request, pk: int):
    module = get_object_or_404(Module.objects.select_related("unit__programme__school_year"), pk=pk)
    programme = module.unit.programme
    form = ModuleForm(request.POST or None, instance=module, programme=programme)
    assessments = list(module.assessments.all())
    return _edit(
        request,
        form=form,
        title=_("Edit the module %(code)s") % {"code": module.code},
        back=page_url(programme.school_year, f"module-{module.pk}"),
        school_year=programme.school_year,
        template="module_form.html",
        extra={
            "assessments": assessments,
            "graded_assessments": services.graded_assessments(assessments),
        },
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def module_delete(request, pk: int):
    """Remove a module and its assessments, while none has a grade: a confirmation (GET),
    then the removal (POST)."""
    module = get_object_or_404(Module.objects.select_related("unit__programme__school_year"), pk=pk)
    school_year = module.unit.programme.school_year
    if request.method == "POST":
        try:
            services.delete_module(module)
        except services.HasGrades:
            messages.error(
                request,
                _("The module %(code)s has grades: it cannot be removed (its grades are kept).")
                % {"code": module.code},
            )
            return redirect(page_url(school_year, f"module-{module.pk}"))
        messages.success(request, _("Removed: the module %(name)s.") % {"name": module})
        return redirect(page_url(school_year, f"ue-{module.unit_id}"))
    return render(
        request,
        "evaluation/programme/delete.html",
        {
            "title": _("Remove the module %(code)s") % {"code": module.code},
            "object": module,
            "graded": services.has_grades(module=module),
            "school_year": school_year,
            "back": page_url(school_year, f"module-{module.pk}"),
        },
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def assessment_add(request, module_pk: int):
    module = get_object_or_404(Module.objects.select_related("unit__programme__school_year"), pk=module_pk)
    form = AssessmentForm(
        request.POST or None, module=module, initial={"position": module.assessments.count() + 1}
    )
    return _edit(
        request,
        form=form,
        title=_("New assessment of %(module)s") % {"module": module},
        back=page_url(module.unit.programme.school_year, f"module-{module.pk}"),
        school_year=module.unit.programme.school_year,
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def assessment_edit(request, pk: int):
    assessment = get_object_or_404(
        Assessment.objects.select_related("module__unit__programme__school_year"), pk=pk
    )
    module = assessment.module
    form = AssessmentForm(request.POST or None, instance=assessment, module=module)
    return _edit(
        request,
        form=form,
        title=_("Edit the assessment %(title)s (%(module)s)")
        % {"title": assessment.title, "module": module.code},
        back=page_url(module.unit.programme.school_year, f"module-{module.pk}"),
        school_year=module.unit.programme.school_year,
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def assessment_delete(request, pk: int):
    assessment = get_object_or_404(
        Assessment.objects.select_related("module__unit__programme__school_year"), pk=pk
    )
    module = assessment.module
    school_year = module.unit.programme.school_year
    back = page_url(school_year, f"module-{module.pk}")
    if request.method == "POST":
        try:
            services.delete_assessment(assessment)
        except services.HasGrades:
            messages.error(
                request,
                _("The assessment %(title)s has grades: it cannot be removed (its grades are kept).")
                % {"title": assessment.title},
            )
        else:
            messages.success(request, _("Removed: the assessment %(name)s.") % {"name": assessment})
        return redirect(back)
    return render(
        request,
        "evaluation/programme/delete.html",
        {
            "title": _("Remove the assessment %(title)s (%(module)s)")
            % {"title": assessment.title, "module": module.code},
            "object": assessment,
            "graded": services.has_grades(assessment=assessment),
            "school_year": school_year,
            "back": back,
        },
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def components(request, unit_pk: int):
    """The Unité Entreprise's components at once (their weights make a whole): edit them,
    add one."""
    unit = get_object_or_404(
        TeachingUnit.objects.select_related("programme__school_year"), pk=unit_pk, is_company_unit=True
    )
    school_year = unit.programme.school_year
    formset = ComponentFormSet(request.POST or None, queryset=unit.components.order_by("position", "code"))
    back = page_url(school_year, f"ue-{unit.pk}")
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            for component in formset.save(commit=False):
                component.unit = unit
                component.save()
        messages.success(request, _("Saved: the components of %(unit)s.") % {"unit": unit})
        return redirect(back)
    return render(
        request,
        "evaluation/programme/components.html",
        {"unit": unit, "formset": formset, "school_year": school_year, "back": back},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def programme_xlsx(request, start_year: int):
    """The programme's modules, one line each, in the import's columns (the file to edit
    and import back)."""
    programme = _programme(start_year)
    label = programme.school_year.label
    return xlsx_response(f"programme-{label}.xlsx", export_headers(), export_rows(programme), title=label)


@login_required
@permission_required(MANAGE, raise_exception=True)
def programme_import(request, start_year: int):
    """Upload the modules' table: checked line by line (nothing saved), then applied on
    confirmation (the core's two-step import, evaluation.imports)."""
    programme = (
        Programme.objects.filter(school_year__start_year=start_year).select_related("school_year").first()
    )
    if programme is None:
        school_year = get_object_or_404(SchoolYear, start_year=start_year)
        messages.error(
            request,
            _("%(year)s has no programme yet: start it from the seed or copy it first, then import.")
            % {"year": school_year},
        )
        return redirect(page_url(school_year))
    return upload_view(
        request,
        IMPORT_PROGRAMME,
        params={"programme": programme.pk},
        help_text=gettext_lazy("The programme's export (XLSX) edited, or a table with the same columns."),
    )


urlpatterns = [
    path("programme/", programme, name="programme"),
    path("programme/<int:start_year>/demarrer/", programme_start, name="programme_start"),
    path("programme/<int:start_year>/copier/", programme_copy, name="programme_copy"),
    path("programme/<int:start_year>/regles/", programme_rules, name="programme_rules"),
    path("programme/<int:start_year>/ue/ajouter/", unit_add, name="programme_unit_add"),
    path("programme/ue/<int:pk>/", unit_edit, name="programme_unit_edit"),
    path("programme/ue/<int:unit_pk>/composantes/", components, name="programme_components"),
    path("programme/<int:start_year>/modules/ajouter/", module_add, name="programme_module_add"),
    path("programme/modules/<int:pk>/", module_edit, name="programme_module_edit"),
    path("programme/modules/<int:pk>/retirer/", module_delete, name="programme_module_delete"),
    path(
        "programme/modules/<int:module_pk>/epreuves/ajouter/", assessment_add, name="programme_assessment_add"
    ),
    path("programme/epreuves/<int:pk>/", assessment_edit, name="programme_assessment_edit"),
    path("programme/epreuves/<int:pk>/retirer/", assessment_delete, name="programme_assessment_delete"),
    path("programme/<int:start_year>/export.xlsx", programme_xlsx, name="programme_xlsx"),
    path("programme/<int:start_year>/importer/", programme_import, name="programme_import"),
]
