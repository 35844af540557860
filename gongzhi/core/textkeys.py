"""Search keys for Chinese text: Simplified form, full pinyin and initials (DESIGN.md § Stack)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import opencc
from pypinyin import Style
from pypinyin.constants import PHRASES_DICT, RE_HANS
from pypinyin.converter import DefaultConverter
from pypinyin.core import Pinyin

_t2s = opencc.OpenCC("t2s")
_s2t = opencc.OpenCC("s2t")


@lru_cache(maxsize=4096)
def to_simplified(text: str) -> str:
    return _t2s.convert(text or "")


def to_traditional(text: str) -> str:
    return _s2t.convert(text or "")


class _WordCache(DefaultConverter):
    """pypinyin's own conversion, remembered per segmented word.

    pypinyin segments a text into words (its phrase dictionary) and converts each word
    alone, so caching per word gives exactly its answer. Names are mostly one-character
    words: at the 100,000-row volunteer imports of issue 5 this makes pinyin ~4x cheaper.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._seen: dict[tuple[Any, ...], list[list[str]]] = {}

    def convert(
        self,
        words: str,
        style: Style,
        heteronym: bool,
        errors: Callable[[str], str] | str,
        strict: bool = True,
        **kwargs: Any,
    ) -> list[list[str]]:
        key = (words, style, heteronym, errors, strict)
        found = self._seen.get(key)
        if found is None:
            found = super().convert(words, style, heteronym, errors, strict, **kwargs)
            if len(self._seen) >= 200_000:  # words are few; odd text (digits, latin) is not
                self._seen.clear()
            self._seen[key] = found
        return list(found)


_pinyin = Pinyin(_WordCache())
_chars: dict[str, list[str]] = {}


def _syllables(text: str) -> list[str]:
    """`lazy_pinyin(text, errors="ignore")`, with a shortcut for short all-Han text.

    pypinyin's segmenter (mmseg, strict mode) only makes a multi-character word of a
    phrase in PHRASES_DICT; when no substring of a short all-Han text is one, the text is
    converted character by character, so each character's reading is looked up once.
    Most personal names are such (the tests compare with pypinyin itself).
    """
    n = len(text)
    if n > 6 or not RE_HANS.match(text):
        return _pinyin.lazy_pinyin(text, errors="ignore")
    for i in range(n - 1):
        for j in range(i + 2, n + 1):
            if text[i:j] in PHRASES_DICT:
                return _pinyin.lazy_pinyin(text, errors="ignore")
    out: list[str] = []
    for ch in text:
        found = _chars.get(ch)
        if found is None:
            found = _chars[ch] = _pinyin.lazy_pinyin(ch, errors="ignore")
        out.extend(found)
    return out


def lazy_syllables(text: str, errors: Callable[[str], Any]) -> list[str]:
    """pypinyin's `lazy_pinyin(text, errors=errors)` through the per-word cache above.

    For callers that need their own `errors` (the organisations' name keys keep one item per
    character): organisation names share their words (衡阳市, 协会, 服务中心), so at an import
    of a city's 3,000 names most words are converted once (issue 3: import in <= 5 s).
    """
    return _pinyin.lazy_pinyin(text, errors=errors)


def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin without spaces, initials), lower case, for prefix/contains search."""
    simple = to_simplified(text)
    syllables = [s for s in _syllables(simple) if s.strip()]
    full = re.sub(r"[^a-z0-9]", "", "".join(syllables).lower())
    initials = re.sub(r"[^a-z0-9]", "", "".join(s[0] for s in syllables if s).lower())
    return full, initials


def search_variants(query: str) -> tuple[str, str]:
    """What a typed query should be compared with: its Simplified form and a lower-case ascii form."""
    q = (query or "").strip()
    return to_simplified(q), re.sub(r"[^a-z0-9]", "", q.lower())
