"""What a new user stumbled on in the layout (issue 8 §3), checked without a browser: the
login page offers no sign-up (people join by invitation), and those who follow an apprentice
reach the apprentice's calendar and TAPE follow-up from their lists. The browser checks
(menu, phone widths, focus rings) are in tests/browser/test_layout.py."""

import pytest
from django.core import mail
from django.urls import reverse

from . import factories as f


def test_the_login_page_does_not_link_to_the_closed_sign_up(client, db):
    page = client.get(reverse("account_login")).content.decode()

    assert reverse("account_signup") not in page
    assert 'name="login"' in page and reverse("account_reset_password") in page


def test_the_e_mail_to_an_unknown_address_does_not_invite_to_sign_up(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # e-mails leave after the commit
        client.post(reverse("account_reset_password"), {"email": "personne.inconnue@example.com"})

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["personne.inconnue@example.com"]
    assert reverse("account_signup") not in mail.outbox[0].body


@pytest.mark.parametrize("persona", ["school_tutor", "option_lead", "company_tutor", "company_contact"])
@pytest.mark.parametrize("url_name", ["home", "apprenticeship_list"])
def test_followers_reach_the_calendar_and_tape_follow_up_from_their_lists(world, login, persona, url_name):
    page = login(world[persona]).get(reverse(url_name)).content.decode()

    assert reverse("planning:apprentice_calendar", args=[world.own.pk]) in page
    assert reverse("planning:tape_followup", args=[world.own.pk]) in page
    assert reverse("planning:apprentice_calendar", args=[world.other.pk]) not in page


def test_every_apprenticeship_listed_to_scolarite_has_its_calendar_link(world, login):
    others = [f.ApprenticeshipFactory() for _ in range(3)]

    page = login(world["scolarite"]).get(reverse("apprenticeship_list")).content.decode()

    for apprenticeship in [world.own, world.other, *others]:
        assert reverse("planning:apprentice_calendar", args=[apprenticeship.pk]) in page
        assert reverse("planning:tape_followup", args=[apprenticeship.pk]) in page
