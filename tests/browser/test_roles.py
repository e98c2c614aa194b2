"""Each demo login, in a real browser: sign in through the form, land on a styled home page
showing that role's data, with no serious or critical axe-core violation.

Content assertions look at data (names, companies, counts), not at labels, so they hold
whichever language the labels are in.
"""

from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BLOCKING_IMPACTS = {"serious", "critical"}
PASSWORD = "demo"
ASSETS = {"bootstrap.min.css", "portal.css", "bootstrap.bundle.min.js", "htmx-2.min.js", "portal.js"}
FAVICON = "/favicon.ico"  # the browser asks for it on its own; the portal has none


@dataclass(frozen=True)
class Expected:
    first_name: str  # in the "Hello …" heading
    section: str  # CSS selector of the home-page section that role sees
    text: str  # data that section shows for the demo


OWN = "section[aria-labelledby^='mon-apprentissage-']"
FOLLOWED = "section[aria-labelledby='suivis']"
HEADCOUNT_TOTAL = "section[aria-labelledby='effectifs'] tfoot td:last-child"

HOMES = {
    "apprenti@example.com": Expected("Lucie", OWN, "Aéro Tarn Industries"),
    "tuteur.entreprise@example.com": Expected("Bruno", FOLLOWED, "Lucie FABRE"),
    "tuteur.ecole@example.com": Expected("Julien", FOLLOWED, "Lucie FABRE"),
    "responsable.option@example.com": Expected("Claire", FOLLOWED, "Lucie FABRE"),
    "scolarite@example.com": Expected("Sophie", HEADCOUNT_TOTAL, "40"),
    "midisup@example.com": Expected("Marc", HEADCOUNT_TOTAL, "40"),
    "admin@example.com": Expected("Alex", HEADCOUNT_TOTAL, "40"),
}


class Watcher:
    """What the page loaded and complained about: failed responses, console errors (CSP…)."""

    def __init__(self, page):
        self.page = page
        self.static: dict[str, int] = {}
        self.failures: list[str] = []
        self.errors: list[str] = []
        page.on("response", self._response)
        page.on("requestfailed", lambda request: self.failures.append(f"{request.url} ({request.failure})"))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message):
        if message.type == "error" and not message.location["url"].endswith(FAVICON):
            self.errors.append(message.text)

    def _response(self, response):
        if "/static/" in response.url:
            self.static[response.url] = response.status
        if response.status >= 400 and not response.url.endswith(FAVICON):
            self.failures.append(f"{response.url} → HTTP {response.status}")

    def assert_healthy(self):
        """The page is styled and scripted: every asset loaded, the CSS applies, the JS ran."""
        assert not self.failures, f"Failed requests on {self.page.url}: {self.failures}"
        assert not self.errors, f"Console errors on {self.page.url} (CSP?): {self.errors}"
        loaded = {url.rsplit("/", 1)[-1] for url, status in self.static.items() if status in (200, 304)}
        assert not ASSETS - loaded, f"Static files missing: {ASSETS - loaded}; loaded: {self.static}"
        styles = self.page.evaluate(
            """() => ({
                navbar: getComputedStyle(document.querySelector('.navbar')).display,
                header: getComputedStyle(document.querySelector('.portal-header')).backgroundColor,
                bootstrap: typeof window.bootstrap,
                htmx: typeof window.htmx,
            })"""
        )
        assert styles == {
            "navbar": "flex",  # Bootstrap's CSS
            "header": "rgb(246, 248, 250)",  # portal.css
            "bootstrap": "object",  # Bootstrap's JS
            "htmx": "object",
        }, styles


def assert_accessible(page):
    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe-core on {page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}\n"
        + "\n".join(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}" for node in v["nodes"])
        for v in blocking
    )


def log_in(page, live_server, email):
    page.goto("/")
    assert "/accounts/login/" in page.url  # anonymous visitors are sent to the login form
    form = page.locator("form", has=page.locator("input[name='login']"))
    form.locator("input[name='login']").fill(email)
    form.locator("input[name='password']").fill(PASSWORD)
    form.locator("button[type='submit']").click()
    page.wait_for_url(f"{live_server.url}/")


def test_login_page(context, live_server, demo_data):
    page = context.new_page()
    watcher = Watcher(page)
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("input[name='login']").is_visible()
    watcher.assert_healthy()
    assert_accessible(page)


@pytest.mark.parametrize("email", list(HOMES))
def test_home_page_of_each_demo_role(context, live_server, demo_data, email):
    expected = HOMES[email]
    page = context.new_page()
    watcher = Watcher(page)
    log_in(page, live_server, email)

    assert expected.first_name in page.locator("h1").inner_text()
    section = page.locator(expected.section)
    assert expected.text in section.first.inner_text(), f"{expected.section} on the home page of {email}"
    watcher.assert_healthy()
    assert_accessible(page)


def test_scolarite_apprenticeship_list(context, live_server, demo_data):
    page = context.new_page()
    watcher = Watcher(page)
    log_in(page, live_server, "scolarite@example.com")
    page.goto("/apprentissages/")

    rows = page.locator("main table tbody tr")
    assert rows.count() >= 10
    assert "@" not in rows.first.inner_text()  # apprentices shown by name
    watcher.assert_healthy()
    assert_accessible(page)
