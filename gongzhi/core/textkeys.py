"""Search keys for Chinese text: Simplified form, full pinyin and initials (DESIGN.md § Stack)."""

from __future__ import annotations

import re
from functools import lru_cache

import opencc
from pypinyin import lazy_pinyin

_t2s = opencc.OpenCC("t2s")
_s2t = opencc.OpenCC("s2t")


@lru_cache(maxsize=4096)
def to_simplified(text: str) -> str:
    return _t2s.convert(text or "")


def to_traditional(text: str) -> str:
    return _s2t.convert(text or "")


def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin without spaces, initials), lower case, for prefix/contains search."""
    simple = to_simplified(text)
    syllables = [s for s in lazy_pinyin(simple, errors="ignore") if s.strip()]
    full = re.sub(r"[^a-z0-9]", "", "".join(syllables).lower())
    initials = re.sub(r"[^a-z0-9]", "", "".join(s[0] for s in syllables if s).lower())
    return full, initials


def search_variants(query: str) -> tuple[str, str]:
    """What a typed query should be compared with: its Simplified form and a lower-case ascii form."""
    q = (query or "").strip()
    return to_simplified(q), re.sub(r"[^a-z0-9]", "", q.lower())
