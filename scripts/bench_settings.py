"""Settings of `make bench`: production's (DEBUG off, the database from DATABASE_URL), served
over plain HTTP on 127.0.0.1, plus a trivial signed-in page to compare every page with.

Only `scripts/bench.py` uses this module (DJANGO_SETTINGS_MODULE=bench_settings, with
scripts/ on the path): production's URLs never contain the trivial page."""

from apprentissage.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"

# Static files as in production (hashed names from collectstatic's manifest), collected by
# scripts/bench.py outside the working tree.
STATIC_ROOT = "/tmp/bench-static"
