"""The registry's name search: characters (Simplified or Traditional) anywhere in the name,
full pinyin or initials from any syllable of it, or the start of the credit code."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from gongzhi.core.textkeys import to_simplified
from gongzhi.orgs.lookups import register as register_prefix
from gongzhi.orgs.models import OrgNameKey, SocialOrg

for _model, _names in (
    (SocialOrg, ("name_simplified", "name_pinyin", "name_initials", "credit_code", "area_code")),
    (OrgNameKey, ("chars", "pinyin", "initials")),
):
    for _name in _names:
        register_prefix(_model._meta.get_field(_name))  # type: ignore[arg-type]

_LETTERS_AND_DIGITS = re.compile(r"[0-9a-z]+")


def _term(term: str) -> Q:
    """One word of the query as a condition on the organisation."""
    if _LETTERS_AND_DIGITS.fullmatch(term):
        keys = OrgNameKey.objects.filter(Q(pinyin__prefix=term) | Q(initials__prefix=term))
        return Q(pk__in=keys.values("org_id")) | Q(credit_code__prefix=term.upper())
    return Q(pk__in=OrgNameKey.objects.filter(chars__prefix=term).values("org_id"))


def search(qs: QuerySet[SocialOrg], q: str) -> QuerySet[SocialOrg]:
    """Name in Simplified or Traditional characters, full pinyin, initials, or credit code.

    Every form is a prefix of one of the name's search keys (`OrgNameKey`: the name from
    each character on, and its pinyin and initials from each syllable on), so an index
    answers any part of a name on both databases: "社会工作" or "社會工作", "shehuigongzuo" or
    "shgz" all find 衡阳市社会工作协会, though people leave out the place name that begins
    most names. Pinyin matches on syllable boundaries only ("ehui" finds nothing).

    A query of letters and digits (spaces ignored: "she hui") is pinyin, initials or the
    start of a credit code. Otherwise each space-separated word must appear in the name
    ("珠晖 书法"); a word of letters and digits among Chinese ones is read as pinyin.
    """
    typed = to_simplified((q or "").strip()).lower()
    if not typed:
        return qs
    joined = typed.replace(" ", "")
    if _LETTERS_AND_DIGITS.fullmatch(joined):
        return qs.filter(_term(joined))
    for word in typed.split():
        qs = qs.filter(_term(word))
    return qs
