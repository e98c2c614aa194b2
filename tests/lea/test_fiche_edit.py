"""Each party's section of a fiche: saved as a draft (by hand and automatically), bad input
refused with a clear message and nothing saved, a frozen fiche left untouched, two people
editing at once never overwriting each other (the second is shown what changed), and markup
that works on a phone (390 px)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext

from lea.enums import FicheState as S
from lea.forms.fiches import ACTIVITY_ROWS, AUTOSAVE_SECONDS
from lea.models import Fiche

from .fiche_helpers import apprentice_data as data
from .fiche_helpers import make_fiche, tutor_data


def fr(text: str) -> str:
    with translation.override("fr"):
        return gettext(text)


AUTOSAVE_FAILED = fr(
    "Your draft could not be saved automatically (no connection, or you were signed out). Keep "
    "this page open: check your connection or sign in again in another tab, then save."
)


def edit_url(fiche):
    return reverse("lea:fiche_edit", args=[fiche.pk])


def tutor_url(fiche):
    return reverse("lea:fiche_tutor_edit", args=[fiche.pk])


def detail_url(fiche):
    return reverse("lea:fiche_detail", args=[fiche.pk])


@pytest.fixture
def fiche(world):
    return make_fiche(world)


@pytest.fixture
def apprentice(world, login):
    return login(world["apprentice"])


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def the_form(page: str) -> str:
    """The section's form in the page (not the menu's sign-out form)."""
    start = page.index("data-autosave=")
    start = page.rindex("<form", 0, start)
    return page[start : page.index("</form>", start)]


def _snapshot(fiche):
    return Fiche.objects.values().get(pk=fiche.pk)


# --- Saving --------------------------------------------------------------------------------


def test_save_draft_stays_on_the_page_and_keeps_everything(fiche, apprentice):
    response = apprentice.post(edit_url(fiche), data(fiche, save="1"))

    assert response.status_code == 302 and response["Location"] == edit_url(fiche)
    fiche.refresh_from_db()
    assert fiche.version == 2
    assert fiche.activities == [
        {"description": "Audit de la ligne d'usinage", "share": 60},
        {"description": "Plan d'actions 5S", "share": 30},
    ]
    assert fiche.self_ratings == {"conception": 2, "projet": 1}
    assert fiche.project_progress == "Diagnostic terminé, indicateurs définis."
    assert fiche.is_started
    # The form shows it back
    page = apprentice.get(edit_url(fiche)).content.decode()
    assert "Plan d&#x27;actions 5S" in page and 'value="30"' in page


def test_save_and_return_goes_back_to_the_fiche(fiche, apprentice):
    response = apprentice.post(edit_url(fiche), data(fiche, save_and_return="1"))
    assert response["Location"] == detail_url(fiche)


def test_a_draft_may_be_incomplete(fiche, apprentice):
    response = apprentice.post(
        edit_url(fiche),
        data(fiche, rating_projet="", project_progress="", activity_1_description="", activity_1_share=""),
    )
    assert response.status_code == 302
    fiche.refresh_from_db()
    assert fiche.self_ratings == {"conception": 2}
    assert fiche.activities == [{"description": "Audit de la ligne d'usinage", "share": 60}]


def test_tutor_section_saves_behaviour_with_not_observed(world, login):
    fiche = make_fiche(world, S.SUBMITTED)
    response = login(world["company_tutor"]).post(
        tutor_url(fiche), tutor_data(fiche, behaviour_initiative="")
    )
    assert response.status_code == 302
    fiche.refresh_from_db()
    assert fiche.behaviour_ratings["deadlines"] is None  # not observed
    assert "initiative" not in fiche.behaviour_ratings  # not answered
    assert fiche.behaviour_ratings["rigour"] == 3
    assert fiche.tutor_ratings == {"conception": 2, "projet": 2}
    # The apprentice's part is untouched by the tutor's form
    assert fiche.project_progress == "Diagnostic terminé, indicateurs définis."
    page = login(world["company_tutor"]).get(tutor_url(fiche)).content.decode()
    assert re.search(r'name="behaviour_deadlines" value="none"[^>]*checked', page)


# --- Bad input: a clear message, nothing saved ----------------------------------------------


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"rating_conception": "7"}, "rating_conception"),  # outside the 4-level scale
        ({"rating_conception": "-1"}, "rating_conception"),
        ({"next_objectives": "x" * 4001}, "next_objectives"),  # over its limit
        ({"activity_0_description": "y" * 501}, "activity_0_description"),
        ({"activity_0_share": "beaucoup"}, "activity_0_share"),  # not a number
        ({"activity_0_share": "150"}, "activity_0_share"),  # over 100
        ({"activity_0_share": "-5"}, "activity_0_share"),
        ({"activity_2_share": "10"}, "activity_2_description"),  # a share of no activity
        ({"activity_0_share": "80", "activity_1_share": "40"}, "__all__"),  # 120 % in all
    ],
)
def test_bad_input_is_refused_and_nothing_saved(overrides, field, fiche, apprentice):
    before = _snapshot(fiche)

    response = apprentice.post(edit_url(fiche), data(fiche, **overrides))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert _snapshot(fiche) == before
    # Shown to the person: under the field it concerns, or above the form
    page = response.content.decode()
    if field == "__all__":
        assert escape(errors[field][0]) in page
    else:
        assert f'id="error_1_id_{field}"' in page
        assert re.search(rf'aria-describedby="[^"]*\bid_{field}_error"', page)  # read with the field


def test_shares_over_100_in_all_say_the_total(fiche, apprentice):
    response = apprentice.post(edit_url(fiche), data(fiche, activity_0_share="80", activity_1_share="40"))
    with translation.override("fr"):
        expected = fr("The shares of time add up to %(total)d %%: they must total 100 %% at most.") % {
            "total": 120
        }
    assert expected in response.context["form"].non_field_errors()


def test_tutor_rating_outside_the_scale_is_refused(world, login):
    fiche = make_fiche(world, S.SUBMITTED)
    before = _snapshot(fiche)
    response = login(world["company_tutor"]).post(
        tutor_url(fiche), tutor_data(fiche, tutor_rating_projet="4", behaviour_rigour="5")
    )
    assert response.status_code == 200
    assert {"tutor_rating_projet", "behaviour_rigour"} <= set(response.context["form"].errors)
    assert _snapshot(fiche) == before


@pytest.mark.parametrize("state", [S.SUBMITTED, S.COUNTERSIGNED, S.ACKNOWLEDGED])
def test_the_apprentice_cannot_change_a_fiche_no_longer_theirs(state, world, apprentice):
    fiche = make_fiche(world, state)
    before = _snapshot(fiche)

    response = apprentice.post(edit_url(fiche), data(fiche, next_objectives="Changé après coup"), follow=True)

    assert response.redirect_chain[-1][0] == detail_url(fiche)
    [message] = _messages(response)
    if state == S.SUBMITTED:
        assert fr("This part of the fiche cannot be changed now (%(state)s).").split("(")[0] in message
    else:
        assert (
            fr(
                "This fiche is countersigned: it can no longer be changed "
                "(the registrar's office can reopen it)."
            )
            == message
        )
    assert _snapshot(fiche) == before


def test_the_tutor_cannot_change_a_countersigned_fiche(world, login):
    fiche = make_fiche(world, S.COUNTERSIGNED)
    before = _snapshot(fiche)
    client = login(world["company_tutor"])

    response = client.post(tutor_url(fiche), tutor_data(fiche, tutor_comment="Ajout"), follow=True)

    assert response.redirect_chain[-1][0] == detail_url(fiche)
    assert _messages(response) == [
        fr("This fiche is countersigned: it can no longer be changed (the registrar's office can reopen it).")
    ]
    assert _snapshot(fiche) == before
    # An automatic save is told the same, as JSON
    auto = client.post(tutor_url(fiche), tutor_data(fiche, tutor_comment="Ajout", autosave="1"))
    assert auto.status_code == 409 and auto.json()["message"]
    assert _snapshot(fiche) == before


# --- Two people at once -------------------------------------------------------------------


def test_a_stale_form_is_refused_and_shows_what_changed(fiche, world, login):
    first, second = login(world["apprentice"]), None
    read_at = fiche.version
    # The apprentice saves from their laptop…
    first.post(edit_url(fiche), data(fiche, next_objectives="Objectifs du portable", rating_projet="3"))
    fiche.refresh_from_db()
    saved = _snapshot(fiche)
    # …then from their phone, with the form read before that save.
    second = login(world["apprentice"])
    response = second.post(
        edit_url(fiche), {**data(fiche, next_objectives="Objectifs du téléphone"), "version": read_at}
    )

    assert response.status_code == 409
    assert _snapshot(fiche) == saved  # nothing overwritten
    page = response.content.decode()
    assert "Objectifs du téléphone" in page  # nothing lost: what was typed is still in the form
    changes = {c["label"]: (c["saved"], c["typed"]) for c in response.context["form"].others_changes}
    with translation.override("fr"):
        objectives = capfirst(str(Fiche._meta.get_field("next_objectives").verbose_name))
        assert changes == {
            objectives: ("Objectifs du portable", "Objectifs du téléphone"),
            "Conduire un projet": (fr("Autonomous"), fr("Beginner")),
        }
    assert "saved-value" in page and "Objectifs du portable" in page
    # The form now carries the saved version: saving again, knowingly, works.
    assert re.search(rf'name="version" value="{fiche.version}"', page)
    again = second.post(edit_url(fiche), {**data(fiche, next_objectives="Objectifs du téléphone")})
    assert again.status_code == 302
    fiche.refresh_from_db()
    assert fiche.next_objectives == "Objectifs du téléphone"


def test_concurrent_saves_of_the_same_version_one_wins(fiche, world, login):
    """Two saves from the same version: the second is refused (409), whichever form."""
    client = login(world["apprentice"])
    assert client.post(edit_url(fiche), data(fiche, difficulties="A")).status_code == 302
    assert client.post(edit_url(fiche), data(fiche, difficulties="B")).status_code == 409
    fiche.refresh_from_db()
    assert fiche.difficulties == "A" and fiche.version == 2


def test_tutor_stale_form_shows_what_changed(world, login):
    fiche = make_fiche(world, S.SUBMITTED)
    client = login(world["company_tutor"])
    read = Fiche.objects.get(pk=fiche.pk)
    client.post(tutor_url(fiche), tutor_data(read, behaviour_rigour="1"))
    response = client.post(tutor_url(fiche), tutor_data(read, behaviour_rigour="4"))
    assert response.status_code == 409
    [change] = response.context["form"].others_changes
    assert (change["saved"], change["typed"]) == ("1 / 4", "4 / 4")


# --- The periodic save (autosave.js) ----------------------------------------------------------


def test_autosave_answers_json_with_the_new_version(fiche, apprentice):
    response = apprentice.post(edit_url(fiche), data(fiche, difficulties="Auto", autosave="1"))
    assert response.status_code == 200
    assert response.json()["version"] == 2
    fiche.refresh_from_db()
    assert fiche.difficulties == "Auto"
    # No "Draft saved." message piled up for the next page
    assert not _messages(apprentice.get(edit_url(fiche)))


def test_autosave_of_a_stale_form_stops_with_the_message(fiche, apprentice):
    apprentice.post(edit_url(fiche), data(fiche, difficulties="Avant"))
    response = apprentice.post(edit_url(fiche), data(fiche, difficulties="Après", autosave="1", version=1))
    assert response.status_code == 409
    assert response.json()["message"] == fr(
        "Someone else saved this document while you were editing it. "
        "Reload the page to see their changes, then make yours again."
    )
    fiche.refresh_from_db()
    assert fiche.difficulties == "Avant"


def test_autosave_once_signed_out_is_not_answered_as_a_save(fiche, apprentice):
    """The session ended (2 h idle on a phone): the answer is the login page, not the JSON
    of a save, and autosave.js says the draft was not saved (data-autosave-failed)."""
    apprentice.logout()
    response = apprentice.post(edit_url(fiche), data(fiche, difficulties="Hors session", autosave="1"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    fiche.refresh_from_db()
    assert fiche.version == 1 and fiche.difficulties == ""


def test_autosave_with_an_error_saves_nothing(fiche, apprentice):
    response = apprentice.post(edit_url(fiche), data(fiche, activity_0_share="abc", autosave="1"))
    assert response.status_code == 400 and response.json()["message"]
    fiche.refresh_from_db()
    assert fiche.version == 1


def test_autosave_of_the_tutor_tells_a_concern_once(world, login):
    fiche = make_fiche(world, S.SUBMITTED)
    client = login(world["company_tutor"])
    client.post(tutor_url(fiche), tutor_data(fiche, concern="on", concern_reason="Retards.", autosave="1"))
    fiche.refresh_from_db()
    client.post(tutor_url(fiche), tutor_data(fiche, concern="on", concern_reason="Retards !", autosave="1"))
    fiche.refresh_from_db()
    assert fiche.concern_told_at is not None and fiche.version == 3
    assert world["school_tutor"].notifications.exclude(message="").count() == 1


# --- Markup: accessible, and usable on a phone ------------------------------------------------


def test_the_form_markup_works_on_a_phone_and_with_a_screen_reader(fiche, apprentice):
    page = apprentice.get(edit_url(fiche)).content.decode()
    form = the_form(page)
    # Each competency is a radio group named by its legend, grouped by block
    assert form.count("<fieldset") >= 2 + 1 + 2  # blocks… and a group per competency
    assert re.search(r"<legend[^>]*>\s*Concevoir une solution", form)
    assert re.search(r"<legend[^>]*>\s*Compétences communes", form)
    assert form.count('type="radio"') == 2 * 4  # two competencies, four levels
    # No table, no fixed widths, no inline style or script (CSP); rows stack below 576 px
    assert "<table" not in form and "style=" not in form and "<script" not in page.split("</footer>")[0]
    assert form.count('class="col-12 col-md-9"') == ACTIVITY_ROWS
    # Text fields carry their limits
    assert 'maxlength="4000"' in form and 'maxlength="500"' in form
    # Periodic save every minute by static/js/autosave.js, with a live status
    assert f'data-autosave="{AUTOSAVE_SECONDS}"' in form and AUTOSAVE_SECONDS == 60
    # …and what it says when an answer is not a save (offline, signed out)
    assert f'data-autosave-failed="{escape(AUTOSAVE_FAILED)}"' in form
    assert 'id="autosave-status"' in page and 'role="status"' in page
    assert "js/autosave" in page
    # Two buttons: save and stay, save and go back
    assert 'name="save"' in form and 'name="save_and_return"' in form


def test_the_tutor_form_markup(world, login):
    fiche = make_fiche(world, S.SUBMITTED)
    page = login(world["company_tutor"]).get(tutor_url(fiche)).content.decode()
    form = the_form(page)
    assert (
        form.count('type="radio"') == 2 + 2 * 4 + 6 * 6
    )  # agreement, ratings, behaviour (0–4, not observed)
    assert "<table" not in form and "style=" not in form
    # The apprentice's part is shown above, read-only, for the tutor to judge it
    assert "Audit de la ligne d" in page[: page.index(form)]


@pytest.mark.parametrize("persona", ["company_tutor", "school_tutor", "option_lead", "scolarite", "admin"])
def test_other_readers_cannot_write_the_apprentices_part(persona, world, login):
    fiche = make_fiche(world)
    before = _snapshot(fiche)
    response = login(world[persona]).post(edit_url(fiche), data(fiche, next_objectives="Pas à moi"))
    assert response.status_code == 302 and response["Location"] == detail_url(fiche)
    assert _snapshot(fiche) == before


@pytest.mark.parametrize("persona", ["apprentice", "school_tutor", "option_lead", "scolarite", "admin"])
def test_other_readers_cannot_write_the_tutors_part(persona, world, login):
    fiche = make_fiche(world, S.SUBMITTED)
    before = _snapshot(fiche)
    response = login(world[persona]).post(
        tutor_url(fiche), tutor_data(fiche, concern="on", concern_reason="x")
    )
    assert response.status_code == 302 and response["Location"] == detail_url(fiche)
    assert _snapshot(fiche) == before
    assert not world["school_tutor"].notifications.exclude(message="").exists()


@pytest.mark.parametrize("persona", ["apprentice", "school_tutor", "option_lead", "scolarite", "admin"])
def test_a_refused_post_on_the_tutors_part_tells_no_concern(persona, world, login):
    """A concern saved but not told yet (a lost notification) is told by the tutor's next save
    or countersignature, never by someone else's refused request."""
    fiche = make_fiche(world, S.SUBMITTED)
    Fiche.objects.filter(pk=fiche.pk).update(concern=True, concern_reason="Absences")
    before = _snapshot(fiche)

    response = login(world[persona]).post(tutor_url(fiche), tutor_data(fiche))

    assert response.status_code == 302 and response["Location"] == detail_url(fiche)
    assert _snapshot(fiche) == before  # concern_told_at still empty
    assert not world["school_tutor"].notifications.exists()


def test_a_fiche_sent_back_shows_the_tutors_remark_where_the_apprentice_revises_it(world, apprentice):
    fiche = make_fiche(world, S.RETURNED)  # sent back with "À préciser."
    for url in (edit_url(fiche), detail_url(fiche)):
        page = apprentice.get(url).content.decode()
        assert "fiche-send-back" in page and "À préciser." in page
    assert apprentice.get(edit_url(make_fiche(world))).context["send_back"] is None
