"""The LEA's panel on an apprenticeship's page (apprentissage.panels): the link to the
booklet and the state of the latest fiche de liaison."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apprentissage.panels import apprenticeship_panel


@apprenticeship_panel(order=30, title=_("Booklet"), template="lea/booklet/apprenticeship_panel.html")
def booklet_panel(request, apprenticeship) -> dict | None:
    """For whoever may read the booklet; the latest fiche for those who read fiches (one
    query)."""
    from lea.models import Fiche

    if not request.user.has_perm("lea.view_booklet", apprenticeship):
        return None
    latest = None
    if request.user.has_perm("lea.view_fiche", apprenticeship):
        latest = (
            Fiche.objects.live()
            .filter(apprenticeship=apprenticeship, period_start__lte=timezone.localdate())
            .order_by("-return_on", "-pk")
            .only("pk", "number", "state", "due_on", "tutor_due_on")
            .first()
        )
    return {"booklet_url": reverse("lea:booklet", args=[apprenticeship.pk]), "latest_fiche": latest}
