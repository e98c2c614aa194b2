"""The layout as a new user meets it, on a phone and on a desktop: a header that fits from
360 px to 1,920 px whatever roles one holds, every page of every demo role without sideways
scrolling of the page at 390 px (and without serious axe-core violation), tables that say
they scroll, and focus rings one can see (RGAA 10.7: 3:1 against the adjacent colours).
"""

import datetime
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse
from playwright.sync_api import Error as PlaywrightError

from apprentissage.enums import StaffRole
from recruitment.models import Candidate
from tests import factories as f

from .test_roles import HOMES, Watcher, assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = [360, 390, 768, 1200, 1366, 1920]  # 1200: the narrowest with the whole menu bar
PHONE = {"width": 390, "height": 844}
ACCOUNT_URL = "/accounts/email/"  # "My account"
DEMO_LOGINS = [*HOMES, "candidat@example.com", "entreprise@example.com"]
EVERY_ROLE = "tous.roles@example.com"

# Views that answer a file, not a page (the crawl does not open them).
DOWNLOADS = {
    "lea:booklet_export_download",
    "lea:completion_xlsx",
    "lea:evidence_export",
    "lea:fiche_pdf",
    "lea:project_pdf",
    "lea:visit_ics",
    "lea:visit_pdf",
    "planning:export_pdf",
    "planning:export_xlsx",
    "planning:feed",
    "planning:import_template",
    "recruitment:board_export",
    "recruitment:candidate_import_template",
    "recruitment:dossier_pdf",
    "recruitment:midisup_export",
    "evaluation:defence_ics",
    "evaluation:grade_template",
    "evaluation:jury_minutes",
    "evaluation:programme_xlsx",
    "evaluation:report_download",
    "evaluation:transcript",
    "evaluation:transcripts_zip_download",
}
NOT_CRAWLED_PREFIXES = ("/admin/", "/static/", "/media/", "/i18n/", "/accounts/logout/")
MAX_PAGES_PER_ROLE = 60


@pytest.fixture
def every_role(demo_data):
    """One person holding every role of the portal at once (the widest menu there is)."""
    user = f.UserFactory(
        email=EVERY_ROLE,
        first_name="Dominique",
        last_name="TOUTROLE",
        password="demo",
        groups=[role.value for role in StaffRole],
    )
    company = f.CompanyFactory(name="Toutes Tâches SARL")
    f.CompanyTutorFactory(user=user, company=company)
    f.CompanyContactFactory(user=user, company=company)
    option = f.option("energies")
    option.lead = user
    option.save()
    f.ApprenticeshipFactory(
        apprentice=user, company=company, company_tutor=user, school_tutor=user, option=option
    )
    Candidate.objects.create(
        user=user,
        cohort=f.CohortFactory(entry_year=2027),
        option=option,
        birth_date=datetime.date(2005, 3, 14),
        diploma="but",
    )
    return user


HEADER_REPORT = """() => {
  const width = document.documentElement.clientWidth;
  const outside = [];
  const wrapped = [];
  for (const el of document.querySelectorAll('.portal-header *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not rendered (a closed menu)
    if (getComputedStyle(el).visibility === 'hidden') continue;
    if (box.right > width + 0.5 || box.left < -0.5) {
      const text = el.textContent.trim().slice(0, 30);
      outside.push(`${el.tagName}.${el.className} "${text}" ${box.left}–${box.right}`);
    }
  }
  // Menu entries and buttons keep their label on one line.
  for (const el of document.querySelectorAll('.portal-header :is(.nav-link, .btn, .dropdown-item)')) {
    if (!el.offsetParent) continue;
    const range = document.createRange();
    range.selectNodeContents(el);
    const rects = [...range.getClientRects()].filter(r => r.width > 1);
    const lines = new Set(rects.map(r => Math.round(r.bottom)));
    if (lines.size > 1) wrapped.push(el.textContent.trim());
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    headerWidth: document.querySelector('.portal-header').scrollWidth,
    width, outside, wrapped,
  };
}"""


