from __future__ import annotations

import datetime as dt
import subprocess
import sys
from typing import Any

import pytest

from gongzhi.metrics import selectors
from gongzhi.metrics.tests.conftest import AS_OF

URL = "/api/v1/metrics/overview"


@pytest.fixture
def two_districts(db: Any, street_areas: Any) -> dict[str, Any]:
    from gongzhi.metrics import summaries
    from gongzhi.orgs.models import SocialOrg

    for key, n in (("a", 3), ("b", 5)):
        area = street_areas[key]
        for i in range(n):
            SocialOrg(
                name=f"组织{key}{i}",
                kind="social_group",
                registration_level="county",
                authority=area,
                area=area,
                registered_on=dt.date(2019, 1, 1 + i),
            ).save()
    summaries.refresh(["social_orgs"])
    return street_areas


def test_overview_serves_the_six_keys_for_a_date(client_of: Any, city_user: Any, city: Any) -> None:
    body = client_of(city_user).get(URL, {"as_of": "2020-12-31"}).json()
    for key in (
        "social_orgs",
        "employees",
        "volunteers",
        "orgs_with_party_org",
        "party_orgs",
        "party_members",
    ):
        assert key in body or key not in selectors.F.HEADLINE
    assert body["social_orgs"] == 30 and body["as_of"] == "2020-12-31"


def test_a_district_sees_its_district_only(
    client_of: Any, user_a: Any, user_b: Any, two_districts: Any
) -> None:
    a = client_of(user_a).get(URL, {"as_of": "2020-12-31"}).json()
    b = client_of(user_b).get(URL, {"as_of": "2020-12-31"}).json()
    assert (a["social_orgs"], b["social_orgs"]) == (3, 5)


def test_a_unit_outside_the_scope_is_not_found(
    client_of: Any, user_a: Any, two_districts: Any
) -> None:
    r = client_of(user_a).get(URL, {"as_of": "2020-12-31", "unit": "430406000000"})
    assert r.status_code == 404
    r = client_of(user_a).get(URL, {"as_of": "2020-12-31", "unit": two_districts["street_a"].code})
    assert r.status_code == 200 and r.json()["social_orgs"] == 3


def test_as_of_counts_only_what_was_registered_by_the_date(
    client_of: Any, city_user: Any, two_districts: Any
) -> None:
    c = client_of(city_user)
    assert c.get(URL, {"as_of": "2018-12-31"}).json()["social_orgs"] == 0
    assert c.get(URL, {"as_of": "2019-01-03"}).json()["social_orgs"] == 6
    assert c.get(URL, {"as_of": "2019-01-05"}).json()["social_orgs"] == 8


def test_it_rejects_a_bad_date_naming_the_field(client_of: Any, city_user: Any) -> None:
    r = client_of(city_user).get(URL, {"as_of": "2020-13-45"})
    assert r.status_code == 422
    assert any("as_of" in e["field"] for e in r.json()["errors"])


def test_it_requires_a_login(client: Any) -> None:
    assert client.get(URL, {"as_of": "2020-12-31"}).status_code == 401


def test_units_lists_the_children_in_scope(client_of: Any, user_a: Any, two_districts: Any) -> None:
    rows = client_of(user_a).get("/api/v1/metrics/units", {"as_of": "2020-12-31"}).json()
    assert [r["code"] for r in rows] == [two_districts["street_a"].code]
    assert rows[0]["figures"]["social_orgs"] == 3


def test_an_org_scoped_user_is_counted_from_the_base_tables(
    make_user: Any, client_of: Any, two_districts: Any
) -> None:
    from gongzhi.orgs.models import SocialOrg

    org = SocialOrg.objects.filter(area_code__startswith="430406").first()
    admin = make_user("org_admin", area=None, org=org)
    body = client_of(admin).get(URL, {"as_of": "2020-12-31"}).json()
    assert body["social_orgs"] == 1


@pytest.mark.django_db(transaction=True)
def test_the_figures_command_prints_the_figures(tmp_path: Any) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "gongzhi.cli",
            "figures",
            "--as-of",
            "2020-12-31",
            "--unit",
            "999999999999",
        ],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
    )
    assert out.returncode != 0


def _env(tmp_path: Any) -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/cli.sqlite3"
    subprocess.run([sys.executable, "-m", "gongzhi.cli", "migrate", "--quiet"], env=env, check=True)
    return env


def test_the_figures_function_acts_for_the_whole_platform(city: Any, capsys: Any) -> None:
    import argparse

    from gongzhi.metrics.cli import figures

    assert figures(argparse.Namespace(as_of=AS_OF.isoformat(), unit=None)) == 0
    out = capsys.readouterr().out
    assert "social_orgs" in out and "1,104" not in out and "11,045" in out and "624" in out
    assert figures(argparse.Namespace(as_of="yesterday", unit=None)) == 2
    assert figures(argparse.Namespace(as_of=AS_OF.isoformat(), unit="430499000000")) == 1
