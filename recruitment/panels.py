"""Recruitment's panel on an apprenticeship's page (apprentissage.panels): the recruitment
dossier the apprenticeship came from, for those who may open it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apprentissage.panels import apprenticeship_panel

from .models import Dossier


@apprenticeship_panel(
    order=10, title=_("Recruitment"), template="recruitment/includes/apprenticeship_panel.html"
)
def dossier_panel(request, apprenticeship) -> dict | None:
    """One query: the dossier with what its permission and the panel read."""
    dossier = (
        Dossier.objects.select_related("candidate__user", "option", "company")
        .filter(apprenticeship=apprenticeship)
        .first()
    )
    if dossier is None or not request.user.has_perm("recruitment.view_dossier", dossier):
        return None
    return {"dossier": dossier, "url": reverse("recruitment:dossier_detail", args=[dossier.pk])}
