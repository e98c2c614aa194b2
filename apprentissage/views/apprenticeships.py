from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apprentissage.forms import ApprenticeshipFilterForm, AssignTutorsForm
from apprentissage.models import Apprenticeship, CompanyTutor
from apprentissage.panels import panels_for
from apprentissage.permissions import get_object_for_user_or_404
from apprentissage.selectors import (
    as_table_rows,
    current_school_year,
    visible_apprenticeships,
    with_study_years,
)
from apprentissage.services import assign_tutors

PAGE_SIZE = 50


@login_required
def apprenticeship_list(request):
    """Every apprenticeship the user may see, with filters; staff see all of them."""
    school_year = current_school_year()
    form = ApprenticeshipFilterForm(request.GET or None)
    qs = as_table_rows(visible_apprenticeships(request.user))
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            for word in data["q"].split():
                qs = qs.filter(
                    Q(apprentice__first_name__icontains=word)
                    | Q(apprentice__last_name__icontains=word)
                    | Q(apprentice__email__icontains=word)
                    | Q(company__name__icontains=word)
                )
        if data["option"]:
            qs = qs.filter(option=data["option"])
        if data["study_year"] and school_year:
            qs = qs.in_study_year(data["study_year"], school_year)
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["sans_tuteur_ecole"]:
            qs = qs.filter(school_tutor__isnull=True)
        if data["tuteur_non_eligible"]:
            qs = qs.filter(company_tutor__company_tutor_profile__isnull=False).exclude(
                CompanyTutor.eligible_q("company_tutor__company_tutor_profile__")
            )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = with_study_years(page.object_list, school_year)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "apprentissage/apprenticeship_list.html",
        {"form": form, "page": page, "school_year": school_year, "query": query.urlencode()},
    )


@login_required
def apprenticeship_detail(request, pk: int):
    apprenticeship = get_object_for_user_or_404(
        request.user,
        "apprentissage.view_apprenticeship",
        # Enrolments prefetched: the study year and the calendar panel read them, one query.
        Apprenticeship.objects.with_people()
        .select_related("company_tutor__company_tutor_profile")
        .with_enrolments(),
        pk=pk,
    )
    school_year = current_school_year()
    tutor_profile = getattr(apprenticeship.company_tutor, "company_tutor_profile", None)
    return render(
        request,
        "apprentissage/apprenticeship_detail.html",
        {
            "apprenticeship": apprenticeship,
            "study_year": apprenticeship.study_year_in(school_year),
            "school_year": school_year,
            "tutor_profile": tutor_profile,
            "panels": panels_for(request, apprenticeship),  # each app's (apprentissage.panels)
        },
    )


@login_required
@permission_required("apprentissage.change_apprenticeship", raise_exception=True)
def apprenticeship_assign_tutors(request, pk: int):
    apprenticeship = get_object_for_user_or_404(
        request.user, "apprentissage.change_apprenticeship", Apprenticeship.objects.with_people(), pk=pk
    )
    form = AssignTutorsForm(
        request.POST or None,
        apprenticeship=apprenticeship,
        initial={"company_tutor": apprenticeship.company_tutor, "school_tutor": apprenticeship.school_tutor},
    )
    if request.method == "POST" and form.is_valid():
        assign_tutors(apprenticeship=apprenticeship, **form.cleaned_data)
        messages.success(request, _("The tutors have been saved."))
        return redirect("apprenticeship_detail", pk=apprenticeship.pk)
    return render(
        request,
        "apprentissage/apprenticeship_assign_tutors.html",
        {"apprenticeship": apprenticeship, "form": form},
    )
