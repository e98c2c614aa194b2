"""What the layout (`templates/base.html`, `templates/layouts/app.html`) renders on every page,
at a fraction of the generic tags' cost: the page chrome was about 1.3 ms of CPU per request
in Django's template machinery, the main part of a simple page's cost beyond the trivial one.

`{% main_menu %}` is the main menu (`apprentissage.menus`), its markup written in Python
rather than by a template loop (a few hundred microseconds for a dozen entries).

`{% asset "css/portal.css" %}` is `{% static %}`: the hashed name's lookup in the manifest
(about 30 µs a file) kept per process, as the answer depends on the deployed files only.

`{% fixed_url "home" %}` is `{% url %}` for a URL without arguments, kept per process, URL
configuration, script prefix and language (`menus.fixed_url`).

`{% pk_url "apprenticeship_detail" a.pk %}` is `{% url %}` for a URL whose one argument is
an integer key, a few microseconds rather than a `reverse` (a table's rows: `menus.pk_url`).

`{% language_options %}` are the language switcher's `<option>`s, the same for every page in
a language."""

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info

from apprentissage import menus

register = template.Library()

_assets: dict[tuple, str] = {}
_language_options: dict[tuple, SafeString] = {}


def _forget(**kwargs) -> None:  # tests may change STATIC_URL, STORAGES, LANGUAGES
    _assets.clear()
    _language_options.clear()


setting_changed.connect(_forget, dispatch_uid="apprentissage.templatetags.portal")


@register.simple_tag
def asset(path: str) -> str:
    """`{% static path %}`, kept per process."""
    url = _assets.get(path)
    if url is None:
        url = _assets[path] = static(path)
    return url


@register.simple_tag
def fixed_url(url_name: str) -> str:
    """`{% url url_name %}` for a URL without arguments, kept per process."""
    return menus.fixed_url(url_name)


@register.simple_tag
def pk_url(url_name: str, pk) -> str:
    """`{% url url_name pk %}` for a URL whose one argument is an integer key (a table's rows)."""
    return menus.pk_url(url_name, pk)


@register.simple_tag(takes_context=True)
def main_menu(context) -> SafeString:
    """The main menu bar of the request's user (see `menus.menu_html`)."""
    request = context.get("request")
    if request is None:
        return mark_safe("")
    return menus.menu_html(menus.sections_for_request(request))


@register.simple_tag
def language_options() -> SafeString:
    """The `<option>`s of the language switcher: each language under its own name, the
    current one selected."""
    current = get_language()
    key = (current, tuple(settings.LANGUAGES))
    options = _language_options.get(key)
    if options is None:
        options = _language_options[key] = mark_safe(
            "\n".join(
                format_html(
                    '<option value="{}" lang="{}" {}>{}</option>',
                    code,
                    code,
                    mark_safe("selected") if code == current else "",
                    capfirst(get_language_info(code)["name_local"]),
                )
                for code, _name in settings.LANGUAGES
            )
        )
    return options
