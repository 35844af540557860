"""Start the site exactly as `gongzhi serve` starts it (gunicorn), on a free 127.0.0.1 port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.measure import proc_children, proc_peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`python -m gongzhi.cli serve` in its own process group; stopped with that group.

    `settings_module` swaps only DJANGO_SETTINGS_MODULE (the floor's hello-world server is
    the same command with bench.floor_settings, so workers, threads and middleware match).
    """

    def __init__(self, *, env: dict[str, str], settings_module: str | None = None) -> None:
        self.port = free_port()
        self.env = dict(env)
        if settings_module:
            self.env["DJANGO_SETTINGS_MODULE"] = settings_module
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = Path(self.env.get("GONGZHI_BENCH_WORKDIR", "/tmp")) / f"serve-{self.port}.log"

    def __enter__(self) -> Server:
        cmd = [sys.executable, "-m", "gongzhi.cli", "serve", "--host", "127.0.0.1"]
        cmd += ["--port", str(self.port)]
        self._logfh = self.log.open("wb")
        self.proc = subprocess.Popen(
            cmd,
            cwd=str(ROOT),
            env=self.env,
            stdout=self._logfh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 60.0) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.port}/healthz"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited early:\n{self.tail()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(
            f"the server did not answer {url} within {timeout:.0f} s:\n{self.tail()}"
        )

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def worker_pids(self) -> list[int]:
        """gunicorn's master and workers (the `gongzhi serve` wrapper itself only waits)."""
        assert self.proc is not None
        out: list[int] = []
        todo = proc_children(self.proc.pid)
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(proc_children(pid))
        return out

    def peak_rss_mb(self) -> float | None:
        peaks = [p for p in (proc_peak_rss_mb(pid) for pid in self.worker_pids()) if p]
        return round(sum(peaks), 1) if peaks else None

    def __exit__(self, *exc: Any) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self._logfh.close()
