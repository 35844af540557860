"""Every interface string is translated into Traditional Chinese and English, and compiled.

Chinese first, with Traditional Chinese and English (the standards): a msgid left empty or
fuzzy in a catalogue is shown in Simplified Chinese to an English user, because gettext never
uses fuzzy entries. `bash scripts/messages.sh` fills zh_Hant by OpenCC and English from
`gongzhi/locale/en.json`; these tests catch a string added without its English.
"""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def _key(entry: polib.POEntry | polib.MOEntry) -> tuple[str | None, str]:
    return (entry.msgctxt or None, entry.msgid)


@pytest.mark.parametrize("language", ["en", "zh_Hant"])
def test_every_catalogue_entry_is_translated_and_not_fuzzy(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags and not e.obsolete]
    empty = [
        e.msgid
        for e in po
        if not e.obsolete
        and (not any(e.msgstr_plural.values()) if e.msgid_plural else not e.msgstr)
    ]
    assert fuzzy == [], f"{language}: fuzzy entries are never shown: {fuzzy[:10]}"
    assert empty == [], f"{language}: untranslated: {empty[:10]}"


@pytest.mark.parametrize("language", ["en", "zh_Hant"])
def test_the_compiled_catalogue_matches_its_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    mo = polib.mofile(str(folder / "django.mo"))
    in_po = {_key(e): e.msgstr for e in po if e.msgid and not e.obsolete and not e.msgid_plural}
    in_mo = {_key(e): e.msgstr for e in mo if e.msgid and not e.msgid_plural}
    assert in_mo == in_po, "run `bash scripts/messages.sh` to recompile the catalogue"
