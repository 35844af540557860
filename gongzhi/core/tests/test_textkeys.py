"""Search keys: the cached pinyin gives exactly what pypinyin itself gives."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import lazy_pinyin

from gongzhi.core.textkeys import pinyin_keys, to_simplified

# Surnames and given-name characters, polyphones (长 重 朝 乐 行 单 曾), characters that
# make dictionary phrases together (长江 重庆 朝阳 银行 中国人), Traditional forms, and
# characters without pinyin (latin, digits, punctuation).
POOL = "王李张刘陈黄曾单朴伟芳秀英华建国长江重庆乐行朝阳银中国人民大学長張國a1 ·-"


def _reference(text: str) -> tuple[str, str]:
    syllables = [s for s in lazy_pinyin(to_simplified(text), errors="ignore") if s.strip()]
    full = re.sub(r"[^a-z0-9]", "", "".join(syllables).lower())
    initials = re.sub(r"[^a-z0-9]", "", "".join(s[0] for s in syllables if s).lower())
    return full, initials


@settings(max_examples=400)
@given(st.text(alphabet=POOL, max_size=8))
def test_pinyin_keys_are_pypinyin_s_own_reading_of_the_whole_text(text):
    assert pinyin_keys(text) == _reference(text)


def test_a_phrase_inside_a_name_is_read_as_the_phrase():
    assert pinyin_keys("朱重庆") == ("zhuchongqing", "zcq")
    assert pinyin_keys("張長江") == ("zhangchangjiang", "zcj")


def test_cached_syllables_agree_with_pypinyin_on_repeated_and_mixed_names():
    from pypinyin import lazy_pinyin

    from gongzhi.core.textkeys import lazy_syllables

    def each(chars):
        return list(chars)

    names = [
        "衡阳市会计协会",
        "衡阳市银行业协会",
        "行走者户外运动俱乐部",
        "3D打印协会（衡阳）",
        "开会·会计",
    ]
    # Twice over: the second pass is answered from the per-word cache and must not differ.
    for name in names + names:
        assert lazy_syllables(name, each) == lazy_pinyin(name, errors=each)
