"""Calendar feeds: a secret, revocable address per person where Outlook, Google Calendar or
Thunderbird read their alternance calendar (and their apprentices')."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..feeds import FeedState, active_feed
from ..models import CalendarFeed


def _require_feed_role(user) -> None:
    """Apprentices, tutors, option leads and company contacts (planning.rules): the others
    have no calendar of their own, and the account menu does not offer them the page."""
    if not user.has_perm("planning.subscribe_to_calendar"):
        raise PermissionDenied


def feed_url(feed: CalendarFeed) -> str:
    return settings.SITE_URL + reverse("planning:feed", args=[feed.token])


@login_required
def feeds(request):
    """My feed's address, how to subscribe, and the buttons to create or revoke it."""
    _require_feed_role(request.user)
    feed = active_feed(request.user)
    url = feed_url(feed) if feed else None
    return render(
        request,
        "planning/feeds.html",
        {
            "feed": feed,
            "feed_url": url,
            # the same address for the calendar programs that subscribe on a click
            "webcal_url": "webcal://" + url.split("://", 1)[1] if url else None,
        },
    )


@login_required
@require_POST
def feed_create(request):
    """Create my feed's secret address (one active address per person)."""
    _require_feed_role(request.user)
    with transaction.atomic():
        # Lock the person's row so that two clicks cannot create two active feeds.
        get_user_model().objects.select_for_update().filter(pk=request.user.pk).first()
        if active_feed(request.user):
            messages.info(request, _("Your calendar already has an address."))
        else:
            CalendarFeed.objects.create(user=request.user)
            messages.success(request, _("Your calendar's address has been created."))
    return redirect("planning:feeds")


@login_required
@require_POST
def feed_revoke(request):
    """Revoke my feed's address: calendar programs using it stop receiving updates."""
    _require_feed_role(request.user)
    revoked = CalendarFeed.objects.filter(user=request.user, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    if revoked:
        messages.success(request, _("The address has been revoked: it no longer works."))
    else:
        messages.info(request, _("You have no active address to revoke."))
    return redirect("planning:feeds")


def feed(request, token: str):
    """The iCalendar feed itself. No login: the secret token is the credential, so an unknown
    or revoked token, or the token of a deactivated person, answers 404. Calendar programs
    poll it: it answers 304 to an If-None-Match naming its current ETag, and a feed built
    already for that ETag comes from the cache (`FeedState`), so only a change to the
    calendars, the followed apprentices or their enrolments rebuilds it."""
    found = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, revoked_at=None, user__is_active=True)
        .first()
    )
    if found is None:
        raise Http404
    state = FeedState.of(found)
    etag = quote_etag(state.etag)
    response = get_conditional_response(request, etag=etag)  # 304 when the program has it already
    if response is None:
        response = HttpResponse(state.body(found.user), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="alternance.ics"'
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


urlpatterns = [
    path("abonnements/", feeds, name="feeds"),
    path("abonnements/creer/", feed_create, name="feed_create"),
    path("abonnements/revoquer/", feed_revoke, name="feed_revoke"),
    path("flux/<str:token>.ics", feed, name="feed"),
]
