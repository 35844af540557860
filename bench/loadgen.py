"""A bounded HTTP/1.1 load generator on asyncio (keep-alive connections, 127.0.0.1 only).

Bounded twice: by a request count and by a time limit, whichever comes first. Each of
`concurrency` connections sends its next request as soon as the previous answer is read
(closed loop), so the figure is the server's throughput at that concurrency.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.measure import latency_summary

ALLOWED_HOSTS = ("127.0.0.1",)


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def encode(self, host: str, port: int) -> bytes:
        lines = [f"{self.method} {self.path} HTTP/1.1", f"Host: {host}:{port}"]
        headers = {"Connection": "keep-alive", "User-Agent": "gongzhi-bench", **self.headers}
        if self.body or self.method not in ("GET", "HEAD"):
            headers["Content-Length"] = str(len(self.body))
        lines += [f"{k}: {v}" for k, v in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + self.body

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> HttpRequest:
        body = d.get("body") or b""
        if isinstance(body, str):
            body = body.encode()
        return cls(d.get("method", "GET"), d["path"], dict(d.get("headers") or {}), body)


class _Closed(Exception):
    pass


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; return (status, server wants the connection closed)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split(" ", 2)[1])
    except (IndexError, ValueError):
        raise _Closed(lines[0]) from None
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection", "").lower() == "close"


async def _run(
    host: str,
    port: int,
    requests: list[HttpRequest],
    *,
    total: int,
    seconds: float,
    concurrency: int,
    timeout: float,
) -> dict[str, Any]:
    payloads = [r.encode(host, port) for r in requests]
    counter = itertools.count()
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    clock = time.perf_counter
    deadline = clock() + seconds

    async def connection() -> None:
        conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        while clock() < deadline:
            i = next(counter)
            if i >= total:
                break
            try:
                if conn is None:
                    conn = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
                reader, writer = conn
                start = clock()
                writer.write(payloads[i % len(payloads)])
                await writer.drain()
                status, close = await asyncio.wait_for(_read_response(reader), timeout)
                latencies.append(clock() - start)
                statuses[str(status)] += 1
                if status >= 400:
                    errors[f"HTTP {status}"] += 1
                if close:
                    writer.close()
                    conn = None
            except (TimeoutError, OSError, asyncio.IncompleteReadError, _Closed) as exc:
                errors[type(exc).__name__] += 1
                if conn is not None:
                    conn[1].close()
                conn = None
        if conn is not None:
            conn[1].close()

    started = clock()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    elapsed = clock() - started
    done = len(latencies)
    out: dict[str, Any] = {
        "requests": done + sum(c for k, c in errors.items() if not k.startswith("HTTP")),
        "answered": done,
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "statuses": dict(statuses),
        "seconds": round(elapsed, 3),
        "concurrency": concurrency,
        "req_per_s": round(done / elapsed, 1) if elapsed > 0 else 0.0,
    }
    if latencies:
        out.update(latency_summary(latencies))
    return out


def run_load(
    port: int,
    requests: list[HttpRequest],
    *,
    total: int,
    seconds: float,
    concurrency: int = 16,
    host: str = "127.0.0.1",
    timeout: float = 10.0,
    warmup: int = 50,
) -> dict[str, Any]:
    """Replay `requests` (cycled) against host:port; the first `warmup` are not counted."""
    if host not in ALLOWED_HOSTS:
        raise ValueError(f"the load generator only targets {ALLOWED_HOSTS}, not {host!r}")
    if total < 1 or seconds <= 0 or concurrency < 1 or not requests:
        raise ValueError("load needs at least one request, a positive time and concurrency")
    if warmup:
        asyncio.run(
            _run(
                host,
                port,
                requests,
                total=warmup,
                seconds=seconds,
                concurrency=min(concurrency, warmup),
                timeout=timeout,
            )
        )
        # A warm-up may consume one-shot requests (check-ins): measure the rest.
        requests = requests[warmup:] or requests
    return asyncio.run(
        _run(
            host,
            port,
            requests,
            total=total,
            seconds=seconds,
            concurrency=concurrency,
            timeout=timeout,
        )
    )
