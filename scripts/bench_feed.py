"""Benchmark: how long the calendar feed of a tutor of 10 apprentices takes to render.

A benchmark, not a timed test (the target, < 100 ms, depends on the machine). It builds a
throwaway SQLite database, plans full calendars for the previous and current school years
(every study year, with an option's overrides) and their TAPE sessions, gives a company tutor
10 apprentices across the three study years and two options, then fetches the tutor's feed
through the whole Django stack (middleware, token lookup, iCalendar) and prints the median.

    .venv/bin/python scripts/bench_feed.py [--runs 50] [--apprentices 10]
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
DB = Path("/tmp/bench_feed.sqlite3")
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ["DEMO_MODE"] = "1"
os.environ["DEBUG"] = "0"  # no SQL logging, as in production
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apprentissage.settings")
PARIS = ZoneInfo("Europe/Paris")


def build_world(apprentices: int):
    from django.utils import timezone

    from apprentissage.models import Option, SchoolYear
    from planning.enums import TARGET_TAPE_SESSIONS, WeekKind
    from planning.models import CalendarFeed, TapeSession
    from planning.services import set_week_kinds
    from planning.weeks import school_year_mondays
    from tests import factories as f

    today = timezone.localdate()
    current = SchoolYear.objects.filter(start_date__lte=today).order_by("-start_date").first()
    current = current or SchoolYear.for_start_year(today.year if today.month >= 9 else today.year - 1)
    years = [SchoolYear.for_start_year(current.start_year - 1), current]
    options = list(Option.objects.order_by("code")[:2])
    for year in years:
        mondays = school_year_mondays(year.start_year)
        for study_year in (1, 2, 3):
            # 18 school weeks in blocks of 2-3, the rest in the company.
            school = {i for i in range(0, len(mondays), 6)} | {i + 1 for i in range(0, len(mondays), 6)}
            school |= {i + 2 for i in range(0, len(mondays), 12)}
            changes = [
                (study_year, m, WeekKind.SCHOOL if i in school else WeekKind.COMPANY)
                for i, m in enumerate(mondays)
            ]
            set_week_kinds(school_year=year, changes=changes, actor=None, description="bench")
            override = [(study_year, mondays[i], WeekKind.SCHOOL) for i in (3, 4)]
            set_week_kinds(
                school_year=year, changes=override, option=options[0], actor=None, description="bench"
            )
            sessions = []  # the program's targets: 46, 40 and 26 sessions, two a company week
            slots = [
                (monday, day, hour)
                for i, monday in enumerate(mondays)
                if i not in school
                for day, hour in ((1, 9), (3, 14))  # Tuesday morning, Thursday afternoon
            ]
            for monday, day, hour in slots[: TARGET_TAPE_SESSIONS[study_year]]:
                start = datetime.datetime.combine(
                    monday + datetime.timedelta(days=day), datetime.time(hour), PARIS
                )
                sessions.append(
                    TapeSession(
                        school_year=year,
                        study_year=study_year,
                        starts_at=start,
                        ends_at=start + datetime.timedelta(hours=3.5),
                    )
                )
            TapeSession.objects.bulk_create(sessions)
    company = f.CompanyFactory(name="Banc d'essai SA")
    tutor = f.CompanyTutorFactory(company=company, user__email="bench.tuteur@example.com").user
    cohorts = [f.CohortFactory(entry_year=current.start_year - k) for k in range(3)]
    for i in range(apprentices):
        f.ApprenticeshipFactory(
            company=company, company_tutor=tutor, cohort=cohorts[i % 3], option=options[i % 2]
        )
    return CalendarFeed.objects.create(user=tutor)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--apprentices", type=int, default=10)
    args = parser.parse_args()

    DB.unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from planning.feeds import build_calendar

    call_command("migrate", verbosity=0)
    feed = build_world(args.apprentices)
    client = Client(HTTP_HOST="127.0.0.1")
    url = reverse("planning:feed", args=[feed.token])

    response = client.get(url)  # warm-up (also loads translations and templates)
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        build_calendar(feed.user)
    assert response.status_code == 200, response.status_code
    events = response.content.count(b"BEGIN:VEVENT")

    request_times, build_times = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        client.get(url)
        request_times.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        build_calendar(feed.user)
        build_times.append((time.perf_counter() - start) * 1000)

    print(
        f"Feed of a tutor of {args.apprentices} apprentices: {events} events, "
        f"{len(response.content) / 1024:.0f} KiB, {len(queries)} SQL queries to build it"
    )
    print(
        f"Whole request ({args.runs} runs): median {statistics.median(request_times):.1f} ms, "
        f"min {min(request_times):.1f} ms, max {max(request_times):.1f} ms"
    )
    print(f"Building the iCalendar alone: median {statistics.median(build_times):.1f} ms")
    print("Target: < 100 ms —", "met" if statistics.median(request_times) < 100 else "NOT met")
    DB.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
