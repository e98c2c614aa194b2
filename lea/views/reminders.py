"""A reminder sent by hand (school tutor, scolarité) about a fiche, a yearly description or a
project dossier, to whoever must act on it now (lea.reminders.send_manual_reminder)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lea import reminders

VIEW_PERM = {"fiche": "lea.view_fiche", "plan": "lea.view_plan", "project": "lea.view_project"}


def _back(request, kind: str, document) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(reminders.DETAIL_URL[kind], args=[document.pk])


@require_POST
@login_required
def send_reminder(request, kind: str, pk: int):
    if kind not in reminders.KINDS:
        raise Http404
    model = reminders.KINDS[kind]
    document = get_object_or_404(model.objects.select_related("apprenticeship__option", "school_year"), pk=pk)
    if not request.user.has_perm(VIEW_PERM[kind], document):
        raise Http404
    if not request.user.has_perm("lea.send_reminder", document):
        raise PermissionDenied
    reminded = reminders.send_manual_reminder(document, sent_by=request.user)
    if reminded:
        messages.success(request, _("Reminder sent to %(people)s.") % {"people": reminders.names(reminded)})
    else:
        messages.info(request, _("Nobody has anything to do on this document now: no reminder sent."))
    return redirect(_back(request, kind, document))


urlpatterns = [
    path("relancer/<str:kind>/<int:pk>/", send_reminder, name="send_reminder"),
]
