"""The recruitment pipeline once in a real browser, from admission to a registered
apprenticeship: each person signs in with their own browser session and uses only the
pages (no admin), including the option lead's send-back loop. axe-core checks the pages
each role works on."""

import re

import pytest
from django.core import mail

from .test_roles import Watcher, assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CANDIDATE = "camille.journey@example.com"
CONTACT = "drh.journey@example.com"
NEW_PASSWORD = "Tarn-et-Garonne-2027"
ACCORD = {
    "company_name": "Aéro Tarn Industries",
    "siret": "73282932000074",
    "address": "12 avenue de l'Industrie",
    "postal_code": "81000",
    "city": "Albi",
    "opco": "OPCO 2i",
    "hr_email": CONTACT,
    "tutor_first_name": "Bruno",
    "tutor_last_name": "Journey",
    "tutor_email": "bruno.journey@example.com",
    "tutor_job_title": "Ingénieur méthodes",
    "tutor_years_as_engineer": "8",
    "start_date": "2027-09-01",
}
COMMITMENTS = [
    "allows_remote_courses",
    "provides_quiet_office",
    "respects_remote_sessions",
    "reports_schedule_changes",
    "reports_remote_problems",
]
MISSIONS = {
    "year1_missions": "Cartographie des flux de l'atelier.",
    "year2_missions": "Chantier SMED sur la ligne 3.",
    "year3_missions": "Réimplantation de l'atelier.",
}
FAMILIES = {"year1_family": "production", "year2_family": "support", "year3_family": "studies"}


def session(browser, live_server):
    context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    context.set_default_timeout(15_000)
    return context


def accept_invitation(context, email):
    """Follow the invitation link of the last e-mail sent to `email` and choose a password."""
    message = [m for m in mail.outbox if m.to == [email]][-1]
    link = re.search(r"https?://\S+/invitation/\S+/", message.body).group(0)
    page = context.new_page()
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    home = page.url.split("/invitation/")[0] + "/"
    page.fill("[name=new_password1]", NEW_PASSWORD)
    page.fill("[name=new_password2]", NEW_PASSWORD)
    submit(page)
    page.wait_for_url(home)
    return page


def submit(page, form_selector="main form"):
    page.locator(form_selector).locator("button[type=submit], input[type=submit]").first.click()


def fire(page, name):
    """Click the button of the transition form posting to …/action/<name>/."""
    page.locator(f"form[action$='/action/{name}/'] button[type=submit]").click()
    page.wait_for_load_state()


def test_recruitment_from_admission_to_registered_apprenticeship(browser, live_server, demo_data):
    # Scolarité records the admitted candidate.
    staff = session(browser, live_server)
    scolarite = staff.new_page()
    log_in(scolarite, live_server, "scolarite@example.com")
    scolarite.goto("/recrutement/candidats/ajouter/")
    for name, value in {
        "first_name": "Camille",
        "last_name": "Journey",
        "email": CANDIDATE,
        "birth_date": "2005-03-14",
        "entry_year": "2027",
        "file_score": "15",
    }.items():
        scolarite.fill(f"[name={name}]", value)
    scolarite.select_option("[name=option]", label="GenIndus")
    scolarite.select_option("[name=diploma]", value="but")
    assert_accessible(scolarite)
    submit(scolarite)
    scolarite.wait_for_url("**/recrutement/candidats/")
    assert "Camille JOURNEY" in scolarite.locator("main table").inner_text()

    # The candidate accepts the invitation and invites the future employer's contact.
    candidate_ctx = session(browser, live_server)
    candidate = accept_invitation(candidate_ctx, CANDIDATE)
    candidate.goto("/recrutement/mon-dossier/")
    watcher = Watcher(candidate)
    candidate.fill("[name=contact_first_name]", "Hélène")
    candidate.fill("[name=contact_last_name]", "Journey")
    candidate.fill("[name=contact_email]", CONTACT)
    assert_accessible(candidate)
    submit(candidate, "main form:has([name=contact_email])")
    candidate.wait_for_url(re.compile(r".*/recrutement/dossiers/\d+/$"))
    dossier_path = candidate.url.removeprefix(live_server.url)
    watcher.assert_healthy()

    # The company contact fills the accord and the missions, submits them and signs.
    company_ctx = session(browser, live_server)
    company = accept_invitation(company_ctx, CONTACT)
    company.goto(dossier_path + "accord/")
    for name, value in ACCORD.items():
        company.fill(f"[name={name}]", value)
    for name in COMMITMENTS:
        company.check(f"[name={name}]")
    assert_accessible(company)
    company.click("[name=save_and_return]")  # "Save the draft" stays on the form
    company.wait_for_url(f"**{dossier_path}")
    company.goto(dossier_path + "missions/")
    for name, value in MISSIONS.items():
        company.fill(f"[name={name}]", value)
    for name, value in FAMILIES.items():
        company.select_option(f"[name={name}]", value=value)
    company.click("[name=save_and_return]")  # "Save the draft" stays on the form
    company.wait_for_url(f"**{dossier_path}")
    fire(company, "submit")
    company.fill("[name=typed_name]", "Hélène Journey")
    company.check("[name=consent]")
    assert_accessible(company)
    fire(company, "sign_accord")
    assert "SHA-256" in company.locator("main").inner_text()

    # Scolarité confirms receipt: a place is reserved.
    scolarite.goto(dossier_path)
    scolarite.locator("form[action$='/reception/'] button").click()
    scolarite.wait_for_load_state()
    assert_accessible(scolarite)

    # The option lead sends the missions back; the company revises; the lead validates.
    lead_ctx = session(browser, live_server)
    lead = lead_ctx.new_page()
    log_in(lead, live_server, "responsable.option@example.com")
    lead.goto(dossier_path + "missions/revue/")
    lead.fill("[name=comment]", "Précisez la dimension managériale en 3e année.")
    lead.locator("form[action$='/action/send_back/'] button").click()
    lead.wait_for_load_state()
    company.goto(dossier_path + "missions/")
    assert "Précisez la dimension managériale" in company.locator("main").inner_text()
    company.fill("[name=year3_missions]", "Réimplantation de l'atelier, encadrement de deux techniciens.")
    company.click("[name=save_and_return]")  # "Save the draft" stays on the form
    company.wait_for_url(f"**{dossier_path}")
    fire(company, "submit")
    lead.goto(dossier_path + "missions/revue/")
    assert "encadrement de deux techniciens" in lead.locator("main").inner_text()  # what changed
    assert_accessible(lead)
    lead.locator("form[action$='/action/validate/'] button").click()
    lead.wait_for_load_state()

    # MidiSup finds it in the queue and records the contract to its registration.
    midisup_ctx = session(browser, live_server)
    midisup = midisup_ctx.new_page()
    log_in(midisup, live_server, "midisup@example.com")
    midisup.goto("/recrutement/midisup/")
    assert "Camille JOURNEY" in midisup.locator("main table").inner_text()
    assert_accessible(midisup)
    midisup.goto(dossier_path)
    for step in ("sign_convention", "sign_contract", "send_to_opco", "register"):
        fire(midisup, step)
        assert midisup.locator(".alert-danger").count() == 0, midisup.locator("main").inner_text()[:500]

    # The candidate is now an apprentice: their home page shows the apprenticeship.
    candidate.goto("/")
    own = candidate.locator("section[aria-labelledby^='mon-apprentissage-']")
    assert "Aéro Tarn Industries" in own.inner_text()
    for context in (staff, candidate_ctx, company_ctx, lead_ctx, midisup_ctx):
        context.close()


