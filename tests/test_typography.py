"""French typography (issue 8, §3): a non-breaking space before « : » (and a narrow or normal
one before « ; ! ? »), inside « guillemets », "1re" (never "1ère"), one time format
"9 h 00". Checked in the French catalogue's translations, in the French text written
straight into templates, and in the formats every date and time goes through.

`make messages` fixes the catalogue with scripts/french_typography.py after makemessages."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import formats, translation

from tests.test_i18n import _entries

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
NBSP, NNBSP = "\u00a0", "\u202f"

# A normal space where French wants a non-breaking one, and ordinals written the old way.
BAD_SPACE = re.compile(r"(?<=\S)\x20[:;!?»]|«\x20")  # \x20: french_typography.py leaves this file as it is
BAD_ORDINAL = re.compile(r"\b1(?:ère|ere)s?\b|\b1er année|\b\d+(?:ème|eme)s?\b")


def problems(text: str) -> list[str]:
    found = [m.group(0) for m in BAD_SPACE.finditer(text)]
    return found + [m.group(0) for m in BAD_ORDINAL.finditer(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Erreur\x20: corrigez", ["\x20:"]),
        ("Êtes-vous sûr\x20? Oui\x20; non\x20!", ["\x20?", "\x20;", "\x20!"]),
        ("la colonne «\x20Nom\x20»", ["«\x20", "\x20»"]),
        ("1ère année, 2ème année", ["1ère", "2ème"]),
        (f"Erreur{NBSP}: corrigez{NNBSP}? «{NBSP}Nom{NBSP}» 1re année, 2e année", []),
        ("http://example.com/?page=2 — 9:00", []),
    ],
)
def test_problems_finds_normal_spaces_and_old_ordinals(text, expected):
    assert problems(text) == expected


def test_catalogue_translations_follow_french_typography():
    wrong = {
        entry["msgid"]: problems(text)
        for entry in _entries(CATALOGUE)[1:]
        for text in entry["msgstr"].values()
        if problems(text)
    }
    assert wrong == {}


def _literal_text(template: str) -> str:
    """What a template writes itself: no translated blocks (English), tags, variables,
    comments, HTML tags or style sheets."""
    text = re.sub(r"\{% blocktranslate.*?\{% endblocktranslate %\}", "", template, flags=re.S)
    text = re.sub(r"<style.*?</style>", "", text, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}", "x", text, flags=re.S)  # a value stands there
    return re.sub(r"\{%.*?%\}|\{#.*?#\}|<[^>]*>", "", text, flags=re.S)


TEMPLATES = sorted(p for p in (ROOT / "templates").rglob("*") if p.suffix in {".html", ".txt"})


def test_templates_literal_french_text_follows_french_typography():
    wrong = {
        str(path.relative_to(ROOT)): problems(_literal_text(path.read_text(encoding="utf-8")))
        for path in TEMPLATES
    }
    assert {path: found for path, found in wrong.items() if found} == {}


# Times


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        (datetime.time(9, 0), "TIME_FORMAT", f"9{NBSP}h{NBSP}00"),
        (datetime.time(14, 30), "TIME_FORMAT", f"14{NBSP}h{NBSP}30"),
        (datetime.datetime(2026, 12, 1, 9, 5), "SHORT_DATETIME_FORMAT", f"01/12/2026 à 9{NBSP}h{NBSP}05"),
        (datetime.datetime(2026, 12, 1, 9, 5), "DATETIME_FORMAT", f"1 décembre 2026 à 9{NBSP}h{NBSP}05"),
    ],
)
def test_times_read_the_french_way(value, fmt, expected):
    with translation.override("fr"):
        assert formats.date_format(value, fmt) == expected


def test_english_keeps_its_own_time_format():
    with translation.override("en"):
        assert formats.date_format(datetime.time(9, 0), "TIME_FORMAT") == "9 a.m."


SOURCES = sorted(
    path
    for folder in ("apprentissage", "recruitment", "planning", "templates")
    for path in (ROOT / folder).rglob("*")
    if path.suffix in {".py", ".html", ".txt"}
    and "migrations" not in path.parts
    and "formats" not in path.parts
)
# A time written by hand (a format string with hours), except the value of an HTML time
# input, which must be "HH:MM".
BY_HAND = re.compile(r"H:i|%H:%M|%Hh")


def test_no_time_is_formatted_by_hand():
    wrong = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in SOURCES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if BY_HAND.search(line) and "TimeInput" not in line
    ]
    assert wrong == []
