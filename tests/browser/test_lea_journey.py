"""The LEA once in a real browser, on the demo data, as the issue's "Done when" tells it: the
apprentice fills a fiche on a phone (390 px) and submits it; the company tutor, signing in by
e-mailed code from the link he was sent, completes and countersigns it; the school tutor
acknowledges it, plans a visit and writes the report of a past one; the option lead validates
a yearly missions description; scolarité sees the completion and sends a reminder. axe-core
checks every page each person works on (no serious or critical violation)."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apprentissage.models import Notification, User
from lea.enums import FicheState, PlanState, VisitState
from lea.models import Fiche, Reminder, Visit, YearlyPlan

from .test_roles import Watcher, assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}

# Every radio group of the form still without an answer gets its second-to-last choice, every
# empty text field a sentence, every empty select its last choice: what a hurried but
# complete person does.
FILL_THE_REST = """(form) => {
  const groups = new Map();
  form.querySelectorAll("input[type=radio]").forEach((r) => {
    if (!groups.has(r.name)) groups.set(r.name, []);
    groups.get(r.name).push(r);
  });
  for (const radios of groups.values()) {
    if (!radios.some((r) => r.checked)) radios[Math.max(0, radios.length - 2)].click();
  }
  form.querySelectorAll("textarea").forEach((t) => {
    if (t.name.startsWith("activity_")) return;  // the activity rows are optional
    if (!t.value.trim() && !t.disabled && !t.readOnly) t.value = "Rien à signaler de particulier.";
  });
  form.querySelectorAll("select").forEach((s) => {
    if (s.name.includes("-")) return;  // a formset's extra row (agreed actions) stays empty
    if (!s.value && s.options.length) s.selectedIndex = s.options.length - 1;
  });
}"""


def session(browser, live_server, *, phone=False):
    context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    if phone:
        page.set_viewport_size(PHONE)
    return context, page


def checked(page):
    """The page works and is accessible (and, on a phone, does not scroll sideways)."""
    assert_accessible(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{page.url} is {width} px wide at {viewport} px"


def fire(page, name):
    """Click the button of the transition form posting to …/action/<name>/."""
    page.locator(f"form[action$='/action/{name}/'] button[type=submit]").first.click()
    page.wait_for_load_state()


def save(page, form_selector="main form[method=post]"):
    page.locator(form_selector).first.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_load_state()


def test_the_lea_from_a_fiche_to_the_registrars_completion(browser, live_server, demo_data):
    apprentice = User.objects.get(email="apprenti@example.com")
    fiche = Fiche.objects.filter(apprenticeship__apprentice=apprentice, state=FicheState.DRAFT).latest(
        "return_on"
    )
    tutor = fiche.apprenticeship.company_tutor
    school_tutor = fiche.apprenticeship.school_tutor

    # The apprentice, on a phone: from the home page's to-do to the fiche, completes it, submits.
    context, page = session(browser, live_server, phone=True)
    watcher = Watcher(page)
    log_in(page, live_server, apprentice.email)
    edit = reverse("lea:fiche_edit", args=[fiche.pk])
    page.locator(f"main a[href='{edit}']").first.click()
    page.wait_for_url(f"**{edit}")
    checked(page)
    form = page.locator("form[data-autosave]")
    if not page.locator("#id_activity_0_description").input_value():
        page.locator("#id_activity_0_description").fill("Cartographie des flux de l'atelier")
        page.locator("#id_activity_0_share").fill("70")
    form.evaluate(FILL_THE_REST)
    form.locator("[name='save']").click()
    page.wait_for_load_state()
    page.goto(reverse("lea:fiche_detail", args=[fiche.pk]))
    checked(page)
    fire(page, "submit")
    fiche.refresh_from_db()
    assert fiche.state == FicheState.SUBMITTED, page.locator("main").inner_text()[:800]
    assert not [e for e in watcher.errors if "409" not in e], watcher.errors
    context.close()

    # The company tutor follows the link he was sent, signs in with an e-mailed code, lands on
    # his part of the fiche, completes it and countersigns it.
    link = Notification.objects.filter(recipient=tutor).latest("created_at").url
    assert link == reverse("lea:fiche_tutor_edit", args=[fiche.pk])
    context, page = session(browser, live_server)
    page.goto(link)
    assert "/accounts/login/" in page.url
    checked(page)
    page.locator(f"a[href*='{reverse('account_request_login_code')}']").first.click()
    page.locator("input[name='email']").fill(tutor.email)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(re.escape(reverse("account_confirm_login_code"))))
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.MULTILINE).group(1)
    page.locator("input[name='code']").fill(code)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**{link}")
    checked(page)
    form = page.locator("main form[method=post]").first
    form.evaluate(FILL_THE_REST)
    form.locator("[name='save']").click()
    page.wait_for_load_state()
    page.goto(reverse("lea:fiche_detail", args=[fiche.pk]))
    sign = page.locator("form[action$='/action/countersign/']")
    sign.locator("input[name='typed_name']").fill(f"{tutor.first_name} {tutor.last_name}")
    if sign.locator("input[name='consent']").count():
        sign.locator("input[name='consent']").check()
    sign.locator("button[type=submit]").click()
    page.wait_for_load_state()
    fiche.refresh_from_db()
    assert fiche.state == FicheState.COUNTERSIGNED, page.locator("main").inner_text()[:800]
    checked(page)
    context.close()

    # The school tutor acknowledges it, plans a visit for an apprentice who had none this year,
    # and writes and signs the report of a visit held last week.
    context, page = session(browser, live_server)
    log_in(page, live_server, school_tutor.email)
    page.goto(reverse("lea:school_tutor_board"))
    checked(page)
    page.goto(reverse("lea:fiche_detail", args=[fiche.pk]))
    fire(page, "acknowledge")
    fiche.refresh_from_db()
    assert fiche.state == FicheState.ACKNOWLEDGED

    page.goto(reverse("lea:missing_visits"))
    checked(page)
    plan_link = page.locator("main a[href$='/visites/planifier/']").first
    plan_link.click()
    page.wait_for_load_state()
    checked(page)
    visits_before = Visit.objects.count()
    day = timezone.localdate() + timezone.timedelta(days=9)
    while day.weekday() >= 5:
        day += timezone.timedelta(days=1)
    page.locator("input[name='day']").fill(day.isoformat())
    page.locator("input[name='time']").fill("14:00")
    page.locator("[name='location']").fill("Site de production, Albi")
    save(page)
    assert Visit.objects.count() == visits_before + 1
    checked(page)

    past = (
        Visit.objects.filter(
            apprenticeship__school_tutor=school_tutor, state=VisitState.PLANNED, starts_at__lt=timezone.now()
        )
        .order_by("starts_at")
        .first()
    )
    page.goto(reverse("lea:visit_report", args=[past.pk]))
    checked(page)
    form = page.locator("main form[method=post]").first
    page.locator("input[name='risk'][value='green']").check()
    form.evaluate(FILL_THE_REST)
    next_visit = timezone.localdate() + timezone.timedelta(days=120)
    page.locator("input[name='next_visit_on']").fill(next_visit.isoformat())
    form.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto(reverse("lea:visit_detail", args=[past.pk]))
    sign = page.locator("form[action$='/action/sign_report/']")
    sign.locator("input[name='typed_name']").fill(f"{school_tutor.first_name} {school_tutor.last_name}")
    if sign.locator("input[name='consent']").count():
        sign.locator("input[name='consent']").check()
    sign.locator("button[type=submit]").click()
    page.wait_for_load_state()
    past.refresh_from_db()
    assert past.state == VisitState.REPORTED, page.locator("main").inner_text()[:800]
    checked(page)
    context.close()

    # The option lead validates the missions description waiting for him.
    plan = YearlyPlan.objects.get(state=PlanState.SUBMITTED, apprenticeship__apprentice=apprentice)
    context, page = session(browser, live_server)
    log_in(page, live_server, "responsable.option@example.com")
    page.goto(reverse("lea:plans_to_review"))
    checked(page)
    page.goto(reverse("lea:plan_detail", args=[plan.pk]))
    checked(page)
    fire(page, "validate")
    plan.refresh_from_db()
    assert plan.state == PlanState.VALIDATED
    context.close()

    # Scolarité reads the completion and sends a reminder about a late item, in one click.
    context, page = session(browser, live_server)
    log_in(page, live_server, "scolarite@example.com")
    page.goto(reverse("lea:completion"))
    checked(page)
    page.goto(reverse("lea:late_items"))
    checked(page)
    sent_before = Reminder.objects.filter(sent_by__email="scolarite@example.com").count()
    page.locator("main form[action*='/relancer/'] button[type=submit]").first.click()
    page.wait_for_load_state()
    assert Reminder.objects.filter(sent_by__email="scolarite@example.com").count() > sent_before
    checked(page)
    context.close()
