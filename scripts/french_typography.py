#!/usr/bin/env python3
"""French typography of a gettext catalogue's translations (msgstr only), in place.

    python3 scripts/french_typography.py locale/fr/LC_MESSAGES/django.po [more.po ...]
    python3 scripts/french_typography.py --check locale/fr/LC_MESSAGES/django.po   # exit 1 if it would change
    python3 scripts/french_typography.py apprentissage recruitment planning scripts tests  # literals in .py

What it fixes, in every msgstr (and msgstr[n]) except the header:
- a normal space before « : » or « » » becomes a non-breaking space (U+00A0);
- a normal space before « ; », « ! », « ? » becomes a narrow non-breaking space (U+202F);
- « followed by a normal space: that space becomes U+00A0; « or » glued to a word gets one;
- ordinals: « 1ère », « 1ere » → « 1re », « 1ères » → « 1res », « 1er année » → « 1re année »,
  « 2ème », « 3eme »… → « 2e », « 3e ».
Given .py files (or folders of them), it makes the normal spaces around that punctuation
non-breaking in their string literals (French text written in code: demo data, messages
built by hand), so that the tests comparing pages with French translations expect what the
fixed catalogue says. Nothing else changes in code (see `fix_python`).
msgids, comments and line wrapping are left as they are (a space that ends one line of a
msgstr and the « : » that starts the next are seen together). Running it twice changes
nothing the second time. Standard library only.
"""

import io
import re
import sys
import tokenize
from pathlib import Path

NBSP = "\u00a0"
NNBSP = "\u202f"
SPACES = " \u00a0\u202f\t"

_CONTINUATION = re.compile(r'^"(.*)"\s*$')

# Changes of length, applied within one line of a msgstr (a word is never split by wrapping).
_ORDINALS = [
    (re.compile(r"\b1(?:ère|ere)s\b"), "1res"),
    (re.compile(r"\b1(?:ère|ere)\b"), "1re"),
    (re.compile(r"\b1er([ \u00a0])(année|annee)"), r"1re\1\2"),
    (re.compile(r"\b(\d+)(?:ème|eme)(s?)\b"), r"\1e\2"),
]
_GUILLEMET_OPEN = re.compile(r"«(?=[^\s\u00a0\u202f\"\\])")
_GUILLEMET_CLOSE = re.compile(r"(?<=[^\s\u00a0\u202f\"\\n])»")


def fix_piece(text: str) -> str:
    """The changes that may change the length of `text` (one quoted line of a .po file):
    ordinals, and a space added inside guillemets glued to their words."""
    for pattern, replacement in _ORDINALS:
        text = pattern.sub(replacement, text)
    text = _GUILLEMET_OPEN.sub("«" + NBSP, text)
    return _GUILLEMET_CLOSE.sub(NBSP + "»", text)


def fix_spaces(text: str) -> str:
    """Normal spaces around punctuation → non-breaking ones (same length: one character each)."""
    chars = list(text)
    for i, char in enumerate(chars):
        if char != " ":
            continue
        after = chars[i + 1] if i + 1 < len(chars) else ""
        before = chars[i - 1] if i else ""
        if after in (":", "»"):
            chars[i] = NBSP
        elif after in (";", "!", "?"):
            chars[i] = NNBSP
        elif before == "«":
            chars[i] = NBSP
    return "".join(chars)


def fix_msgstr(pieces: list[str]) -> list[str]:
    """The quoted lines of one msgstr, fixed; line boundaries kept."""
    pieces = [fix_piece(piece) for piece in pieces]
    joined = fix_spaces("".join(pieces))
    result, start = [], 0
    for piece in pieces:
        result.append(joined[start : start + len(piece)])
        start += len(piece)
    return result


_FIELD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"\s*$')


def fix_catalogue(text: str) -> str:
    """`text` (a whole .po file) with every msgstr fixed, the header's excepted."""
    out: list[str] = []
    field = None  # the keyword of the field being read
    msgid = ""  # the current entry's msgid, to tell the header (msgid "") apart
    block: list[tuple[str, str]] = []  # (prefix, content) of the msgstr being read

    def flush():
        if block:
            contents = [content for _prefix, content in block]
            if msgid:
                contents = fix_msgstr(contents)
            out.extend(f'{prefix}"{content}"' for (prefix, _c), content in zip(block, contents, strict=True))
            block.clear()

    for line in text.split("\n"):
        match = _FIELD.match(line)
        continuation = _CONTINUATION.match(line)
        if match:
            flush()
            field = match.group(1)
            if field == "msgid":
                msgid = match.group(2)
            if field.startswith("msgstr"):
                block.append((field + " ", match.group(2)))
                continue
        elif continuation and field:
            if field.startswith("msgstr"):
                block.append(("", continuation.group(1)))
                continue
            if field == "msgid":
                msgid += continuation.group(1)
        else:
            flush()
            field = None
        out.append(line)
    flush()
    return "\n".join(out)


def fix_python(text: str) -> str:
    """`text` (Python source) with the normal spaces before « : ; ! ? » » and after « « »
    made non-breaking inside its string literals only (a slice `rows[i + 1 :]` is code, not
    text). Nothing is added or removed: ordinals such as a column header "1ère année" must
    keep matching the files people send, and a regular expression or an f-string keeps its
    characters."""
    kinds = {tokenize.STRING} | ({tokenize.FSTRING_MIDDLE} if hasattr(tokenize, "FSTRING_MIDDLE") else set())
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    edits = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type in kinds:
            start = offsets[token.start[0] - 1] + token.start[1]
            end = offsets[token.end[0] - 1] + token.end[1]
            fixed = fix_spaces(text[start:end])
            if fixed != text[start:end]:
                edits.append((start, end, fixed))
    for start, end, fixed in reversed(edits):
        text = text[:start] + fixed + text[end:]
    return text


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = []
    for arg in argv:
        if arg != "--check":
            path = Path(arg)
            paths.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    if not paths:
        print(__doc__)
        return 2
    changed = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        fixed = fix_python(text) if path.suffix == ".py" else fix_catalogue(text)
        if fixed != text:
            changed.append(path)
            if not check:
                path.write_text(fixed, encoding="utf-8")
    for path in changed:
        print(f"{'would fix' if check else 'fixed'}: {path}")
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
