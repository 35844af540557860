"""Spreadsheet imports of the Party app (registered with core.registry on import)."""

from gongzhi.party.importers.members import PartyMemberImporter
from gongzhi.party.importers.organisations import PartyOrgImporter

__all__ = ["PartyMemberImporter", "PartyOrgImporter"]
