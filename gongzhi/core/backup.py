"""Backup and restore of the whole database (MLPS 2.0 level 3: backup and recovery).

SQLite uses the online backup API (a consistent copy while the site runs); PostgreSQL uses
pg_dump's custom format and pg_restore. Each backup and restore is an audit event.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection

from gongzhi.core import audit


def _pg_env() -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = [
        "-h",
        s.get("HOST") or "127.0.0.1",
        "-p",
        str(s.get("PORT") or 5432),
        "-U",
        s.get("USER") or "postgres",
    ]
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def backup(path: Path) -> Path:
    path = Path(path)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        with sqlite3.connect(path) as dest:
            connection.connection.backup(dest)
        dest.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_env()
        subprocess.run(
            [
                "pg_dump",
                *args,
                "--format=custom",
                "--no-owner",
                "-f",
                str(path),
                connection.settings_dict["NAME"],
            ],
            check=True,
            env=env,
            capture_output=True,
        )
    else:  # pragma: no cover - settings refuse other databases
        raise RuntimeError(connection.vendor)
    audit.record(
        actor="system",
        action="backup.create",
        after={"file": path.name, "bytes": path.stat().st_size},
    )
    return path


def restore(path: Path) -> None:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(path)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        with sqlite3.connect(path) as src:
            src.backup(connection.connection)
        src.close()
    else:
        args, env = _pg_env()
        connection.close()
        subprocess.run(
            [
                "pg_restore",
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "-d",
                connection.settings_dict["NAME"],
                str(path),
            ],
            check=True,
            env=env,
            capture_output=True,
        )
    audit.record(actor="system", action="backup.restore", after={"file": path.name})
