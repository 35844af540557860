"""Settings from the environment that fail fast on a bad value (Healthchecks' envbool)."""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path


class SettingError(SystemExit):
    """Stops start-up with a message naming the variable."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"gongzhi: setting {name} is invalid: {reason}")


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    low = raw.strip().lower()
    if low in {"1", "true", "yes", "on"}:
        return True
    if low in {"0", "false", "no", "off"}:
        return False
    raise SettingError(name, f"expected a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(name, f"expected a whole number, got {raw!r}") from None
    if value < minimum:
        raise SettingError(name, f"must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def key_from_env_or_file(name: str, path: Path, *, nbytes: int = 32) -> bytes:
    """A base64 key from the environment, else from a file created on first run (never committed)."""
    raw = os.environ.get(name)
    source = name
    if not raw:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(base64.b64encode(secrets.token_bytes(nbytes)).decode())
            path.chmod(0o600)
        raw = path.read_text().strip()
        source = str(path)
    try:
        key = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise SettingError(source, "expected base64 text") from None
    if len(key) != nbytes:
        raise SettingError(source, f"expected {nbytes} bytes of key, got {len(key)}")
    return key
