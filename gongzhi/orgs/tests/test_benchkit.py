"""The registry's benchmark hooks (bench/README.md § Contracts) produce data and paths that work."""

from __future__ import annotations

import pytest

from gongzhi.core import registry
from gongzhi.core.imports import run_import
from gongzhi.orgs import benchkit
from gongzhi.orgs.models import AnnualReport, OrgKind, SocialOrg

pytestmark = pytest.mark.django_db


def test_it_tops_the_registry_up_to_the_target_and_no_further():
    assert benchkit.ensure_orgs(120) == 120
    assert benchkit.ensure_orgs(120) == 0
    assert SocialOrg.objects.count() == 120
    kinds = set(SocialOrg.objects.values_list("kind", flat=True))
    assert {OrgKind.COMMUNITY, OrgKind.SERVICE_ORG, OrgKind.SOCIAL_GROUP} <= kinds
    assert AnnualReport.objects.exists()
    # Every generated organisation obeys the registry's own rules (codes, domicile in authority).
    for org in SocialOrg.objects.select_related("authority", "area"):
        assert org.area_code.startswith(org.authority.prefix)
        assert org.name_pinyin and org.name_initials
        assert (org.credit_code is None) == (org.kind == OrgKind.COMMUNITY)


def test_every_search_path_answers_and_searches_find_rows(city_user, client_of):
    paths = benchkit.registry_search_paths(count=120, scale=0.03)
    assert SocialOrg.objects.count() == round(3023 * 0.03)
    c = client_of(city_user)
    searched = 0
    for path in paths:
        response = c.get(path)
        assert response.status_code == 200, path
        if "q=" in path and path.startswith("/api/"):
            searched += 1
            assert response.json()["count"] >= 1, path
    assert searched and any("?q=" in p for p in paths if p.startswith("/orgs/"))


def test_every_generated_import_row_is_accepted_and_a_repeat_changes_nothing():
    benchkit.ensure_orgs(30)
    importer = registry.importer("orgs")
    rows = list(benchkit.org_import_rows(count=40))
    raw = _xlsx([c.header for c in importer.columns], rows)
    result = run_import(importer(), name="orgs.xlsx", raw=raw, actor="bench")
    assert result.summary() == "rows=40 inserted=40 updated=0 unchanged=0 rejected=0"
    again = run_import(importer(), name="orgs.xlsx", raw=raw, actor="bench")
    assert again.summary() == "rows=40 inserted=0 updated=0 unchanged=40 rejected=0"


def _xlsx(header: list[str], rows: list[list]) -> bytes:
    import io

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("orgs")
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
