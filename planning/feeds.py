"""iCalendar (RFC 5545) feeds of someone's calendar and of the apprentices they follow. They
read `selectors.calendars_for`, which computes the calendars of many apprentices at once in a
constant number of queries (as the company's week-by-week table does: `selectors.company_rows`).
"""

import datetime
import hashlib
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDDDTypes, vText

from apprentissage.models import Apprenticeship, SchoolYear
from apprentissage.selectors import followed_apprenticeships
from apprentissage.versions import data_version

from .models import CalendarFeed
from .selectors import calendars_for, current_and_next_school_years

UID_DOMAIN = "alternance.imt-mines-albi.fr"
# Where the periods at school take place (the LOCATION of their events).
SCHOOL_ADDRESS = "IMT Mines Albi, Campus Jarlard, route de Teillet, 81000 Albi"
# The events' content changes with this (a new ETag: no feed of the former content is served).
FEED_FORMAT = 3  # 3: company visits (lea)
PRODID = "-//IMT Mines Albi//Portail de l'alternance//FR"


def feed_apprenticeships(user) -> QuerySet[Apprenticeship]:
    """Whose calendars go into `user`'s feed: their own apprenticeship and those they follow."""
    return (
        Apprenticeship.objects.with_people()
        .current()
        .filter(Q(apprentice=user) | Q(pk__in=followed_apprenticeships(user).values("pk")))
        .order_by("apprentice__last_name", "apprentice__first_name", "pk")
    )


def active_feed(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at=None).order_by("-created_at").first()


def _uid(*parts) -> str:
    return "-".join(str(p) for p in parts) + f"@{UID_DOMAIN}"


def serialize(calendar: Calendar) -> bytes:
    """`calendar.to_ical(sorted=False)`, byte for byte, in a third of the time: icalendar folds
    every line character by character, though ours are nearly all shorter than the 75 octets
    where folding starts; and the values shared by many events (DTSTAMP, the dates of a study
    year's sessions) are turned into a line once."""
    lines: list[bytes] = []
    shared: dict[tuple, bytes] = {}
    # Text without parameters (BEGIN:VEVENT, SUMMARY…) is known by its value; other values by
    # identity: property_items() returns a list holding them all, so ids stay unique meanwhile.
    for name, value in calendar.property_items(sorted=False):
        if isinstance(value, str | bytes) and not getattr(value, "params", None):
            key = (name, type(value), value)
        else:
            key = (name, id(value))
        line = shared.get(key)
        if line is None:
            content = calendar.content_line(name, value, sorted=False)
            line = content.encode("utf-8")
            if len(line) >= 75:
                line = content.to_ical()
            shared[key] = line
        lines.append(line)
    return b"\r\n".join(lines) + b"\r\n"