def assert_header_fits(page, label):
    report = page.evaluate(HEADER_REPORT)
    where = f"{label} at {page.viewport_size['width']} px"
    assert report["scrollWidth"] <= report["width"], f"{where}: the page scrolls sideways: {report}"
    assert report["headerWidth"] <= report["width"], f"{where}: the header is wider: {report}"
    assert not report["outside"], f"{where}: outside the viewport: {report['outside']}"
    assert not report["wrapped"], f"{where}: menu labels on two lines: {report['wrapped']}"


def assert_inside_viewport(page, locator, what):
    box = locator.bounding_box()
    assert box, f"{what} is not rendered"
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 0.5, f"{what}: {box}"


@pytest.mark.parametrize("email", ["admin@example.com", EVERY_ROLE, "entreprise@example.com"])
def test_the_header_fits_from_360_to_1920_px_and_my_account_is_reachable(
    context, live_server, every_role, email
):
    page = context.new_page()
    watcher = Watcher(page)
    log_in(page, live_server, email)
    toggler = page.locator(".portal-header .navbar-toggler")
    account = page.locator(f".portal-header a[href='{ACCOUNT_URL}']")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844 if width < 1000 else 768})
        page.goto("/planning/calendrier/" if email != "entreprise@example.com" else "/")
        assert_header_fits(page, email)
        if toggler.is_visible():  # small screens: the menu is behind the toggler
            assert not account.is_visible()
            toggler.click()
            account.wait_for(state="visible")
            assert toggler.get_attribute("aria-expanded") == "true"
            assert_header_fits(page, f"{email} (menu open)")
        assert account.is_visible(), f"My account at {width} px"
        assert_inside_viewport(page, account, f"My account at {width} px")
        # Every sub-menu opens inside the viewport too.
        for toggle in page.locator(".portal-header [data-bs-toggle='dropdown']").all():
            toggle.click()
            menu = page.locator(f"#{toggle.get_attribute('aria-controls')}")
            menu.wait_for(state="visible")
            for item in menu.locator("a").all():
                assert_inside_viewport(page, item, f"{item.inner_text()} at {width} px")
            assert_header_fits(page, f"{email} ({toggle.inner_text()} open)")
            toggle.click()
    watcher.assert_healthy()


def test_the_menu_groups_entries_and_is_keyboard_accessible(context, live_server, every_role):
    page = context.new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, EVERY_ROLE)
    page.goto("/recrutement/")

    nav = page.locator("#menu-principal")
    toggles = nav.locator("[data-bs-toggle='dropdown']")
    assert toggles.count() >= 3  # recruitment, calendar, people at least
    assert nav.locator("[aria-current='page']").get_attribute("href") == "/recrutement/"
    group = nav.locator(".dropdown", has=page.locator("a[aria-current='page']"))
    current_toggle = group.locator("[data-bs-toggle='dropdown']")
    assert "active" in current_toggle.get_attribute("class")  # the group of the current page

    current_toggle.focus()
    page.keyboard.press("Enter")
    menu = group.locator(".dropdown-menu")
    menu.wait_for(state="visible")
    assert current_toggle.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.classList.contains('dropdown-item')")
    page.keyboard.press("Escape")
    menu.wait_for(state="hidden")
    assert page.evaluate("() => document.activeElement.getAttribute('data-bs-toggle')") == "dropdown"
    assert_accessible(page)


# -- every page of every demo role on a phone ------------------------------------------------

