from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from apprentissage.forms import NotificationPreferencesForm, VerificationCodeForm
from apprentissage.models import Notification
from apprentissage.models.users import EmailFrequency
from apprentissage.notifications import email_frequency_of, mark_read
from apprentissage.signatures import verify


@login_required
def preferences(request):
    user = request.user
    saved_choice = user.email_frequency
    user.email_frequency = ""
    role_default = EmailFrequency(email_frequency_of(user)).label
    user.email_frequency = saved_choice
    form = NotificationPreferencesForm(
        request.POST or None,
        instance=user,
        default_label=_("The default for my role (%(choice)s)") % {"choice": role_default.lower()},
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your preferences are saved."))
        return redirect("account_preferences")
    return render(request, "apprentissage/preferences.html", {"form": form})


@login_required
def notification_open(request, pk: int):
    """Open a notification: mark it read and go to its item. Someone else's → 404."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    mark_read(notification)
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect("home")
    return redirect(notification.url)


def signature_verification(request):
    """Public: anyone holding a signed PDF checks its code against the portal's record."""
    form = VerificationCodeForm(request.GET or None)
    result = None
    searched = False
    if form.is_valid():
        searched = True
        result = verify(form.cleaned_data["code"])
    return render(
        request,
        "apprentissage/signature_verification.html",
        {"form": form, "result": result, "searched": searched},
    )


@login_required
def job_detail(request, pk: int):
    """A background job's progress: the page polls itself (htmx) until the job ends."""
    from apprentissage.models import Job

    job = get_object_or_404(Job, pk=pk, created_by=request.user)
    template = "apprentissage/includes/job_progress.html" if request.htmx else "apprentissage/job_detail.html"
    return render(request, template, {"job": job})
