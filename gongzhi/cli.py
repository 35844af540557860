"""The `gongzhi` command line (DESIGN.md § Interfaces)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.utils import translation

    translation.activate(os.environ.get("GONGZHI_LANGUAGE", settings.LANGUAGE_CODE))


def cmd_migrate(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    call_command("migrate", verbosity=0 if args.quiet else 1, interactive=False)
    return 0


def cmd_load_demo(args: argparse.Namespace) -> int:
    from gongzhi.demo import load_demo

    def say(message: str) -> None:
        print(f"  · {message}", flush=True)

    load_demo(args.dataset, progress=say, scale=args.scale, seed=args.seed)
    print(f"demo data set {args.dataset} loaded")
    return 0


def _print_accounts() -> None:
    from gongzhi.accounts.models import User
    from gongzhi.demo import DEMO_PASSWORD

    print("\nDemo accounts (password for all: %s):" % DEMO_PASSWORD)
    for user in User.objects.filter(synthetic=True).prefetch_related("memberships").order_by("id"):
        roles = ", ".join(m.get_role_display() for m in user.memberships.all())
        print(f"  {user.username:<12} {user.display_name}  [{roles}]")
    print("  (system, security and audit administrators enrol a TOTP app at first login)\n")


def cmd_serve(args: argparse.Namespace) -> int:
    bind = f"{args.host}:{args.port}"
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "gongzhi.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--access-logfile",
        "-" if args.access_log else "/dev/null",
    ]
    print(f"serving on http://{bind}", flush=True)
    return subprocess.call(cmd)


def cmd_worker(args: argparse.Namespace) -> int:
    import threading

    from django.conf import settings
    from django.core.management import call_command

    from gongzhi.core import audit

    # The worker also seals the audit chain (GONGZHI_AUDIT_SEAL=worker), so writes never wait on it.
    stop = threading.Event()
    sealer = threading.Thread(
        target=audit.seal_loop, args=(stop, settings.GONGZHI_AUDIT_SEAL_SECONDS), daemon=True
    )
    sealer.start()
    try:
        call_command(
            "db_worker", interval=args.interval, batch=args.batch, startup_delay=not args.batch
        )
    finally:
        stop.set()
        sealer.join(timeout=10)
        audit.seal_pending()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Migrate, load the small demo city if the database is empty, run a worker and serve."""
    from django.core.management import call_command

    from gongzhi.demo import demo_is_loaded, load_demo

    call_command("migrate", verbosity=0, interactive=False)
    if not demo_is_loaded():
        print("loading the small demo city ...", flush=True)
        load_demo("small")
    _print_accounts()
    worker = subprocess.Popen([sys.executable, "-m", "gongzhi.cli", "worker"])
    try:
        return cmd_serve(args)
    finally:
        worker.terminate()


