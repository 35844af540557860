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


def test_a_long_list_of_organisations_scores_as_a_short_one_does(
    city: Any, city_user: Any, user_a: Any, monkeypatch: Any
) -> None:
    # Past IN_LIST_MAX the providers read every organisation's rows and pick theirs: the
    # scores (city and a district in its scope) must be those of the IN-list reading.
    def table(user: Any) -> list[tuple[int, float, list[Any]]]:
        return [
            (s.org_id, s.score, [p.raw for d in s.dimensions for p in d.parts])
            for s in index.score_orgs(user, 2020)
        ]

    monkeypatch.setattr(index, "IN_LIST_MAX", 10**9)
    short = {u.pk: table(u) for u in (city_user, user_a)}
    monkeypatch.setattr(index, "IN_LIST_MAX", 0)
    assert {u.pk: table(u) for u in (city_user, user_a)} == short
    assert short[user_a.pk] and len(short[user_a.pk]) < len(short[city_user.pk])
