"""Headless Chromium for the browser tests (Debian's `chromium`, driven by Playwright; no download).

Chromium missing: the tests are skipped with a reason saying so, unless CI_REQUIRE_BROWSER=1,
where a missing browser is a failure (CI must not go green without having run them).
"""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING = f"Chromium not found at {CHROMIUM}: browser tests skipped (apt-get install chromium)"


def _unavailable(reason: str):
    if os.environ.get("CI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} — and CI_REQUIRE_BROWSER=1 requires them", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser(django_db_setup):
    """One Chromium for the module; each test opens its own context (cookies, storage)."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(MISSING)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - a dev dependency
        _unavailable("Playwright is not installed: browser tests skipped (make install)")
    # Playwright's sync API keeps an asyncio event loop running in this thread: without this,
    # Django refuses the ORM calls the tests make (demo data) as "async-unsafe". Only while
    # the browser runs, so the rest of the suite keeps Django's check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    try:
        with sync_playwright() as playwright:
            # With an event loop running, Django hands this thread other connection objects
            # (same in-memory test database): give them the snapshot taken after migrations,
            # which serialized_rollback restores before each test (flushing removes the
            # options and groups the migrations created).
            for alias, contents in serialized.items():
                connections[alias]._test_serialized_contents = contents
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def context(browser, live_server):
    """A fresh browser context speaking French (LocaleMiddleware reads Accept-Language)."""
    ctx = browser.new_context(locale="fr-FR", base_url=live_server.url)
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def demo_data(live_server):
    """The `make demo` data, inside the test database the live server reads."""
    call_command("load_demo", force=True, stdout=StringIO())


def pytest_terminal_summary(terminalreporter):
    """`make test` says plainly, at the very end, that the browser tests did not run."""
    reports = terminalreporter.stats.get("skipped", [])
    skipped = [report for report in reports if "browser tests skipped" in str(report.longrepr)]
    if skipped:
        terminalreporter.write_sep("!", f"{len(skipped)} BROWSER TESTS SKIPPED", yellow=True, bold=True)
        terminalreporter.write_line(str(skipped[0].longrepr[-1]).removeprefix("Skipped: "))
        terminalreporter.write_line("Set CI_REQUIRE_BROWSER=1 to make a missing browser fail the run.")
