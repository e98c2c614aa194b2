"""Scolarité's pages: the competency framework (blocks and competencies: add, edit, retire,
reorder by position) and the yearly deadlines."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .. import framework as services
from ..forms.framework import CompetencyBlockForm, CompetencyForm, DeadlinesForm
from ..models import Competency, CompetencyBlock


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


@login_required
def framework(request):
    _require(request, "lea.manage_framework")
    return render(request, "lea/framework/framework.html", {"blocks": services.framework_blocks()})


def _edit(request, *, form_class, instance=None, initial=None, title: str):
    _require(request, "lea.manage_framework")
    form = form_class(request.POST or None, instance=instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj._history_user = request.user
        obj.save()
        messages.success(request, _("Saved: %(name)s.") % {"name": obj})
        return redirect(reverse("lea:framework") + f"#block-{getattr(obj, 'block_id', obj.pk)}")
    return render(request, "lea/framework/form.html", {"form": form, "title": title}, status=200)


@login_required
def block_add(request):
    return _edit(request, form_class=CompetencyBlockForm, title=_("New competency block"))


@login_required
def block_edit(request, pk: int):
    _require(request, "lea.manage_framework")
    block = get_object_or_404(CompetencyBlock, pk=pk)
    return _edit(request, form_class=CompetencyBlockForm, instance=block, title=_("Edit the block"))


@login_required
def competency_add(request, block_pk: int):
    _require(request, "lea.manage_framework")
    block = get_object_or_404(CompetencyBlock, pk=block_pk)
    return _edit(
        request,
        form_class=CompetencyForm,
        initial={"block": block, "position": block.competencies.count() + 1},
        title=_("New competency"),
    )


@login_required
def competency_edit(request, pk: int):
    _require(request, "lea.manage_framework")
    competency = get_object_or_404(Competency, pk=pk)
    return _edit(request, form_class=CompetencyForm, instance=competency, title=_("Edit the competency"))


@require_POST
@login_required
def competency_active(request, pk: int, active: int):
    _require(request, "lea.manage_framework")
    competency = get_object_or_404(Competency, pk=pk)
    services.set_competency_active(competency, active=bool(active))
    if active:
        messages.success(request, _("Back in use: %(name)s.") % {"name": competency})
    else:
        messages.success(
            request,
            _("Retired: %(name)s. New fiches no longer rate it; fiches already filled keep it.")
            % {"name": competency},
        )
    return redirect(reverse("lea:framework") + f"#block-{competency.block_id}")


@login_required
def deadlines(request):
    _require(request, "lea.manage_deadlines")
    school_years = services.deadline_school_years()
    form = DeadlinesForm(
        request.POST or None, school_years=school_years, set_dates=services.set_dates(school_years)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            changed = services.save_deadlines(form.rows, form.cleaned_data, actor=request.user)
            messages.success(
                request,
                ngettext(
                    "Dates saved (%(count)d date changed).", "Dates saved (%(count)d dates changed).", changed
                )
                % {"count": changed},
            )
            return redirect("lea:deadlines")
        status = 400
    return render(request, "lea/framework/deadlines.html", {"form": form}, status=status)


urlpatterns = [
    path("referentiel/", framework, name="framework"),
    path("referentiel/blocs/ajouter/", block_add, name="framework_block_add"),
    path("referentiel/blocs/<int:pk>/", block_edit, name="framework_block_edit"),
    path("referentiel/blocs/<int:block_pk>/ajouter/", competency_add, name="framework_competency_add"),
    path("referentiel/competences/<int:pk>/", competency_edit, name="framework_competency_edit"),
    path(
        "referentiel/competences/<int:pk>/en-usage/<int:active>/",
        competency_active,
        name="framework_competency_active",
    ),
    path("echeances/", deadlines, name="deadlines"),
]
