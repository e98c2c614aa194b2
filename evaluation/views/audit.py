"""Every change of a grade (who, old value, new value, when), for scolarité: the audit trail
simple-history keeps, 50 changes a page, newest first, in a constant number of queries."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from evaluation import computation
from evaluation.models import Grade

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    module = forms.CharField(label=_("Module code"), required=False, max_length=20)
    person = forms.CharField(label=_("Apprentice or author (name)"), required=False, max_length=100)


def _shown(value, special) -> str:
    if special:
        return special
    return computation.display(value) if value is not None else "—"


def grade_changes(module: str = "", person: str = ""):
    """The grades' history rows, newest first, each with the value before it (a subquery)."""
    history = Grade.history.model
    before = history.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date")).order_by(
        "-history_date", "-history_id"
    )
    rows = history.objects.select_related(
        "history_user",
        "assessment__module",
        "enrolment__apprenticeship__apprentice",
        "enrolment__school_year",
    ).annotate(
        old_value=Subquery(before.values("value")[:1]), old_special=Subquery(before.values("special")[:1])
    )
    if module:
        rows = rows.filter(assessment__module__code__icontains=module.strip())
    if person:
        for word in person.split():
            rows = rows.filter(
                Q(enrolment__apprenticeship__apprentice__last_name__icontains=word)
                | Q(enrolment__apprenticeship__apprentice__first_name__icontains=word)
                | Q(history_user__last_name__icontains=word)
                | Q(history_user__first_name__icontains=word)
            )
    return rows.order_by("-history_date", "-history_id")


@login_required
def grade_audit(request):
    if not request.user.has_perm("evaluation.view_grade_audit"):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(grade_changes(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    changes = [
        {
            "row": row,
            "kind": {"+": _("entered"), "~": _("changed"), "-": _("removed")}[row.history_type],
            "old": "" if row.history_type == "+" else _shown(row.old_value, row.old_special),
            "new": _shown(row.value, row.special),
        }
        for row in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "evaluation/audit/grades.html",
        {"form": form, "changes": changes, "page": page, "query": query.urlencode()},
    )


urlpatterns = [path("notes/historique/", grade_audit, name="grade_audit")]
