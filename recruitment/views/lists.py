from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import render

from ..selectors import as_list_rows, visible_dossiers


@login_required
@permission_required("recruitment.view_dossier_list", raise_exception=True)
def dossier_list(request):
    """The dossiers of my company (company contact) or of my option (option lead)."""
    qs = as_list_rows(visible_dossiers(request.user)).order_by("-state_changed_at")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "recruitment/dossier_list.html", {"page": page})
