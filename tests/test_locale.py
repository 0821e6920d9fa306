"""The committed translations: every .mo is compiled from its .po as it stands now
(a fresh machine needs no gettext), and Russian and Kazakh are complete."""

import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("ru", "kk", "en")
COMPLETE_LANGUAGES = ("ru", "kk")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalog(path: Path) -> polib.POFile:
    assert path.exists(), f"{path.relative_to(LOCALE.parent)} is missing"
    return polib.pofile(str(path)) if path.suffix == ".po" else polib.mofile(str(path))


def _translations(entries) -> dict:
    """What gettext will answer: (context, msgid) → translation(s), translated entries only."""
    table = {}
    for entry in entries:
        if not entry.msgid:  # the header is compared through its Plural-Forms below
            continue
        if entry.msgid_plural:
            value = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            value = entry.msgstr
        table[(entry.msgctxt, entry.msgid)] = value
    return table


@pytest.mark.parametrize("lang", LANGUAGES)
def test_it_ships_a_mo_compiled_from_the_current_po(lang):
    folder = LOCALE / lang / "LC_MESSAGES"
    po = _catalog(folder / "django.po")
    mo = _catalog(folder / "django.mo")

    # Compare content, not mtimes: a git checkout gives files arbitrary mtimes.
    expected = _translations(po.translated_entries())
    assert _translations(mo) == expected, (
        f"locale/{lang}/LC_MESSAGES/django.mo is stale: run `make messages` and commit it"
    )
    assert mo.metadata.get("Plural-Forms") == po.metadata.get("Plural-Forms")


@pytest.mark.parametrize("lang", COMPLETE_LANGUAGES)
def test_it_has_every_message_translated(lang):
    po = _catalog(LOCALE / lang / "LC_MESSAGES" / "django.po")

    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    if untranslated or fuzzy:
        pytest.fail(
            f"locale/{lang}: {len(untranslated)} untranslated, {len(fuzzy)} fuzzy, e.g. "
            f"{(untranslated + fuzzy)[:10]}",
            pytrace=False,
        )


@pytest.mark.parametrize("lang", COMPLETE_LANGUAGES)
def test_its_translations_use_only_the_placeholders_of_their_source(lang):
    """A translation naming a placeholder its source lacks crashes the page (KeyError)."""
    po = _catalog(LOCALE / lang / "LC_MESSAGES" / "django.po")

    wrong = []
    for entry in po.translated_entries():
        source = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            used = set(PLACEHOLDER.findall(form))
            # A plural form may leave out the count ("один"), never invent a name.
            if used - source or (not entry.msgid_plural and used != source):
                wrong.append((entry.msgid, form))
    assert wrong == []
