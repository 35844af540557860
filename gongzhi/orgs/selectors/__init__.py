"""Every read of the registry, through the scope rule (DESIGN.md § The scope rule).

Pages, the API, exports and the metrics app call these plain functions. Each takes the
acting `user` (keyword-only) and returns only what that user may see.

Registry list and records
    org_list(*, user, q="", district="", kind="", status="", grade="", listing="",
             has_party_org=None, build="", sort="name", today=None, annotate=True)
             -> QuerySet[SocialOrg]
        annotated with `current_grade` (int|None), `on_serious` / `on_anomaly` (a listing in
        force), `has_party_org` (bool|None, latest annual report) and the builds flags
        (`has_union`, `has_youth_league`, `has_women_federation`).
        `q` matches any part of the name in Simplified or Traditional characters, its full
        pinyin or initials from any syllable on, or the start of the credit code (search.py).
        `annotate=False` filters on the derived columns without selecting them;
        `annotate_rows(page_rows)` then adds them.
    org_get(*, user, pk=None, credit_code=None) -> SocialOrg          (404 out of scope)
    report_list(*, user, org=None, year=None) -> QuerySet[AnnualReport]
    evaluation_list(*, user, org=None) -> QuerySet[Evaluation]
    penalty_list(*, user, org=None) -> QuerySet[Penalty]
    listing_list(*, user, org=None, list_kind="", state="", in_force=None) -> QuerySet
    change_list(*, user, org=None) -> QuerySet[OrgChange]

Figures as of a date (the dashboards; `within` is an area-code prefix such as "430405",
matched against the domicile *as it was on that date*; scope is the user's current scope)
    orgs_registered_as_of(*, user, as_of, within=None, fields=AT_FIELDS) -> QuerySet[SocialOrg]
        registered/filed on or before `as_of` and not deregistered by then, annotated with
        `name_at`, `kind_at`, `area_code_at`, `industry_at` (the registry's values that day;
        `fields` picks which, all by default).
    org_count_as_of(*, user, as_of, within=None) -> int
    counts_by_kind(*, user, as_of, within=None) -> dict[kind, int]
    counts_by_district(*, user, as_of, within=None) -> dict[12-digit county code, int]
    counts_by_industry(*, user, as_of, within=None) -> dict[industry, int]   ("" = not given)
    report_totals_as_of(*, user, as_of, within=None) -> dict with employees, social_workers,
        other_professionals, volunteers — summed over those organisations from each one's
        latest annual report speaking for a date on or before `as_of` (a report on year Y
        speaks for 31 December of Y; unsubmitted reports do not count)
    employees_as_of(*, user, as_of, within=None) -> int
    four_builds_as_of(*, user, as_of, within=None) -> dict with "party", "union",
        "youth_league", "women_federation" and "all_four": organisations whose latest such
        report shows that organisation built (with its build date on or before `as_of`)
    four_builds_by_district(*, user, as_of, within=None) -> dict[12-digit county code, that dict]
"""

from gongzhi.orgs.selectors.as_of import (
    REPORT_TOTALS,
    counts_by_district,
    counts_by_industry,
    counts_by_kind,
    employees_as_of,
    four_builds_as_of,
    four_builds_by_district,
    org_count_as_of,
    orgs_registered_as_of,
    report_totals_as_of,
)
from gongzhi.orgs.selectors.records import (
    BUILD_FLAGS,
    FIGURES,
    LIST_COLUMNS,
    SORTS,
    annotate_rows,
    change_list,
    evaluation_list,
    latest_report,
    listing_list,
    org_get,
    org_list,
    penalty_list,
    report_list,
    status_figures,
    with_status_figures,
)
from gongzhi.orgs.selectors.search import search

__all__ = [
    "BUILD_FLAGS",
    "FIGURES",
    "LIST_COLUMNS",
    "REPORT_TOTALS",
    "SORTS",
    "annotate_rows",
    "change_list",
    "counts_by_district",
    "counts_by_industry",
    "counts_by_kind",
    "employees_as_of",
    "evaluation_list",
    "four_builds_as_of",
    "four_builds_by_district",
    "latest_report",
    "listing_list",
    "org_count_as_of",
    "org_get",
    "org_list",
    "orgs_registered_as_of",
    "penalty_list",
    "report_list",
    "report_totals_as_of",
    "search",
    "status_figures",
    "with_status_figures",
]