OVERFLOW_REPORT = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && el.children.length === 0) {
      const text = el.textContent.trim().slice(0, 30);
      culprits.push(`${el.tagName}.${el.className} "${text}" right=${Math.round(box.right)}`);
    }
    if (culprits.length >= 5) break;
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, culprits};
}"""


def _view_name(path: str) -> str | None:
    """The page's URL name, or None when the crawl leaves it alone (admin, files, sign-out)."""
    if path.startswith(NOT_CRAWLED_PREFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return None if match.view_name in DOWNLOADS else match.view_name


def crawl(page, start="/"):
    """Every page reachable by links from `start`, one per URL name (the first link found):
    yields (path, response status)."""
    seen: set[str] = set()
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES_PER_ROLE:
        path = queue.popleft()
        name = _view_name(path)
        if name is None or name in seen:
            continue
        seen.add(name)
        try:
            response = page.goto(path)
        except PlaywrightError as error:  # a file download the list above does not know
            if "Download is starting" in str(error):
                continue
            raise
        yield path, response.status if response else 0
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            url = urlsplit(href)
            if url.netloc == urlsplit(page.url).netloc and url.path not in queue:
                queue.append(url.path)


@pytest.mark.parametrize("email", DEMO_LOGINS)
def test_every_page_of_each_demo_role_fits_a_390_px_phone(context, live_server, demo_data, email):
    page = context.new_page()
    page.set_viewport_size(PHONE)
    watcher = Watcher(page)
    log_in(page, live_server, email)

    visited, overflowing, errors = [], [], []
    for path, status in crawl(page):
        visited.append(path)
        assert status < 500, f"{path} answered {status}"
        report = page.evaluate(OVERFLOW_REPORT)
        if report:
            overflowing.append(f"{path}: {report}")
        # What went wrong besides the page's own status (a 403 is another test's business):
        # a missing asset, a script refused by the CSP…
        failures = [failure for failure in watcher.failures if urlsplit(failure.split()[0]).path != path]
        problems = [error for error in watcher.errors if not error.startswith("Failed to load resource")]
        if failures or problems:
            errors.append(f"{path}: {failures + problems}")
        watcher.failures.clear()
        watcher.errors.clear()
        if status == 200:
            page.mouse.move(0, 0)
            assert_accessible(page)

    assert len(visited) >= 8, visited  # the crawl found the role's pages (home, account pages…)
    assert not overflowing, "Pages wider than a 390 px phone:\n" + "\n".join(overflowing)
    assert not errors, "Console errors:\n" + "\n".join(errors)


SCROLL_STATE = """(selector) => {
  const box = document.querySelector(selector);
  const hintId = box.getAttribute('aria-describedby');
  const hint = hintId && document.getElementById(hintId);
  return {
    overflows: box.scrollWidth > box.clientWidth,
    scrollable: box.classList.contains('is-scrollable'),
    moreRight: box.classList.contains('has-more-right'),
    moreLeft: box.classList.contains('has-more-left'),
    tabindex: box.getAttribute('tabindex'),
    role: box.getAttribute('role'),
    name: (document.getElementById(box.getAttribute('aria-labelledby')) || {}).textContent,
    caption: box.querySelector('caption').textContent,
    position: getComputedStyle(box).position,
    hintShown: Boolean(hint && hint.offsetParent),
    hint: hint ? hint.textContent.trim() : '',
  };
}"""


def test_a_cut_table_says_it_scrolls_and_its_first_column_stays(context, live_server, demo_data):
    page = context.new_page()
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "scolarite@example.com")
    page.goto("/personnes/")
    box = "main .table-responsive"

    state = page.evaluate(SCROLL_STATE, box)
    assert state["overflows"] and state["position"] == "relative"
    assert state["scrollable"] and state["moreRight"] and not state["moreLeft"]
    assert state["tabindex"] == "0"  # keyboard users can scroll it
    assert state["role"] == "region" and state["name"] == state["caption"] != "", state  # named
    assert state["hintShown"] and state["hint"], state

    first_cell = page.locator(f"{box} tbody th").first
    before = first_cell.bounding_box()["x"]
    page.locator(box).evaluate(
        "el => { el.scrollLeft = el.scrollWidth; el.dispatchEvent(new Event('scroll')); }"
    )
    page.wait_for_function(f"() => document.querySelector('{box}').classList.contains('has-more-left')")
    assert abs(first_cell.bounding_box()["x"] - before) < 1  # sticky first column
    assert not page.evaluate(SCROLL_STATE, box)["moreRight"]

    page.set_viewport_size({"width": 1920, "height": 900})  # wide enough: no cue, no tab stop
    page.wait_for_function(f"() => !document.querySelector('{box}').classList.contains('is-scrollable')")
    state = page.evaluate(SCROLL_STATE, box)
    assert not state["hintShown"] and state["tabindex"] is None and state["role"] is None


