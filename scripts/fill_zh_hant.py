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
        if entry.msgid_plural:
            if not any(entry.msgstr_plural.values()):
                entry.msgstr_plural = {0: convert(entry.msgid_plural)}
                filled += 1
            continue
        if not entry.msgstr or "fuzzy" in entry.flags:
            entry.msgstr = convert(entry.msgid)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            filled += 1
    po.save(path)
    return filled


if __name__ == "__main__":
    print(f"zh_Hant: filled {fill(sys.argv[1])} entries by OpenCC")
