"""Fill empty msgstr entries of a catalogue from a glossary (JSON: source -> translation).

Used for English: translations are kept in `gongzhi/locale/en.json` (reviewable, merge-friendly)
and written into the catalogue by `scripts/messages.sh`.
"""

from __future__ import annotations

import json
import sys

import polib


def fill(po_path: str, glossary_path: str) -> tuple[int, int]:
    glossary = json.load(open(glossary_path, encoding="utf-8"))
    po = polib.pofile(po_path)
    filled = missing = 0
    untranslated: list[str] = []
    for entry in po:
        if "fuzzy" in entry.flags:
            # msgmerge's guess from a similar msgid (often wrong, and never shown by gettext):
            # only the glossary translates.
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
            entry.msgstr = ""
            entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
        if entry.msgid_plural:
            # Plural entries are kept in the glossary as [singular, plural].
            forms = glossary.get(entry.msgid)
            if isinstance(forms, list) and len(forms) == 2:
                entry.msgstr_plural = {0: forms[0], 1: forms[1]}
                filled += 1
            elif not any(entry.msgstr_plural.values()):
                missing += 1
                untranslated.append(entry.msgid)
            continue
        # A msgid with two meanings carries a context (pgettext); its glossary key is
        # "context::msgid", so each meaning gets its own translation.
        key = f"{entry.msgctxt}::{entry.msgid}" if entry.msgctxt else entry.msgid
        target = glossary.get(key)
        if target:
            entry.msgstr = target
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            filled += 1
        elif not entry.msgstr:
            missing += 1
            untranslated.append(key)
    po.save(po_path)
    for msgid in untranslated:
        print(f"  untranslated: {msgid}", file=sys.stderr)
    return filled, missing


if __name__ == "__main__":
    done, left = fill(sys.argv[1], sys.argv[2])
    print(f"{sys.argv[1]}: {done} from glossary, {left} still untranslated")
