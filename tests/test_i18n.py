"""French is the default language and its catalogue is complete; English is one switch away."""

import ast
import html
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from apprentissage.enums import Role

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"

# %(name)s / %(count)d style placeholders, and HTML tags such as <strong>.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|</?\w+[^>]*>")


def _entries(path: Path) -> list[dict]:
    """A .po file as a list of entries: {"flags", "msgctxt", "msgid", "msgid_plural", "msgstr": [..]}.

    Small on purpose: enough for the files makemessages writes (no obsolete `#~` entries are kept).
    """
    entries, entry, field = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if entry is not None:
                entries.append(entry)
            entry, field = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgctxt": None, "msgid": "", "msgid_plural": None, "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        else:
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
            if match:
                keyword, index, text = match.groups()
                field = ("msgstr", int(index or 0)) if keyword.startswith("msgstr") else keyword
                value = ast.literal_eval(text)
            else:  # a continuation line: "…"
                value = ast.literal_eval(line)
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] = entry["msgstr"].get(field[1], "") + value
            else:
                entry[field] = (entry[field] or "") + value
    return entries


def _label(entry: dict) -> str:
    return f"{entry['msgctxt']}|{entry['msgid']}" if entry["msgctxt"] else entry["msgid"]


def test_french_catalogue_is_complete():
    entries = _entries(CATALOGUE)
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == ""
    assert "Language: fr\n" in header["msgstr"][0]
    assert "Plural-Forms: nplurals=2; plural=(n > 1);\n" in header["msgstr"][0]
    assert "fuzzy" not in header["flags"]
    assert len(messages) > 100

    fuzzy = [_label(e) for e in messages if "fuzzy" in e["flags"]]
    untranslated = [
        _label(e)
        for e in messages
        if not e["msgstr"]
        or any(not text for text in e["msgstr"].values())
        or (e["msgid_plural"] is not None and sorted(e["msgstr"]) != [0, 1])
    ]
    assert not fuzzy and not untranslated, (
        "French catalogue incomplete (run `make messages`, translate, remove the fuzzy flags).\n"
        f"Fuzzy ({len(fuzzy)}):\n  "
        + "\n  ".join(fuzzy)
        + f"\nUntranslated ({len(untranslated)}):\n  "
        + "\n  ".join(untranslated)
    )


def test_french_translations_keep_placeholders_and_tags():
    broken = []
    for entry in _entries(CATALOGUE)[1:]:
        for index, text in entry["msgstr"].items():
            source = entry["msgid_plural"] if index and entry["msgid_plural"] else entry["msgid"]
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(source)):
                broken.append(f"{_label(entry)!r} -> {text!r}")
    assert not broken, "Placeholders or tags changed in translation:\n" + "\n".join(broken)


def test_home_is_french_by_default_and_english_after_switching(world, login):
    client = login(world["apprentice"])

    page = client.get(reverse("home")).content.decode()
    assert '<html lang="fr">' in page
    assert "Ce qui m'attend" in page
    assert "Se déconnecter" in page
    assert "What is waiting for me" not in page

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    page = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in page
    assert "What is waiting for me" in page
    assert "Sign out" in page
    assert "Ce qui m'attend" not in page


def test_invitation_form_errors_are_french(world, login):
    client = login(world["scolarite"])
    data = {
        "email": world["apprentice"].email.upper(),  # already has an account
        "first_name": "Agnès",
        "last_name": "Nouvelle",
        "role": Role.COMPANY_TUTOR.value,
        # no company: required for a company tutor
    }

    response = client.post(reverse("person_invite"), data)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["Une personne ayant cette adresse e-mail possède déjà un compte."],
        "company": ["Choisissez l'entreprise dans laquelle travaille cette personne."],
    }
    page = html.unescape(response.content.decode())
    assert "Une personne ayant cette adresse e-mail possède déjà un compte." in page
    assert "Choisissez l'entreprise dans laquelle travaille cette personne." in page
    assert "Envoyer l'invitation" in page
    assert "already has an account" not in page
