"""Fresh databases for a run: a temp SQLite file under var/, or a dedicated PostgreSQL database."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent


def base_url() -> str:
    return os.environ.get("DATABASE_URL", "")


def vendor_of(url: str) -> str:
    if not url:
        return "sqlite"
    engine = dj_database_url.parse(url)["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise SystemExit(f"bench: unsupported DATABASE_URL engine {engine}")


class BenchDatabases:
    """Creates fresh databases on demand and removes every one of them at the end."""

    def __init__(self, var_dir: Path, *, url: str | None = None) -> None:
        self.url = base_url() if url is None else url
        self.vendor = vendor_of(self.url)
        self.var_dir = var_dir
        self.created: list[str] = []

    def _pg_admin(self) -> tuple[object, str]:
        import psycopg

        parts = urlsplit(self.url)
        base_name = parts.path.lstrip("/") or "gongzhi"
        admin = urlunsplit(parts._replace(path="/postgres"))
        return psycopg.connect(admin, autocommit=True), base_name

    def create(self, suffix: str) -> str:
        """A new, empty, migrated database; returns its URL."""
        if self.vendor == "sqlite":
            self.var_dir.mkdir(parents=True, exist_ok=True)
            fd, path = tempfile.mkstemp(
                prefix=f"bench-{suffix}-", suffix=".sqlite3", dir=self.var_dir
            )
            os.close(fd)
            os.unlink(path)  # SQLite makes it; an empty file would be fine too
            url = f"sqlite:///{path}"
        else:
            con, base_name = self._pg_admin()
            # The pid keeps two runs (parallel test workers) from dropping each other's database.
            name = f"{base_name}_bench_{suffix}_{os.getpid()}"[:63]
            with con:  # type: ignore[attr-defined]
                con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[attr-defined]
                con.execute(f'CREATE DATABASE "{name}"')  # type: ignore[attr-defined]
            url = urlunsplit(urlsplit(self.url)._replace(path=f"/{name}"))
        self.created.append(url)
        self.migrate(url)
        return url

    @staticmethod
    def migrate(url: str) -> None:
        env = dict(os.environ, DATABASE_URL=url)
        env.pop("DJANGO_SETTINGS_MODULE", None)
        done = subprocess.run(
            [sys.executable, "-m", "gongzhi.cli", "migrate", "--quiet"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"migrate failed for the bench database:\n{done.stderr[-3000:]}")

    def drop_all(self) -> None:
        for url in self.created:
            if self.vendor == "sqlite":
                path = str(dj_database_url.parse(url)["NAME"])
                # SQLite's own files, and the write turn's lock and wake-up pipe beside them
                # (gongzhi/core/sqlite/base.py).
                for extra in ("", "-wal", "-shm", "-journal", "-writelock", "-writewake"):
                    try:
                        os.unlink(path + extra)
                    except FileNotFoundError:
                        pass
            else:
                con, _base = self._pg_admin()
                name = urlsplit(url).path.lstrip("/")
                with con:  # type: ignore[attr-defined]
                    con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[attr-defined]
        self.created.clear()
