"""The boards of those who follow many apprentices, scolarité's completion, late items and
the exports."""

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.forms.utils import flatatt
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from apprentissage.models import Apprenticeship, Option, SchoolYear, User
from apprentissage.permissions import get_object_for_user_or_404
from apprentissage.rules import can_manage
from apprentissage.versions import CSRF_PLACEHOLDER, cached_fragment
from lea.boards import (
    BOARD_MODELS,
    BOARD_PAGE_SIZE,
    COMPLETION_HEADERS,
    SORT_LABELS,
    SORTS,
    board_apprenticeships,
    board_rows,
    completion_table,
    fill_rows,
    finish_rows,
    name_rows,
    plans_to_validate,
    show_late_items,
    sort_rows,
    url_maker,
)
from lea.boards import (
    late_items as late_items_of,
)
from lea.exports import completion_xlsx as completion_workbook
from lea.exports import evidence_xlsx
from planning.selectors import current_and_next_school_years


class QuickSelect(forms.Select):
    """A select rendered in Python, not a template per option (the school tutors: dozens)."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if key in selected else "", label)
                for key, label in ((str(v), label) for v, label in self.choices)
            ),
        )
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return format_html("<select{}>\n{}\n</select>", flatatt(final), options)


class BoardFilterForm(forms.Form):
    """Scolarité's filters (the others see their own apprentices)."""

    school_tutor = forms.ModelChoiceField(
        label=_("School tutor"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("All"),
        widget=QuickSelect,
    )
    option = forms.ModelChoiceField(
        label=_("Option"),
        queryset=Option.objects.order_by("name"),
        required=False,
        empty_label=_("All"),
        widget=QuickSelect,
    )

    def __init__(self, *args, with_tutor: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_tutor:
            self.fields["school_tutor"].queryset = (
                User.objects.filter(pk__in=Apprenticeship.objects.current().values("school_tutor"))
                .only("first_name", "last_name", "email")
                .order_by("last_name", "first_name")
            )
        else:
            del self.fields["school_tutor"]


def _cached(request, name: str, build, *, with_csrf: bool = False) -> str:
    """A board's content, rebuilt only when its data, the day, the language or the query
    (filters, sort, page) changed: the boards are read far more often than written."""
    return cached_fragment(
        request,
        name,
        depends_on=BOARD_MODELS,
        vary=sorted(request.GET.lists()),
        build=build,
        with_csrf=with_csrf,
    )


def _board_context(request, *, board: str) -> dict:
    today = timezone.localdate()
    manages = can_manage(request.user)
    form = BoardFilterForm(request.GET or None, with_tutor=board == "tutor") if manages else None
    filters = {}
    if form is not None and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    if board == "option" and not manages:
        # The options the user leads, to filter by when there are several.
        led = list(Option.objects.filter(lead=request.user).order_by("name"))
        form = BoardFilterForm(request.GET or None, with_tutor=False) if len(led) > 1 else None
        if form is not None:
            form.fields["option"].queryset = Option.objects.filter(lead=request.user).order_by("name")
            if form.is_valid() and form.cleaned_data["option"]:
                filters = {"option": form.cleaned_data["option"]}
    school_years = current_and_next_school_years(today)
    apprenticeships = board_apprenticeships(request.user, board=board, **filters)
    sort = request.GET.get("sort", "name")
    if sort.lstrip("-") in SORTS and sort.lstrip("-") != "name":  # every row's follow-up to sort
        rows = board_rows(apprenticeships, today, school_years)
        if sort.lstrip("-") == "next_return":  # the only column the calendar gives: every row's
            finish_rows(rows, today, school_years)
        rows, sort = sort_rows(rows, sort)
        page = Paginator(rows, BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    else:  # by name: the follow-up of the page's rows only
        rows, sort = sort_rows(name_rows(apprenticeships), sort)
        page = Paginator(rows, BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
        fill_rows(page.object_list, today, school_years)
    finish_rows(page.object_list, today, school_years)
    query = request.GET.copy()
    query.pop("sort", None)
    query.pop("page", None)
    page_query = request.GET.copy()
    page_query.pop("page", None)
    return {
        "rows": page.object_list,
        "page": page,
        "page_query": page_query.urlencode(),
        "sort": sort,
        "sort_labels": SORT_LABELS,
        "form": form,
        "query": query.urlencode(),
        "today": today,
    }


def _board(request, *, board: str, template: str, extra=None):
    """A board page: its table (and `extra`, a function giving more of the content's context)
    rendered from `<template>` without the page around it, cached (`_cached`)."""

    def build():
        context = _board_context(request, board=board)
        if extra is not None:
            context.update(extra(request))
        return render_to_string(f"lea/boards/_{template}_content.html", context)

    content = _cached(request, f"lea:{template}", build)
    return render(request, f"lea/boards/{template}.html", {"content": content})


@login_required
@permission_required("lea.view_school_tutor_board", raise_exception=True)
def school_tutor_board(request):
    return _board(request, board="tutor", template="school_tutor_board")


# The oldest descriptions waiting are listed; the rest on the review page (lea:plans_to_review).
PLANS_SHOWN = 20


@login_required
@permission_required("lea.view_option_board", raise_exception=True)
def option_board(request):
    return _board(request, board="option", template="option_board", extra=_plans_context)


def _plans_context(request) -> dict:
    plans = list(plans_to_validate(request.user)[: PLANS_SHOWN + 1])
    detail_url = url_maker("lea:plan_detail")
    for plan in plans:
        plan.url = detail_url(plan.pk)
    return {"plans": plans[:PLANS_SHOWN], "more_plans": len(plans) > PLANS_SHOWN}


LATE_PAGE_SIZE = 50


class SchoolYearForm(forms.Form):
    school_year = forms.ModelChoiceField(
        label=_("School year"),
        queryset=SchoolYear.objects.order_by("-start_year"),
        required=False,
        empty_label=None,
        widget=QuickSelect,
    )


def _school_year(request):
    form = SchoolYearForm(request.GET or None)
    chosen = form.cleaned_data["school_year"] if form.is_valid() else None
    return form, chosen or SchoolYear.objects.current()


@login_required
@permission_required("lea.view_completion", raise_exception=True)
def completion(request):
    def build():
        form, school_year = _school_year(request)
        if school_year and not form.is_bound:
            form = SchoolYearForm(initial={"school_year": school_year})
        table = completion_table(school_year, timezone.localdate()) if school_year else []
        context = {"form": form, "school_year": school_year, "table": table, "headers": COMPLETION_HEADERS}
        return render_to_string("lea/boards/_completion_content.html", context)

    content = _cached(request, "lea:completion", build)
    return render(request, "lea/boards/completion.html", {"content": content})


@login_required
@permission_required("lea.view_completion", raise_exception=True)
def completion_xlsx(request):
    from django.http import Http404

    _form, school_year = _school_year(request)
    if school_year is None:
        raise Http404
    return completion_workbook(school_year, timezone.localdate())


@login_required
@permission_required("lea.view_completion", raise_exception=True)
def late_items(request):
    def build():
        today = timezone.localdate()
        page = Paginator(late_items_of(today), LATE_PAGE_SIZE).get_page(request.GET.get("page"))
        show_late_items(page.object_list)
        context = {
            "items": page.object_list,
            "page": page,
            "query": "",
            "next": request.get_full_path(),
            "csrf_token": CSRF_PLACEHOLDER,
        }
        return render_to_string("lea/boards/_late_items_content.html", context)

    content = _cached(request, "lea:late_items", build, with_csrf=True)  # a reminder form a row
    return render(request, "lea/boards/late_items.html", {"content": content})


@login_required
def evidence_export(request, pk: int):
    """Every dated follow-up action of one apprentice (XLSX) for a quality audit: for the
    school tutor, the option lead and scolarité (`lea.export_evidence`)."""
    apprenticeship = get_object_for_user_or_404(
        request.user, "lea.export_evidence", Apprenticeship.objects.with_people(), pk=pk
    )
    return evidence_xlsx(apprenticeship)


urlpatterns = [
    path("suivi/tuteur/", school_tutor_board, name="school_tutor_board"),
    path("suivi/option/", option_board, name="option_board"),
    path("suivi/scolarite/", completion, name="completion"),
    path("suivi/scolarite/export.xlsx", completion_xlsx, name="completion_xlsx"),
    path("suivi/retards/", late_items, name="late_items"),
    path("apprentissages/<int:pk>/preuves.xlsx", evidence_export, name="evidence_export"),
]
