"""The candidate's side: my recruitment dossier, and inviting my future employer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import progress, services
from ..forms import StartDossierForm
from ..selectors import candidate_profile, open_dossier_of


@login_required
@permission_required("recruitment.view_my_recruitment", raise_exception=True)
def my_recruitment(request):
    """Where a candidate stands: their dossier's progress, or the invitation form."""
    candidate = candidate_profile(request.user)
    if candidate is None:  # a superuser, who holds every permission, is not a candidate
        raise PermissionDenied
    dossier = open_dossier_of(candidate)
    if dossier:
        return redirect("recruitment:dossier_detail", pk=dossier.pk)
    closed = list(candidate.dossiers.select_related("company", "accord").order_by("-state_changed_at"))
    form = StartDossierForm(request.POST or None, candidate=candidate)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.start_dossier(candidate=candidate, **form.cleaned_data)
        except services.DossierAlreadyOpen as already:  # the same form sent twice
            messages.info(request, _("Your future employer has already been invited."))
            return redirect("recruitment:dossier_detail", pk=already.dossier.pk)
        messages.success(request, _("Your future employer has been invited to fill in the accord préalable."))
        return redirect("recruitment:dossier_detail", pk=dossier.pk)
    return render(
        request,
        "recruitment/my_recruitment.html",
        {
            "candidate": candidate,
            "form": form,
            "closed": closed,
            "steps": progress.STEPS,
        },
    )
