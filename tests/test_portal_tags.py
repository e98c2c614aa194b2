"""The layout's per-process caches (apprentissage/templatetags/portal.py, apprentissage/menus.py):
each gives what the generic tag gives, and follows what that answer depends on."""

from django.templatetags.static import static
from django.urls import clear_script_prefix, get_script_prefix, reverse, set_script_prefix
from django.utils import translation

from apprentissage import menus
from apprentissage.templatetags import portal


def test_fixed_url_is_reverse_and_follows_the_script_prefix():
    assert menus.fixed_url("home") == reverse("home")
    assert menus.fixed_url("person_list") == reverse("person_list")

    before = get_script_prefix()
    set_script_prefix("/portail/")  # served under a sub-path: another table, not the first one's
    try:
        assert menus.fixed_url("person_list") == reverse("person_list") == "/portail/personnes/"
    finally:
        clear_script_prefix()
        set_script_prefix(before)
    assert menus.fixed_url("person_list") == reverse("person_list")


def test_pk_url_is_reverse_for_any_key():
    for pk in (1, 7, 42, 918_273_645, 10**12):
        assert menus.pk_url("apprenticeship_detail", pk) == reverse("apprenticeship_detail", args=[pk])
        assert menus.pk_url("planning:tape_followup", str(pk)) == reverse("planning:tape_followup", args=[pk])


def test_asset_is_static_and_is_forgotten_when_the_settings_change(settings):
    assert portal.asset("css/portal.css") == static("css/portal.css")

    settings.STATIC_URL = "/autre-static/"

    assert portal.asset("css/portal.css") == static("css/portal.css")
    assert portal.asset("css/portal.css").startswith("/autre-static/")


def test_language_options_select_the_active_language():
    with translation.override("fr"):
        french = portal.language_options()
    with translation.override("en"):
        english = portal.language_options()

    assert '<option value="fr" lang="fr" selected>Français</option>' in french
    assert '<option value="en" lang="en" >English</option>' in french
    assert '<option value="en" lang="en" selected>English</option>' in english
