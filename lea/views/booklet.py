"""The booklet of an apprenticeship: its page, the apprentice's own, its PDF (a job)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from apprentissage.models import Apprenticeship, Enrolment
from apprentissage.permissions import get_object_for_user_or_404
from lea.booklet import booklet_for
from lea.jobs import start_booklet_export
from lea.models import BookletExport


@login_required
def my_booklet(request):
    """The apprentice's own booklet: that of their current apprenticeship."""
    apprenticeship = Apprenticeship.objects.current().filter(apprentice=request.user).first()
    if apprenticeship is None:
        raise Http404
    return redirect("lea:booklet", pk=apprenticeship.pk)


def _booklet_apprenticeships():
    """The page's apprenticeship: the people it names and the option (its lead's id is what
    the permissions read), not the cohort nor the lead's row; the enrolments with their school
    years (the booklet's years, the calendar and the PDF job's progress read them)."""
    return Apprenticeship.objects.select_related(
        "apprentice", "company", "company_tutor", "school_tutor", "option"
    ).prefetch_related(Prefetch("enrolments", queryset=Enrolment.objects.select_related("school_year")))


@login_required
def booklet(request, pk: int):
    apprenticeship = get_object_for_user_or_404(
        request.user, "lea.view_booklet", _booklet_apprenticeships(), pk=pk
    )
    today = timezone.localdate()
    data = booklet_for(apprenticeship, request.user, today)
    exports = []
    may_export = request.user.has_perm("lea.export_booklet", apprenticeship)
    if may_export:
        exports = list(
            BookletExport.objects.filter(
                apprenticeship=apprenticeship, requested_by=request.user
            ).select_related("job")[:3]
        )
    return render(
        request,
        "lea/booklet/booklet.html",
        {
            "apprenticeship": apprenticeship,
            "booklet": data,
            "today": today,
            "may_export": may_export,
            "may_export_evidence": request.user.has_perm("lea.export_evidence", apprenticeship),
            "exports": exports,
        },
    )


@login_required
@require_POST
def booklet_export(request, pk: int):
    """Start the booklet's PDF (a background job) and show its progress."""
    apprenticeship = get_object_for_user_or_404(
        request.user, "lea.view_booklet", _booklet_apprenticeships(), pk=pk
    )
    if not request.user.has_perm("lea.export_booklet", apprenticeship):
        raise Http404
    export = start_booklet_export(apprenticeship=apprenticeship, requested_by=request.user)
    return redirect("job_detail", pk=export.job_id)


@login_required
def booklet_export_download(request, pk: int):
    """A booklet PDF, for whoever may export that booklet; never from MEDIA_URL."""
    export = get_object_or_404(
        BookletExport.objects.select_related(
            "apprenticeship__option", "apprenticeship__apprentice", "apprenticeship__company"
        ),
        pk=pk,
    )
    if not request.user.has_perm("lea.export_booklet", export.apprenticeship) or not export.file:
        raise Http404
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"livret-{export.apprenticeship.apprentice.last_name or export.apprenticeship_id}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("mon-livret/", my_booklet, name="my_booklet"),
    path("apprentissages/<int:pk>/", booklet, name="booklet"),
    path("apprentissages/<int:pk>/pdf/", booklet_export, name="booklet_export"),
    path("exports/<int:pk>/", booklet_export_download, name="booklet_export_download"),
]
