"""Backup and restore round-trip on the database the suite runs on (SQLite or PostgreSQL)."""

from __future__ import annotations

import pytest

from gongzhi.areas.models import Area, Kind
from gongzhi.cli import main as cli

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_restore_brings_back_exactly_what_the_backup_held(tmp_path):
    county = Area.objects.get(code="430405000000")
    Area.objects.create(code="430405201000", name="备份前", kind=Kind.TOWNSHIP, parent=county)
    path = tmp_path / "gongzhi.backup"
    assert cli(["backup", str(path)]) == 0
    Area.objects.filter(code="430405201000").delete()
    Area.objects.create(code="430405202000", name="备份后", kind=Kind.TOWNSHIP, parent=county)
    assert cli(["restore", str(path)]) == 2  # refuses without --yes
    assert cli(["restore", str(path), "--yes"]) == 0
    assert Area.objects.filter(code="430405201000").exists()
    assert not Area.objects.filter(code="430405202000").exists()