def test_demo_candidate_runs_the_pipeline_with_the_demo_accounts(browser, live_server, demo_data):
    """The issue's "done when", as a newcomer would try it after `make demo`: candidat@
    invites entreprise@, who fills and signs; scolarité, the option lead (with a send-back)
    and MidiSup take it to an active apprenticeship — with the demo logins only."""
    candidate_ctx = session(browser, live_server)
    candidate = candidate_ctx.new_page()
    log_in(candidate, live_server, "candidat@example.com")
    candidate.goto("/recrutement/mon-dossier/")
    candidate.fill("[name=contact_first_name]", "Sandrine")
    candidate.fill("[name=contact_last_name]", "Albouy")
    candidate.fill("[name=contact_email]", "entreprise@example.com")
    submit(candidate, "main form:has([name=contact_email])")
    candidate.wait_for_url(re.compile(r".*/recrutement/dossiers/\d+/$"))
    dossier_path = candidate.url.removeprefix(live_server.url)

    company_ctx = session(browser, live_server)
    company = company_ctx.new_page()
    log_in(company, live_server, "entreprise@example.com")
    company.goto(dossier_path + "accord/")
    for name, value in {**ACCORD, "hr_email": "entreprise@example.com"}.items():
        company.fill(f"[name={name}]", value)
    for name in COMMITMENTS:
        company.check(f"[name={name}]")
    company.click("[name=save_and_return]")  # "Save the draft" stays on the form
    company.wait_for_url(f"**{dossier_path}")
    company.goto(dossier_path + "missions/")
    for name, value in MISSIONS.items():
        company.fill(f"[name={name}]", value)
    for name, value in FAMILIES.items():
        company.select_option(f"[name={name}]", value=value)
    company.click("[name=save_and_return]")  # "Save the draft" stays on the form
    company.wait_for_url(f"**{dossier_path}")
    fire(company, "submit")
    company.fill("[name=typed_name]", "Sandrine Albouy")
    company.check("[name=consent]")
    fire(company, "sign_accord")

    staff = session(browser, live_server)
    scolarite = staff.new_page()
    log_in(scolarite, live_server, "scolarite@example.com")
    scolarite.goto(dossier_path)
    scolarite.locator("form[action$='/reception/'] button").click()
    scolarite.wait_for_load_state()

    lead_ctx = session(browser, live_server)
    lead = lead_ctx.new_page()
    log_in(lead, live_server, "responsable.option@example.com")
    lead.goto(dossier_path + "missions/revue/")
    lead.fill("[name=comment]", "Précisez l'encadrement en 3e année.")
    lead.locator("form[action$='/action/send_back/'] button").click()
    lead.wait_for_load_state()
    company.goto(dossier_path + "missions/")
    company.fill("[name=year3_missions]", "Réimplantation de l'atelier, encadrement de deux techniciens.")
    company.click("[name=save_and_return]")  # "Save the draft" stays on the form
    company.wait_for_url(f"**{dossier_path}")
    fire(company, "submit")
    lead.goto(dossier_path + "missions/revue/")
    lead.locator("form[action$='/action/validate/'] button").click()
    lead.wait_for_load_state()

    midisup_ctx = session(browser, live_server)
    midisup = midisup_ctx.new_page()
    log_in(midisup, live_server, "midisup@example.com")
    midisup.goto(dossier_path)
    for step in ("sign_convention", "sign_contract", "send_to_opco", "register"):
        fire(midisup, step)
        assert midisup.locator(".alert-danger").count() == 0, midisup.locator("main").inner_text()[:500]

    candidate.goto("/")
    assert (
        "Aéro Tarn Industries"
        in candidate.locator("section[aria-labelledby^='mon-apprentissage-']").inner_text()
    )
    for context in (candidate_ctx, company_ctx, staff, lead_ctx, midisup_ctx):
        context.close()
