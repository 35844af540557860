"""Fill empty msgstr entries of the Traditional Chinese catalogue by OpenCC (s2t) conversion."""

from __future__ import annotations

import sys

import opencc
import polib

convert = opencc.OpenCC("s2t").convert


def fill(path: str) -> int:
    po = polib.pofile(path)
    filled = 0
    for entry in po:
        # A fuzzy entry is msgmerge's guess from a similar msgid: gettext never shows it, so it
        # is converted afresh like an empty one.
        fuzzy = "fuzzy" in entry.flags
        if fuzzy:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        if entry.msgid_plural:
            if fuzzy or not any(entry.msgstr_plural.values()):
                entry.msgstr_plural = {0: convert(entry.msgid_plural)}
                filled += 1
            continue
        if fuzzy or not entry.msgstr:
            entry.msgstr = convert(entry.msgid)
            filled += 1
    po.save(path)
    return filled


if __name__ == "__main__":
    print(f"zh_Hant: filled {fill(sys.argv[1])} entries by OpenCC")
