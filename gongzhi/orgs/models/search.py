"""Search keys of organisation names, so any part of a name is found through an index."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.orgs.models.organisations import SocialOrg


class OrgNameKey(models.Model):
    """The name of `org` read from one of its characters on, three ways.

    People type any part of a name — most names begin with a place (衡阳市…, 珠晖区…) that
    they leave out — in characters, full pinyin or initials. A query is a prefix of one of
    these suffixes, so a B-tree index answers it on SQLite and PostgreSQL alike (`__prefix`,
    lookups.py), where a match "anywhere in the name" would scan every row.

    `chars` is the Simplified name from this character on (lower case); `pinyin` and
    `initials` are filled only where a syllable (or a run of Latin letters and digits)
    begins, so pinyin matches on syllable boundaries, never from the middle of one ("ehui"
    finds nothing in shehui). Derived data: written by `gongzhi.orgs.search_keys`, which
    `SocialOrg.save()`, the importer and the bulk generators call. Never read on its own,
    only inside a scoped selector's filter, so it carries no scope of its own.
    """

    org = models.ForeignKey(
        SocialOrg, verbose_name=_("社会组织"), on_delete=models.CASCADE, related_name="name_keys"
    )
    chars = models.CharField(_("名称（自此字起）"), max_length=200, db_index=True)
    pinyin = models.CharField(_("拼音（自此音节起）"), max_length=600, db_index=True, blank=True)
    initials = models.CharField(
        _("首字母（自此音节起）"), max_length=200, db_index=True, blank=True
    )

    class Meta:
        verbose_name = _("名称检索键")
        verbose_name_plural = _("名称检索键")

    def __str__(self) -> str:
        return f"{self.org_id} · {self.chars}"
