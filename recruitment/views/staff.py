"""Scolarité's side: the pipeline board, admitted candidates and their import, capacities."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from apprentissage.models import Cohort, SchoolYear
from apprentissage.tabular import template_response, xlsx_response
from apprentissage.views.imports import upload_view

from .. import services
from ..enums import DossierState
from ..forms import CANDIDATE_COLUMNS, BoardFilterForm, CandidateForm, CapacityForm
from ..jobs import IMPORT_CANDIDATES
from ..models import YEARLY_COST_EUROS, Candidate, Dossier
from ..selectors import as_list_rows, board_counts, capacities, for_export, visible_dossiers


def _filtered_dossiers(request):
    form = BoardFilterForm(request.GET or None)
    qs = visible_dossiers(request.user)
    stale_days = 7
    if form.is_valid():
        data = form.cleaned_data
        for word in (data["q"] or "").split():
            qs = qs.filter(
                Q(candidate__user__last_name__icontains=word)
                | Q(candidate__user__first_name__icontains=word)
                | Q(company__name__icontains=word)
                | Q(accord__company_name__icontains=word)
                | Q(accord__siret__icontains=word)
            )
        if data["option"]:
            qs = qs.filter(option=data["option"])
        if data["state"]:
            qs = qs.filter(state=data["state"])
        stale_days = data["stale_days"] or stale_days
    return form, qs, stale_days


@login_required
@permission_required("recruitment.manage", raise_exception=True)
def board(request):
    form, qs, stale_days = _filtered_dossiers(request)
    stale_before = timezone.now() - timedelta(days=stale_days)
    page = Paginator(as_list_rows(qs).order_by("state_changed_at"), 50).get_page(request.GET.get("page"))
    for dossier in page:
        dossier.is_stale = dossier.is_open and dossier.state_changed_at < stale_before
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "recruitment/board.html",
        {
            "form": form,
            "page": page,
            "counts": board_counts(qs),
            "stale_days": stale_days,
            "query": query.urlencode(),
        },
    )


EXPORT_HEADERS = [
    "Candidat",
    "E-mail candidat",
    "Option",
    "Promotion",
    "État",
    "Dernier mouvement",
    "Entreprise",
    "SIRET",
    "Contact RH",
    "E-mail RH",
    "Téléphone RH",
    "Tuteur entreprise",
    "E-mail tuteur",
    "Début du contrat",
    "Convention signée le",
    "Contrat signé le",
    "Envoyé à l'OPCO le",
    "Enregistré le",
    "Coût annuel (€)",
]


_STATE_LABELS = dict(DossierState.choices)  # get_state_display translates every label, every row


def export_rows(dossiers):
    for d in dossiers:
        a = d.accord
        yield [
            str(d.candidate.user),
            d.candidate.user.email,
            d.option.name,
            d.cohort.entry_year,
            str(_STATE_LABELS.get(d.state, d.state)),
            timezone.localtime(d.state_changed_at).date(),
            a.company_name,
            a.siret,
            f"{a.hr_first_name} {a.hr_last_name}".strip(),
            a.hr_email,
            a.hr_phone,
            f"{a.tutor_first_name} {a.tutor_last_name}".strip(),
            a.tutor_email,
            a.start_date,
            d.convention_signed_on,
            d.contract_signed_on,
            d.sent_to_opco_on,
            d.registered_on,
            YEARLY_COST_EUROS,
        ]


@login_required
@permission_required("recruitment.manage", raise_exception=True)
def board_export(request):
    _form, qs, _stale = _filtered_dossiers(request)
    rows = export_rows(for_export(qs))
    return xlsx_response("dossiers-recrutement.xlsx", EXPORT_HEADERS, rows, title="Dossiers")


@login_required
@permission_required("recruitment.manage", raise_exception=True)
def candidate_list(request):
    qs = Candidate.objects.select_related("user", "option", "cohort").order_by(
        "-cohort__entry_year", "user__last_name"
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    with_open_dossier = set(
        Dossier.objects.filter(candidate__in=list(page), state__in=DossierState.open()).values_list(
            "candidate_id", flat=True
        )
    )
    return render(
        request, "recruitment/candidate_list.html", {"page": page, "with_open_dossier": with_open_dossier}
    )


@login_required
@permission_required("recruitment.manage", raise_exception=True)
def candidate_create(request):
    form = CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidate = services.record_candidate(recorded_by=request.user, **form.cleaned_data)
        except services.AlreadyRecorded:  # the same candidate sent twice at once: the other won
            form.add_error("email", _("This candidate is already recorded for this cohort."))
            return render(request, "recruitment/candidate_form.html", {"form": form})
        for problem in candidate.eligibility_problems:
            messages.warning(request, _("Eligibility: %(problem)s") % {"problem": problem})
        messages.success(request, _("%(person)s is recorded as admitted.") % {"person": candidate.user})
        return redirect("recruitment:candidate_list")
    return render(request, "recruitment/candidate_form.html", {"form": form})


@login_required
@permission_required("recruitment.manage", raise_exception=True)
def candidate_import_template(request):
    return template_response("modele-import-candidats.xlsx", CANDIDATE_COLUMNS, title="Candidats")


@login_required
@permission_required("recruitment.manage", raise_exception=True)
def candidate_import(request):
    """Upload a file of admitted candidates: checked line by line (nothing saved), then
    imported on confirmation (the core's two-step import, `recruitment.jobs`)."""
    return upload_view(
        request,
        IMPORT_CANDIDATES,
        help_text=_("Use the template: one candidate per line, headers on the first line."),
    )


@login_required
@permission_required("recruitment.manage", raise_exception=True)
def capacity_list(request):
    # Recruitment fills next year's 1A: that cohort by default, else the latest one.
    year = SchoolYear.objects.current()
    cohort = (
        Cohort.objects.filter(entry_year=year.start_year + 1).first() if year else None
    ) or Cohort.objects.order_by("-entry_year").first()
    form = CapacityForm(request.POST or None, initial={"cohort": cohort})
    if request.method == "POST" and form.is_valid():
        services.set_capacity(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Capacity saved; the waiting list moved up if places freed."))
        return redirect("recruitment:capacity_list")
    return render(
        request,
        "recruitment/capacities.html",
        {
            "form": form,
            "cohort": cohort,
            "rows": capacities(cohort) if cohort else [],
        },
    )
