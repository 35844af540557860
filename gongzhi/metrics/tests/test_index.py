from __future__ import annotations

from typing import Any

from gongzhi.metrics import index, rules_config


def test_every_breakdown_sums_to_its_score(city: Any, city_user: Any) -> None:
    scores = index.score_orgs(city_user, 2020)
    assert scores
    for s in scores:
        for d in s.dimensions:
            assert round(sum(p.contribution or 0 for p in d.parts), 2) == d.score
        assert round(sum(d.score for d in s.dimensions), 2) == s.score
        assert 0 <= s.score <= 100


def test_indicators_without_data_show_no_data_never_zero(city: Any, city_user: Any) -> None:
    s = index.score_orgs(city_user, 2020)[0]
    parts = {p.key: p for d in s.dimensions for p in d.parts}
    for key in ("cases_handled", "cases_resolved", "purchased_outputs", "service_packages"):
        assert parts[key].no_data and parts[key].contribution is None


def test_the_weights_are_versioned_and_total_100() -> None:
    cfg = rules_config.current()
    assert cfg.version and sum(d.weight for d in cfg.dimensions) == 100
    assert [d.label for d in cfg.dimensions] == ["组织力", "参与度", "专业化水平", "贡献率"]


def test_units_are_ranked_by_their_organisations_average(city: Any, city_user: Any) -> None:
    from gongzhi.areas.models import Area
    from gongzhi.metrics.selectors import children

    scores = index.score_orgs(city_user, 2020)
    ranked = index.rank_units(scores, children(Area.objects.get(code="430400000000")))
    assert sum(u.orgs for u in ranked) == len(scores)
    assert [u.score for u in ranked] == sorted((u.score for u in ranked), reverse=True)


def test_the_org_page_shows_the_breakdown(client_of: Any, city_user: Any, city: Any) -> None:
    s = index.score_orgs(city_user, 2020)[0]
    r = client_of(city_user).get(f"/metrics/index/org/{s.org_id}/", {"year": 2020})
    assert r.status_code == 200 and "无数据" in r.content.decode()


def test_an_org_out_of_scope_has_no_index_page(client_of: Any, user_a: Any, city: Any) -> None:
    from gongzhi.orgs.models import SocialOrg

    other = SocialOrg.objects.exclude(area_code__startswith="430405").first()
    assert client_of(user_a).get(f"/metrics/index/org/{other.pk}/").status_code == 404


def test_indicators_the_apps_record_have_data(city: Any, city_user: Any) -> None:
    scores = index.score_orgs(city_user, 2020)
    parts = [{p.key: p for d in s.dimensions for p in d.parts} for s in scores]
    for key in (
        "party_org_present",
        "org_life_compliance",
        "four_builds",
        "activities",
        "evaluation_grade",
    ):
        assert all(not p[key].no_data for p in parts), key
    # the covered organisations score the Party indicator, the others do not
    assert sum(p["party_org_present"].raw for p in parts) == 11


def test_providers_read_only_the_rows_of_the_organisations_in_scope_however_many(
    city: Any, user_a: Any
) -> None:
    # Past 500 organisations the providers used to drop their filter and read the whole
    # city's rows; a district with more than that must still read only its own.
    import datetime as dt

    from gongzhi.areas.models import Area
    from gongzhi.orgs.models import AnnualReport, SocialOrg
    from gongzhi.orgs.models.organisations import fill_derived
    from gongzhi.volunteers.models import HoursEntry

    district = Area.objects.get(code="430405000000")
    community = Area.objects.filter(code__startswith="430405", kind="community").first()
    orgs = [
        fill_derived(
            SocialOrg(
                name=f"批量测试组织{n}",
                kind="social_group",
                registration_level="county",
                authority=district,
                area=community,
                registered_on=dt.date(2019, 1, 1),
            )
        )
        for n in range(510)
    ]
    SocialOrg.objects.bulk_create(orgs)
    scoped = index.orgs_active_on(user_a, dt.date(2020, 12, 31))
    of_a = index.Orgs(list(scoped.values_list("id", flat=True)), scoped)
    assert len(of_a.ids) > 500
    assert AnnualReport.objects.exclude(org__area_code__startswith="430405").exists()
    for model, field in ((AnnualReport, "org_id"), (HoursEntry, "owner_org_id")):
        read = set(model.objects.filter(index._of(field, of_a)).values_list(field, flat=True))
        assert read and read <= set(of_a.ids), model


def test_a_district_scores_its_organisations_as_the_city_does(
    city: Any, city_user: Any, user_a: Any
) -> None:
    city_scores = {s.org_id: s for s in index.score_orgs(city_user, 2020)}
    mine = index.score_orgs(user_a, 2020)
    assert mine and len(mine) < len(city_scores)
    for s in mine:
        assert s.area_code.startswith("430405")
        assert index.stored_parts(s) == index.stored_parts(city_scores[s.org_id])
