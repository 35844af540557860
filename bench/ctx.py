"""What a scenario step sees inside its child process: sizes, paths, and measuring helpers."""

from __future__ import annotations

import itertools
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.measure import latency_summary, timed_calls

# A latency round stops after this long once it has 20 samples (bench.measure.timed_calls).
ROUND_BUDGET_S = 60.0

CITY_CODE = "430400000000"  # 衡阳市
BENCH_USER = "bench_city"


@dataclass
class Ctx:
    scale: float = 1.0
    requests: int = 200  # latency samples per scenario (the 200 requests)
    warmup: int = 10
    load_total: int = 20000  # load generator: at most this many requests ...
    load_seconds: float = 15.0  # ... and at most this long
    concurrency: int = 16
    workdir: str = "/tmp"
    database_url: str = ""
    floor_database_url: str = ""
    seed: int = 2020
    quick: bool = False  # the smoke test: one round, tiny samples
    # Whether a scenario after the current one reads the loaded city (the city's floor may
    # empty it otherwise: cityfloor.release).
    city_read_later: bool = True

    # --- plumbing -----------------------------------------------------------------------
    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)))

    @classmethod
    def load(cls, path: Path) -> Ctx:
        return cls(**json.loads(path.read_text()))

    @property
    def work(self) -> Path:
        return Path(self.workdir)

    def server_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["DATABASE_URL"] = self.database_url
        env["GONGZHI_BENCH_WORKDIR"] = self.workdir
        env.pop("DJANGO_SETTINGS_MODULE", None)
        return env

    def hook_args(self, count: int | None = None) -> dict[str, Any]:
        """What an app's hook is called with: how many items, and the run's scale and seed
        (so a hook can make a representative amount of data when no city was loaded)."""
        return {
            "count": self.requests if count is None else count,
            "scale": self.scale,
            "seed": self.seed,
        }

    def rows(self, full: int, minimum: int = 10) -> int:
        """A full-scale row count at this run's scale."""
        return max(minimum, round(full * self.scale))

    # --- the acting user ----------------------------------------------------------------
    def city_user(self) -> Any:
        """A city-level administrator (sees the whole city, as the dashboards' main user)."""
        from gongzhi.accounts.models import User
        from gongzhi.accounts.roles import Role
        from gongzhi.accounts.services import membership_add, user_create
        from gongzhi.areas.models import Area

        user = User.objects.filter(username=BENCH_USER).first()
        if user is None:
            user = user_create(
                actor="bench",
                username=BENCH_USER,
                password=None,
                display_name="基准测试（市级）",
                synthetic=True,
                check_password=False,
            )
            membership_add(
                actor="bench",
                user=user,
                role=Role.CITY_ADMIN,
                area=Area.objects.get(code=CITY_CODE),
            )
        return user

    def client(self) -> Any:
        """A Django test client logged in as the city user, as a browser after login is."""
        from django.test import Client

        client = Client()
        client.force_login(self.city_user())
        session = client.session
        session["gz_login_at"] = session["gz_seen_at"] = time.time()
        session.save()
        return client

    # --- measuring ----------------------------------------------------------------------
    def cycle(self, items: list[Any], n: int | None = None) -> list[Any]:
        if not items:
            raise ValueError("nothing to measure: the scenario's hook returned no items")
        return list(itertools.islice(itertools.cycle(items), n or self.requests))

    def get_latency(self, paths: list[str], *, expect: int = 200) -> dict[str, Any]:
        """GET each path through the test client (full middleware and view); p50/p95/p99."""
        client = self.client()

        def get(path: str) -> None:
            response = client.get(path)
            if response.status_code != expect:
                raise RuntimeError(f"GET {path} answered {response.status_code}, not {expect}")
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)

        out = latency_summary(
            timed_calls(get, self.cycle(paths), warmup=self.warmup, budget_s=ROUND_BUDGET_S)
        )
        out["paths"] = len(set(paths))
        return out

    def sql_latency(self, statements: list[tuple[str, list[Any]]]) -> dict[str, Any]:
        """Execute each hand-written statement and fetch all rows; p50/p95/p99."""
        from django.db import connection

        def run(stmt: tuple[str, list[Any]]) -> None:
            with connection.cursor() as cur:
                cur.execute(stmt[0], stmt[1])
                cur.fetchall()

        return latency_summary(
            timed_calls(run, self.cycle(statements), warmup=self.warmup, budget_s=ROUND_BUDGET_S)
        )


def stopwatch() -> Any:
    """`with stopwatch() as t: ...; t.seconds`."""

    class _Watch:
        seconds = 0.0

        def __enter__(self) -> _Watch:
            self._start = time.perf_counter()
            return self

        def __exit__(self, *exc: Any) -> None:
            self.seconds = time.perf_counter() - self._start

    return _Watch()
