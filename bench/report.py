"""The one table `make bench` prints (and the figures' wording in var/bench.json)."""

from __future__ import annotations

import unicodedata
from typing import Any

COLUMNS = ("scenario", "figure", "peak RSS", "floor", "ratio", "target", "result")


def status_of(checks: list[dict[str, Any]]) -> str:
    if not checks:
        return "reported"
    if any(c["ok"] is False for c in checks):
        return "miss"
    if any(c["ok"] is None for c in checks):
        return "incomplete"  # a target's figure is missing (e.g. no floor to take a ratio of)
    return "pass"


def figure_text(fig: dict[str, Any] | None) -> str:
    if not fig:
        return "—"
    if "req_per_s" in fig:
        p99 = fig.get("p99_ms")
        return f"{fig['req_per_s']:,.0f} req/s, p99 {p99:.1f} ms, {int(fig.get('errors', 0))} err"
    if "p50_ms" in fig:
        return f"p50 {fig['p50_ms']:.2f} / p95 {fig['p95_ms']:.2f} / p99 {fig['p99_ms']:.2f} ms"
    if "seconds" in fig:
        text = f"{fig['seconds']:.2f} s"
        if fig.get("rows"):
            text += f" ({fig['rows']:,} rows"
            if fig.get("rows_per_s"):
                text += f", {fig['rows_per_s']:,.0f}/s"
            text += ")"
        return text
    return "—"


def result_text(row: dict[str, Any]) -> str:
    status = row["status"]
    if status == "skipped":
        return "skipped (not built)"
    return status


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def table_rows(report: dict[str, Any]) -> list[list[str]]:
    out = []
    for r in report["scenarios"]:
        rss = r.get("peak_rss_mb")
        floor = r.get("floor")
        ratio = r.get("ratio")
        out.append(
            [
                r["name"],
                figure_text(r.get("figure")) if r["status"] not in ("skipped", "error") else "—",
                f"{rss:,.0f} MB" if isinstance(rss, (int, float)) else "—",
                figure_text(floor) if floor else ("—" if "floor_reason" not in r else "n/a"),
                f"{ratio:.2f}" if isinstance(ratio, (int, float)) else "—",
                r.get("target", "—"),
                result_text(r),
            ]
        )
    return out


def format_table(report: dict[str, Any]) -> str:
    rows = [list(COLUMNS), *table_rows(report)]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = []
    meta = report["meta"]
    lines.append(
        f"gongzhi bench · {meta['database']} · scale {meta['scale']:g} · {meta['cpus']} CPUs · "
        f"{meta['started']} · {meta['commit']}"
    )
    for i, row in enumerate(rows):
        lines.append("  ".join(_pad(cell, widths[j]) for j, cell in enumerate(row)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
