"""`gongzhi serve` starts gunicorn with threads fitted to the database (cli._default_threads)."""

from __future__ import annotations

import pytest

from gongzhi import cli


def _threads(monkeypatch: pytest.MonkeyPatch, url: str | None, threads: str | None) -> int:
    for name, value in (("DATABASE_URL", url), ("GONGZHI_THREADS", threads)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    return int(cli.build_parser().parse_args(["serve"]).threads)


def test_postgresql_serves_with_more_threads_than_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _threads(monkeypatch, "postgres://postgres@127.0.0.1:5432/x", None) == 8
    assert _threads(monkeypatch, "sqlite:////tmp/x.sqlite3", None) == 1
    assert _threads(monkeypatch, None, None) == 1  # the embedded default is SQLite


def test_gongzhi_threads_overrides_and_a_bad_value_stops_start_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _threads(monkeypatch, "postgres://postgres@127.0.0.1:5432/x", "3") == 3
    with pytest.raises(SystemExit, match="GONGZHI_THREADS"):
        _threads(monkeypatch, None, "many")