def cmd_createuser(args: argparse.Namespace) -> int:
    import getpass

    from django.core.exceptions import ValidationError

    from gongzhi.accounts.services import membership_add, user_create
    from gongzhi.areas.models import Area

    password = args.password or getpass.getpass("password: ")
    area = None
    if args.area:
        area = Area.objects.filter(code=args.area).first()
        if area is None:
            print(f"error: no area with code {args.area}", file=sys.stderr)
            return 1
    try:
        user = user_create(
            actor="cli",
            username=args.username,
            password=password,
            display_name=args.name or "",
            is_superuser=args.superuser,
            is_staff=args.superuser,
        )
    except ValidationError as exc:
        print("error: " + "; ".join(exc.messages), file=sys.stderr)
        return 1
    if args.role:
        membership_add(actor="cli", user=user, role=args.role, area=area)
    print(f"created {user.username}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from gongzhi.core import registry
    from gongzhi.core.imports import run_import, write_error_report, write_template

    try:
        importer = registry.importer(args.kind)()
    except KeyError:
        print(
            f"error: unknown kind {args.kind!r}; known: {', '.join(registry.importer_kinds())}",
            file=sys.stderr,
        )
        return 2
    if args.template:
        write_template(importer, Path(args.template))
        print(f"template written to {args.template}")
        return 0
    if not args.file:
        print("error: give FILE or --template FILE", file=sys.stderr)
        return 2
    path = Path(args.file)
    if not path.exists():
        print(f"error: {path} does not exist", file=sys.stderr)
        return 2
    result = run_import(importer, name=path.name, raw=path.read_bytes(), actor="cli")
    if result.ignored_headers:
        print("ignored columns: " + ", ".join(result.ignored_headers))
    if result.same_file_as:
        print(f"this file was imported before (run #{result.same_file_as})")
    if result.errors:
        report = write_error_report(result, path.with_name(path.stem + ".errors.xlsx"))
        for e in result.errors[:50]:
            print(f"row {e.row} · {e.column} · {e.value!s} · {e.reason}")
        if len(result.errors) > 50:
            print(f"... {len(result.errors) - 50} more")
        print(f"nothing was written; error report: {report}")
    print(result.summary())
    return 0 if result.committed or (not result.errors and result.rows == 0) else 1


def cmd_export(args: argparse.Namespace) -> int:
    from gongzhi.core import registry
    from gongzhi.core.exports import export_to_file

    try:
        exporter = registry.exporter(args.kind)()
    except KeyError:
        print(
            f"error: unknown kind {args.kind!r}; known: {', '.join(registry.exporter_kinds())}",
            file=sys.stderr,
        )
        return 2
    from gongzhi.core.scope import SystemUser

    count = export_to_file(exporter, SystemUser(), Path(args.file), reveal=args.reveal, system=True)
    print(f"rows={count} written to {args.file}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from gongzhi.core import audit

    if args.action == "seal":
        print(f"sealed {audit.seal_pending()} events")
        return 0
    audit.seal_pending()
    report = audit.verify()
    if report.ok:
        print(f"audit chain intact: {report.checked} events checked, {report.pending} pending")
        return 0
    print(
        f"audit chain BROKEN at event #{report.broken_seq}: {report.reason} ({report.checked} verified before it)"
    )
    return 1


def cmd_backup(args: argparse.Namespace) -> int:
    from gongzhi.core.backup import backup

    path = backup(Path(args.file))
    print(f"backup written to {path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    import subprocess as sp

    from gongzhi.core.backup import restore

    if not args.yes:
        print(
            "restore replaces every record of the database: add --yes to confirm", file=sys.stderr
        )
        return 2
    try:
        restore(Path(args.file))
    except FileNotFoundError:
        print(f"error: {args.file} does not exist", file=sys.stderr)
        return 2
    except sp.CalledProcessError as exc:
        print(
            f"error: restore failed: {exc.stderr.decode(errors='replace')[-500:]}", file=sys.stderr
        )
        return 1
    print(f"restored from {args.file}")
    return 0


def cmd_figures(args: argparse.Namespace) -> int:
    try:
        from gongzhi.metrics.cli import figures
    except ImportError:
        print("error: the metrics app does not provide figures yet", file=sys.stderr)
        return 2
    return figures(args)


def cmd_bench(args: argparse.Namespace) -> int:
    try:
        from bench.run import main as bench_main
    except ImportError:
        print("error: the benchmark suite is not installed (bench/)", file=sys.stderr)
        return 2
    return bench_main(args)


def _default_threads() -> int:
    """Threads per gunicorn worker (GONGZHI_THREADS overrides).

    On PostgreSQL a writing request spends a few milliseconds waiting for its commit to
    reach the disk, CPU-free: 8 threads a worker overlap those waits (check-in under load,
    paired runs: 467 vs 259 and 315 vs 217 requests/s against 4). SQLite has no such wait
    (the database is in the process) and lets one writer in at a time: a second thread only
    contends for the GIL, which a SQLite call gives up at every step, and invalidates the
    other connections' page caches. One thread a worker there (full city, 3 interleaved
    rounds each: check-in CPU 1.63-1.69 ms a request against 1.93-2.0 ms with 2 threads
    and 1.84-2.8 ms with 4; p99 27-64 ms against 40-54 and 56-64; docs/performance.md run
    14); more concurrency on SQLite is more workers (GONGZHI_WORKERS).
    """
    from gongzhi.env import env_int, env_str

    postgres = env_str("DATABASE_URL").startswith("postgres")
    return env_int("GONGZHI_THREADS", 8 if postgres else 1, minimum=1)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gongzhi", description="共治 gongzhi — command line")
    sub = p.add_subparsers(dest="verb", required=True)

    def serve_opts(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--host", default=os.environ.get("GONGZHI_HOST", "127.0.0.1"))
        sp.add_argument("--port", type=int, default=int(os.environ.get("GONGZHI_PORT", "8000")))
        sp.add_argument("--workers", type=int, default=int(os.environ.get("GONGZHI_WORKERS", "2")))
        sp.add_argument("--threads", type=int, default=_default_threads())
        sp.add_argument("--access-log", action="store_true", help="log each request to stdout")

    sp = sub.add_parser("serve", help="serve the site with gunicorn")
    serve_opts(sp)
    sp.set_defaults(func=cmd_serve)
    sp = sub.add_parser(
        "demo", help="migrate, load the small demo city if empty, run a worker and serve"
    )
    serve_opts(sp)
    sp.set_defaults(func=cmd_demo)
    sp = sub.add_parser("worker", help="run background tasks (imports, exports)")
    sp.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
    sp.add_argument("--batch", action="store_true", help="run what is queued, then exit")
    sp.set_defaults(func=cmd_worker)
    sp = sub.add_parser("migrate", help="create or update the database tables")
    sp.add_argument("--quiet", action="store_true")
    sp.set_defaults(func=cmd_migrate)
    sp = sub.add_parser("load-demo", help="load a demo data set (synthetic, marked as such)")
    sp.add_argument("--dataset", choices=["small", "hengyang-2020"], default="small")
    sp.add_argument(
        "--scale", type=float, default=1.0, help="fraction of the full city (hengyang-2020)"
    )
    sp.add_argument("--seed", type=int, default=2020)
    sp.set_defaults(func=cmd_load_demo)
    sp = sub.add_parser(
        "createuser", help="create a user account, optionally with a role in an area"
    )
    sp.add_argument("username")
    sp.add_argument("--name")
    sp.add_argument("--password", help="prompted for when omitted")
    sp.add_argument("--role")
    sp.add_argument("--area", help="12-digit area code of the unit")
    sp.add_argument("--superuser", action="store_true")
    sp.set_defaults(func=cmd_createuser)
    sp = sub.add_parser("import", help="import a spreadsheet (all or nothing)")
    sp.add_argument("kind")
    sp.add_argument("file", nargs="?")
    sp.add_argument("--template", metavar="FILE", help="write the empty template instead")
    sp.set_defaults(func=cmd_import)
    sp = sub.add_parser("export", help="export everything of a kind to xlsx or csv")
    sp.add_argument("kind")
    sp.add_argument("file")
    sp.add_argument("--reveal", action="store_true", help="include full ID/phone numbers (audited)")
    sp.set_defaults(func=cmd_export)
    sp = sub.add_parser("audit", help="verify or seal the audit chain")
    sp.add_argument("action", choices=["verify", "seal"])
    sp.set_defaults(func=cmd_audit)
    sp = sub.add_parser("backup", help="write a consistent backup of the database to FILE")
    sp.add_argument("file")
    sp.set_defaults(func=cmd_backup)
    sp = sub.add_parser("restore", help="replace the database with a backup FILE")
    sp.add_argument("file")
    sp.add_argument("--yes", action="store_true", help="confirm replacing every record")
    sp.set_defaults(func=cmd_restore)
    sp = sub.add_parser("figures", help="the seed's six figures as of a date")
    sp.add_argument("--as-of", required=True)
    sp.add_argument("--unit", help="area code to restrict to")
    sp.set_defaults(func=cmd_figures)
    sp = sub.add_parser("bench", help="run the benchmark suite")
    sp.add_argument("--scale", type=float, default=1.0)
    sp.add_argument("--only")
    sp.set_defaults(func=cmd_bench)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup()
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
