"""One measured step in its own process: `python -m bench.child STEP CTX.json OUT.json`.

STEP is "scenario:part" (part = prepare, measure or floor) or "fixture:city". The step's
result (or its traceback) is written to OUT.json; the parent reads this process's peak
memory from os.wait4.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path


def main(argv: list[str]) -> int:
    step, ctx_path, out_path = argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    import django

    django.setup()
    from django.utils import translation

    from bench import registry
    from bench.ctx import Ctx

    translation.activate("zh-hans")
    ctx = Ctx.load(Path(ctx_path))
    try:
        name, part = step.split(":", 1)
        if name == "fixture":
            from bench.scenarios import FIXTURES

            result = FIXTURES[part](ctx)
        else:
            scenario = registry.get(name)
            fn = getattr(scenario, part)
            result = fn(ctx)
        payload = {"ok": True, "result": result or {}}
        code = 0
    except Exception:
        payload = {"ok": False, "error": traceback.format_exc()}
        code = 1
    Path(out_path).write_text(json.dumps(payload, ensure_ascii=False, default=str))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