# -- focus rings ------------------------------------------------------------------------------

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  let parent = el.parentElement, background = 'rgba(0, 0, 0, 0)';
  while (parent) {
    background = getComputedStyle(parent).backgroundColor;
    if (!background.startsWith('rgba(0, 0, 0, 0)') && !background.endsWith(', 0)')) break;
    parent = parent.parentElement;
  }
  if (!parent) background = 'rgb(255, 255, 255)';
  return {
    tag: el.tagName, text: (el.textContent || el.name || '').trim().slice(0, 30),
    outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
    outlineColor: style.outlineColor, outlineOffset: parseFloat(style.outlineOffset), background,
  };
}"""


def _rgb(css: str) -> tuple[float, ...]:
    return tuple(float(part) for part in css[css.index("(") + 1 : css.index(")")].split(",")[:3])


def contrast(first: str, second: str) -> float:
    def luminance(rgb):
        linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(_rgb(first)), luminance(_rgb(second))), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula():
    assert round(contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 1) == 21.0
    assert round(contrast("rgb(119, 119, 119)", "rgb(255, 255, 255)"), 1) == 4.5


def assert_focus_rings_visible(page, presses: int, kinds: set[str]):
    seen = set()
    for _ in range(presses):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STYLE)
        if focus["tag"] == "BODY":
            continue
        seen.add(focus["tag"])
        where = f"{focus['tag']} {focus['text']!r} on {page.url}"
        assert focus["outlineStyle"] not in ("none", "hidden"), f"{where}: no focus outline {focus}"
        assert focus["outlineWidth"] >= 2, f"{where}: outline too thin {focus}"
        ratio = contrast(focus["outlineColor"], focus["background"])
        assert ratio >= 3, (
            f"{where}: focus ring {focus['outlineColor']} on {focus['background']}: {ratio:.2f}:1"
        )
    assert kinds <= seen, f"only {seen} were focused"


def test_focus_rings_are_visible_at_3_to_1(context, live_server, demo_data):
    page = context.new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/accounts/login/")
    assert_focus_rings_visible(page, 14, {"A", "INPUT", "BUTTON", "SELECT"})

    log_in(page, live_server, "scolarite@example.com")
    page.goto("/personnes/")
    assert_focus_rings_visible(page, 12, {"A", "BUTTON", "INPUT"})

    page.set_viewport_size(PHONE)  # the table scrolls: its container takes the focus, visibly
    page.locator("main .table-responsive").focus()
    focus = page.evaluate(FOCUS_STYLE)
    assert focus["tag"] == "DIV" and focus["outlineWidth"] >= 2, focus
    assert contrast(focus["outlineColor"], focus["background"]) >= 3


def test_the_login_page_has_no_sign_up_link(context, live_server, demo_data):
    page = context.new_page()
    page.goto("/accounts/login/")
    assert page.locator("a[href*='/accounts/signup/']").count() == 0
    assert page.locator("input[name='login']").is_visible()


# -- the copy button of the calendar subscription --------------------------------------------

STATUS = "#feed-url-copied"


def test_the_copy_button_copies_and_says_so_to_screen_readers_each_time(context, live_server):
    from planning.models import CalendarFeed

    apprentice = f.UserFactory(email="abonne@example.com", password="demo")
    f.ApprenticeshipFactory(apprentice=apprentice)
    feed = CalendarFeed.objects.create(user=apprentice)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    log_in(page, live_server, apprentice.email)
    page.goto(reverse("planning:feeds"))

    button = page.get_by_role("button", name="Copier l'adresse")
    status = page.locator(STATUS)
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    button.focus()  # a button: the keyboard reaches it and Enter presses it
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelector('{STATUS}').textContent !== ''")
    assert status.text_content() == "Adresse copiée."
    assert feed.token in page.evaluate("() => navigator.clipboard.readText()")

    # A second copy changes the live region again (emptied, then the same text): announced too.
    page.evaluate(
        f"""() => {{ window.statusChanges = 0;
        new MutationObserver(() => window.statusChanges++).observe(
          document.querySelector('{STATUS}'), {{childList: true, characterData: true, subtree: true}}); }}"""
    )
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.statusChanges >= 2")
    assert status.text_content() == "Adresse copiée."