def build_calendar(
    user,
    *,
    today: datetime.date | None = None,
    school_years: list[SchoolYear] | None = None,
    apprenticeships: list[Apprenticeship] | None = None,
) -> bytes:
    """`user`'s feed: school periods as all-day events (Monday to Friday, DTEND exclusive on the
    Saturday), TAPE sessions as timed events (UTC), each with its LOCATION (the school's
    address, or remote) and a DESCRIPTION saying what it is, whose it is (in a follower's
    feed), and the portal's page about it. UIDs are built from ids and dates, so a
    calendar program replaces events on refresh instead of duplicating them. Seven queries
    (school years, apprentices and the company-contact links, then `calendars_for`: enrolments,
    weeks, sessions; the company visits), four when `FeedState` already read the school years
    and apprentices.

    Apprentices of the same study year share dates and sessions: each property value is encoded
    once and reused (`encoded`), which halves the time of a tutor's feed."""
    if school_years is None:
        school_years = current_and_next_school_years(today)
    if apprenticeships is None:
        apprenticeships = list(feed_apprenticeships(user))
    cache: dict[tuple[str, object], object] = {}

    def encoded(kind, value):
        key = (kind.__name__, value)
        if key not in cache:
            cache[key] = kind(value)
        return cache[key]

    with translation.override(settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("Apprenticeship — %(name)s") % {"name": user})
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
        calendar.add("refresh-interval", datetime.timedelta(hours=6), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT6H")
        stamp = vDDDTypes(timezone.now().astimezone(datetime.UTC).replace(microsecond=0))
        transparent = vText("TRANSPARENT")
        school = _("School — IMT Mines Albi")
        tape = _("TAPE session (remote learning)")
        at_school, remote = vText(SCHOOL_ADDRESS), vText(_("Remote"))
        site = settings.SITE_URL
        about_school = _("A period of courses at IMT Mines Albi, on campus.")
        about_tape = _("A TAPE session: training followed remotely, at work, during working hours.")
        for calendar_ in calendars_for(apprenticeships, school_years):
            apprenticeship = calendar_.apprenticeship
            own = apprenticeship.apprentice_id == user.pk
            prefix = "" if own else f"{apprenticeship.apprentice}: "
            if own:
                whose = ""
                school_page = site + reverse("planning:my_calendar")
                tape_page = site + reverse("planning:my_tape")
            else:
                whose = _("Apprentice: %(name)s (%(option)s)") % {
                    "name": apprenticeship.apprentice,
                    "option": apprenticeship.option.name,
                }
                school_page = site + reverse("planning:apprentice_calendar", args=[apprenticeship.pk])
                tape_page = site + reverse("planning:tape_followup", args=[apprenticeship.pk])
            school_text = vText(
                "\n".join(
                    filter(None, [about_school, whose, _("On the portal: %(url)s") % {"url": school_page}])
                )
            )
            tape_link = _("On the portal: %(url)s") % {"url": tape_page}
            for first_monday, last_friday in calendar_.school_periods():
                event = Event()
                event.add(
                    "uid", vText(_uid("school", apprenticeship.pk, first_monday.isoformat())), encode=False
                )
                event.add("dtstamp", stamp, encode=False)
                event.add("summary", encoded(vText, prefix + school), encode=False)
                event.add("dtstart", encoded(vDDDTypes, first_monday), encode=False)
                event.add("dtend", encoded(vDDDTypes, last_friday + datetime.timedelta(days=1)), encode=False)
                event.add("location", at_school, encode=False)
                event.add("description", school_text, encode=False)
                event.add("transp", transparent, encode=False)
                calendar.add_component(event)
            for session in calendar_.sessions():
                summary = prefix + tape + (f" — {session.title}" if session.title else "")
                event = Event()
                event.add("uid", vText(_uid("tape", session.pk, apprenticeship.pk)), encode=False)
                event.add("dtstamp", stamp, encode=False)
                event.add("summary", encoded(vText, summary), encode=False)
                event.add(
                    "dtstart", encoded(vDDDTypes, session.starts_at.astimezone(datetime.UTC)), encode=False
                )
                event.add("dtend", encoded(vDDDTypes, session.ends_at.astimezone(datetime.UTC)), encode=False)
                event.add("location", remote, encode=False)
                text = "\n".join(filter(None, [about_tape, session.title, whose, tape_link]))
                event.add("description", encoded(vText, text), encode=False)
                calendar.add_component(event)
        # Other apps' events (the LEA's company visits): each source adds its own.
        for source in _sources.values():
            for event in source.events(user, apprenticeships, school_years):
                calendar.add_component(event)
    return serialize(calendar)


@dataclass(frozen=True)
class FeedSource:
    """Events another app adds to the calendar feeds: `events(user, apprenticeships,
    school_years)` yields iCalendar events (a constant number of queries), and every change
    to `model` (a model with django-simple-history) gives the feeds a new ETag."""

    model: str  # "app_label.Model"
    events: Callable[..., Iterable[Event]]


_sources: dict[str, FeedSource] = {}


def feed_source(model: str):
    """Register `events` as a feed source (the LEA's company visits: lea/visits.py)."""

    def register(events):
        _sources[model] = FeedSource(model, events)
        return events

    return register


# --- Conditional GET and the server cache of built feeds ---------------------------------

FEED_CACHE_SECONDS = 300

# What a feed shows changes with these models (apprentissage.versions.data_version: their
# latest history row), and with the models of the registered feed sources (a company visit
# planned, moved, signed or cancelled).
VERSIONED_MODELS = ("planning.CalendarWeek", "planning.TapeSession", "apprentissage.Enrolment")


def calendar_version() -> tuple:
    """The latest history row of calendar weeks, TAPE sessions, enrolments and the feed
    sources' models, in one query."""
    return data_version([*VERSIONED_MODELS, *_sources])


@dataclass
class FeedState:
    """What a feed depends on, read in three queries (school years, apprentices with their
    people and the company-contact links, the calendar version), and its ETag: the feed
    (its token and creation), today's school years, the followed apprentices (id, option,
    status, name, option's name: a follower's events show it) and the calendar version. Any
    change to one of them gives a new ETag."""

    school_years: list[SchoolYear]
    apprenticeships: list[Apprenticeship]
    etag: str

    @classmethod
    def of(cls, feed: CalendarFeed, *, today: datetime.date | None = None) -> "FeedState":
        school_years = current_and_next_school_years(today)
        apprenticeships = list(feed_apprenticeships(feed.user))
        parts = [
            PRODID,
            FEED_FORMAT,
            settings.SITE_URL,
            settings.LANGUAGE_CODE,
            feed.pk,
            feed.token,
            feed.created_at.isoformat(),
            str(feed.user),
            [(y.pk, y.start_year, y.start_date.isoformat(), y.end_date.isoformat()) for y in school_years],
            [
                (a.pk, a.option_id, a.option.name, a.status, a.apprentice_id, str(a.apprentice))
                for a in apprenticeships
            ],
            calendar_version(),
        ]
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
        return cls(school_years, apprenticeships, digest)

    def body(self, user) -> bytes:
        """The feed, from the server cache when built already for this ETag (kept compressed:
        an option lead's feed is 1.4 MB of text, a tenth of that compressed)."""
        key = f"planning:feed:{self.etag}"
        cached = django_cache.get(key)
        if cached is not None:
            return zlib.decompress(cached)
        body = build_calendar(user, school_years=self.school_years, apprenticeships=self.apprenticeships)
        django_cache.set(key, zlib.compress(body, 1), FEED_CACHE_SECONDS)
        return body
