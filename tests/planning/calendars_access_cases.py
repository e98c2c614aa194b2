"""Calendars' and feeds' URLs in the access matrix (registered by tests/test_access_matrix.py)."""

from django.urls import reverse

from planning.models import CalendarFeed

from ..access import CASES, Case, expect

# Those who follow `world.own` (or are it) and program staff who see every apprenticeship.
LINKED = dict(apprentice=200, company_tutor=200, company_contact=200, school_tutor=200, option_lead=200)
PROGRAM_STAFF = dict(scolarite=200, midisup=200, admin=200)
# People with a calendar to subscribe to: an apprentice, or someone who follows apprentices.
WITH_FEED = ("apprentice", "company_tutor", "company_contact", "school_tutor", "option_lead")


def _apprentice_feed_url(world):
    feed = CalendarFeed.objects.create(user=world["apprentice"])
    return reverse("planning:feed", args=[feed.token])


def _revoked_feed_url(world):
    feed = CalendarFeed.objects.create(user=world["company_tutor"], revoked_at="2026-11-01T10:00:00+01:00")
    return reverse("planning:feed", args=[feed.token])


def _feeds_state(world):
    return sorted(CalendarFeed.objects.values_list("user_id", "token", "revoked_at"))


def _apprentice_has_feed(world):
    CalendarFeed.objects.create(user=world["apprentice"])
    return reverse("planning:feed_revoke")


CASES.add(
    # Only apprentices have a calendar of their own; the superuser is none.
    Case("planning:my_calendar", "", lambda w: reverse("planning:my_calendar"), expect(403, apprentice=200)),
    Case(
        "planning:apprentice_calendar",
        "own",
        lambda w: reverse("planning:apprentice_calendar", args=[w.own.pk]),
        expect(404, **LINKED, **PROGRAM_STAFF),
    ),
    Case(
        "planning:apprentice_calendar",
        "other",
        lambda w: reverse("planning:apprentice_calendar", args=[w.other.pk]),
        expect(404, **PROGRAM_STAFF),
    ),
    Case(
        "planning:company_calendar",
        "",
        lambda w: reverse("planning:company_calendar"),
        # The host company's page: an IT administrator has no company (superusers pass only
        # the rules that say `is_admin`).
        expect(403, company_tutor=200, company_contact=200),
    ),
    Case(
        "planning:feeds",
        "",
        lambda w: reverse("planning:feeds"),
        expect(403, **{persona: 200 for persona in WITH_FEED}),
    ),
    Case(
        "planning:feed_create",
        "post",
        lambda w: reverse("planning:feed_create"),
        expect(403, **{persona: 302 for persona in WITH_FEED}),
        method="post",
        unchanged=_feeds_state,
    ),
    # Revoking acts on the requester's own feed only: the apprentice's stays active for others.
    Case(
        "planning:feed_revoke",
        "post",
        _apprentice_has_feed,
        expect(403, **{persona: 302 for persona in WITH_FEED}),
        method="post",
        unchanged=_feeds_state,
    ),
    # The token is the credential: anyone holding it reads the feed, no login.
    Case(
        "planning:feed",
        "the apprentice's token",
        _apprentice_feed_url,
        expect(200, anonymous=200),
    ),
    Case(
        "planning:feed",
        "unknown token",
        lambda w: reverse("planning:feed", args=["inconnu-0123456789"]),
        expect(404, anonymous=404),
    ),
    Case("planning:feed", "revoked token", _revoked_feed_url, expect(404, anonymous=404)),
)
