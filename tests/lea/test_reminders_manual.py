"""The reminder sent by hand (lea:send_reminder), the list of reminders on a document, and the
reminder's link followed by a company tutor who signs in with an e-mailed code."""

import re

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from apprentissage.models import Notification
from lea.enums import FicheState, PlanState, ProjectState, ReminderStep
from lea.models import Fiche, Reminder
from lea.reminders import reminder_context, send_reminders
from tests import factories as f


@pytest.fixture
def fiche(world):
    return f.FicheFactory(apprenticeship=world.own)


def url(kind, document):
    return reverse("lea:send_reminder", args=[kind, document.pk])


def manual(document):
    return [(r.recipient, r.sent_by) for r in Reminder.of(document).filter(step=ReminderStep.MANUAL)]


def test_the_school_tutor_reminds_the_apprentice_and_is_sent_back(world, login, fiche):
    client = login(world["school_tutor"])
    back = reverse("lea:booklet", args=[world.own.pk])

    response = client.post(url("fiche", fiche), {"next": back})

    assert response.status_code == 302 and response["Location"] == back
    assert manual(fiche) == [(world["apprentice"], world["school_tutor"])]
    [note] = Notification.objects.filter(recipient=world["apprentice"])
    assert note.url == reverse("lea:fiche_edit", args=[fiche.pk])
    [message] = get_messages(response.wsgi_request)
    assert message.level_tag == "success" and world["apprentice"].get_full_name() in message.message


def test_a_double_click_sends_once_and_a_minute_later_again(world, login, fiche):
    client = login(world["scolarite"])
    client.post(url("fiche", fiche))
    client.post(url("fiche", fiche))
    assert len(manual(fiche)) == 1
    with time_machine.travel("2026-11-24 10:05 +0100"):
        client.post(url("fiche", fiche))
    assert len(manual(fiche)) == 2
    assert Notification.objects.filter(recipient=world["apprentice"]).count() == 2


def test_an_unsafe_next_goes_to_the_document_instead(world, login, fiche):
    response = login(world["scolarite"]).post(url("fiche", fiche), {"next": "https://evil.example.com/"})
    assert response["Location"] == reverse("lea:fiche_detail", args=[fiche.pk])


@pytest.mark.parametrize(
    ("kind", "factory", "state", "who", "page"),
    [
        ("fiche", f.FicheFactory, FicheState.SUBMITTED, ["company_tutor"], "lea:fiche_tutor_edit"),
        ("plan", f.YearlyPlanFactory, PlanState.DRAFT, ["apprentice", "company_tutor"], "lea:plan_edit"),
        ("plan", f.YearlyPlanFactory, PlanState.SUBMITTED, ["option_lead"], "lea:plan_detail"),
        ("project", f.ProjectDossierFactory, ProjectState.RETURNED, ["apprentice"], "lea:project_edit"),
        ("project", f.ProjectDossierFactory, ProjectState.ENDORSED, ["school_tutor"], "lea:project_detail"),
    ],
)
def test_the_reminder_goes_to_whoever_must_act_now(world, login, kind, factory, state, who, page):
    document = factory(apprenticeship=world.own, state=state)
    login(world["scolarite"]).post(url(kind, document))
    assert [r for r, _ in manual(document)] == [world[p] for p in who]
    for persona in who:
        assert Notification.objects.get(recipient=world[persona]).url == reverse(page, args=[document.pk])


def test_nothing_to_remind_about_a_countersigned_fiche(world, login, fiche):
    Fiche.objects.filter(pk=fiche.pk).update(state=FicheState.COUNTERSIGNED)
    response = login(world["scolarite"]).post(url("fiche", fiche))
    assert response.status_code == 302
    assert manual(fiche) == []
    [message] = get_messages(response.wsgi_request)
    assert message.level_tag == "info"


def _request(user, path="/"):
    request = RequestFactory().get(path)
    request.user = user
    return request


def _box(user, document) -> str:
    request = _request(user, "/livret/")
    return Template("{% load lea_reminders %}{% reminders_box document %}").render(
        Context({"request": request, "document": document})
    )


def test_the_document_lists_its_reminders_and_offers_the_button_to_who_may(world, fiche):
    Fiche.objects.filter(pk=fiche.pk).update(due_on="2026-11-20")
    with time_machine.travel("2026-11-23 08:00 +0100", tick=False):
        send_reminders()
    Reminder.objects.create(
        content_type=Reminder.of(fiche).first().content_type,
        object_id=fiche.pk,
        step=ReminderStep.MANUAL,
        due_on="2026-11-20",
        recipient=world["apprentice"],
        sent_by=world["school_tutor"],
    )

    html = _box(world["school_tutor"], fiche)
    assert html.count("<li") == 2
    assert str(world["school_tutor"]) in html and str(world["apprentice"]) in html
    assert url("fiche", fiche) in html and 'name="next" value="/livret/"' in html

    for persona in ("apprentice", "company_tutor", "option_lead"):
        assert url("fiche", fiche) not in _box(world[persona], fiche)
    context = reminder_context(_request(world["scolarite"]), fiche)
    assert context["can_send_reminder"] and context["waiting_for"] == [world["apprentice"]]


def test_no_button_when_nobody_has_to_act(world, fiche):
    Fiche.objects.filter(pk=fiche.pk).update(state=FicheState.ACKNOWLEDGED)
    fiche.refresh_from_db()
    assert not reminder_context(_request(world["scolarite"]), fiche)["can_send_reminder"]


def test_the_reminders_link_works_for_a_tutor_signing_in_by_code(
    world, client, fiche, django_capture_on_commit_callbacks
):
    """The link in the company tutor's reminder: anonymous → the login page with ?next=, then
    the login by e-mailed code lands on it."""
    Fiche.objects.filter(pk=fiche.pk).update(state=FicheState.SUBMITTED, tutor_due_on="2026-11-20")
    with time_machine.travel("2026-11-23 08:00 +0100", tick=False):
        send_reminders()
    tutor = world["company_tutor"]
    link = Notification.objects.get(recipient=tutor).url
    assert link == reverse("lea:fiche_tutor_edit", args=[fiche.pk])

    login_page = f"{reverse('account_login')}?next={link}"
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == login_page
    # The login page offers the code, keeping where to go.
    html = client.get(login_page).content.decode()
    code_page = re.escape(reverse("account_request_login_code"))
    request_code = re.search(rf'href="([^"]*{code_page}[^"]*)"', html).group(1)
    assert "next=" in request_code
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(request_code.replace("&amp;", "&"), {"email": tutor.email})
    confirm = response["Location"]  # the code's page, still knowing where to go
    assert confirm.startswith(reverse("account_confirm_login_code")) and "next=" in confirm
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.MULTILINE).group(1)
    response = client.post(confirm, {"code": code})
    assert response.status_code == 302 and response["Location"] == link
    assert client.get(link).status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_clicks_at_the_same_moment_send_once(world):
    from tests.concurrency import logged_in_clients, post_at_once, require_postgresql

    require_postgresql()
    fiche = f.FicheFactory(apprenticeship=world.own)
    responses = post_at_once(logged_in_clients(world["scolarite"]), url("fiche", fiche), {})
    assert {r.status_code for r in responses} == {302}
    assert len(manual(fiche)) == 1
    assert Notification.objects.filter(recipient=world["apprentice"]).count() == 1
