"""MidiSup's side: the queue of handed-off dossiers, its export, and the dossier PDF."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from apprentissage.pdf import pdf_response
from apprentissage.permissions import get_object_for_user_or_404
from apprentissage.signatures import valid_signature
from apprentissage.tabular import xlsx_response

from ..models import YEARLY_COST_EUROS
from ..selectors import as_list_rows, for_export, midisup_queue, visible_dossiers
from .staff import EXPORT_HEADERS, export_rows

QUEUE_PAGE_SIZE = 50


@login_required
@permission_required("recruitment.view_midisup_queue", raise_exception=True)
def queue(request):
    page = Paginator(as_list_rows(midisup_queue()), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "recruitment/midisup_queue.html", {"page": page, "dossiers": page.object_list})


@login_required
@permission_required("recruitment.view_midisup_queue", raise_exception=True)
def queue_export(request):
    return xlsx_response(
        "midisup-dossiers.xlsx", EXPORT_HEADERS, export_rows(for_export(midisup_queue())), title="MidiSup"
    )


PDF_DOCUMENTS = {
    "accord": ("recruitment/pdf/accord.html", "accord-prealable"),
    "missions": ("recruitment/pdf/mission_sheet.html", "fiche-missions"),
    "dossier": ("recruitment/pdf/dossier.html", "dossier"),
}


@login_required
def dossier_pdf(request, pk: int, document: str):
    dossier = get_object_for_user_or_404(
        request.user, "recruitment.download_dossier_pdf", visible_dossiers(request.user), pk=pk
    )
    if document not in PDF_DOCUMENTS:
        raise Http404
    template, slug = PDF_DOCUMENTS[document]
    sheet = dossier.mission_sheet
    context = {
        "dossier": dossier,
        "accord": dossier.accord,
        "sheet": sheet,
        "validated_version": sheet.versions.filter(decision="validated").select_related("decided_by").first(),
        "signature": valid_signature(dossier.accord),
        "verification_url": request.build_absolute_uri(reverse("signature_verification")),
        "yearly_cost": YEARLY_COST_EUROS,
    }
    return pdf_response(template, context, filename=f"{slug}-{dossier.pk}.pdf")
