"""The reminder sweep of an earlier commit and today's, alternating on one filled database, in one run.

    .venv/bin/python bench/sweep_before_after.py --database-url URL [--before 5be12cb] [--steps-due 500] [--runs 3]

URL is a database bench/scale.py filled (its --database-url with --reuse keeps it). `--before` names a commit whose
notifier/reminders/sweep.py is loaded from git beside today's package (5be12cb: one transaction per step, before
the batched sweep of issue 18). Both sweep the same instant where --steps-due steps are due; before each run the
steps are put back and the mails removed, after each the steps and mails are counted (each step exactly once).
Prints the median and the largest time of each and their ratio.
"""

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from bench.scale import SECRET, TOKEN, busy_instant, exactly_once, reset_steps
from notifier.config import Settings
from notifier.main import create_app
from notifier.reminders.models import ReminderStep
from notifier.reminders.sweep import sweep as sweep_now

ROOT = Path(__file__).resolve().parents[1]


def sweep_of(revision: str, workdir: Path):  # noqa: ANN201
    source = subprocess.run(
        ["git", "show", f"{revision}:notifier/reminders/sweep.py"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    path = workdir / "sweep_before.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("sweep_before", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.sweep


def due_at(engine, instant) -> int:  # noqa: ANN001
    steps = ReminderStep.__table__
    with engine.connect() as conn:
        return conn.scalar(
            select(func.count()).select_from(steps).where(steps.c.status == "pending", steps.c.due_at <= instant)
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True, help="a database bench/scale.py filled")
    parser.add_argument("--before", default="5be12cb", help="the commit whose sweep is compared")
    parser.add_argument("--steps-due", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="meldplicht-sweep-") as tmp:
        settings = Settings(
            database_url=args.database_url,
            api_token=TOKEN,
            env="test",
            var_dir=Path(tmp) / "var",
            secret_key=SECRET,
            scheduler_enabled=False,
            log_level="WARNING",
        )
        app = create_app(settings)
        engine, registry = app.state.engine, app.state.registry
        sweeps = {f"before ({args.before})": sweep_of(args.before, Path(tmp)), "now": sweep_now}
        reset_steps(engine)
        busy = busy_instant(engine, args.steps_due)
        due = due_at(engine, busy)
        times: dict[str, list[float]] = {name: [] for name in sweeps}
        problems = []
        for _ in range(args.runs):
            for name, sweep in sweeps.items():
                reset_steps(engine)
                start = time.perf_counter()
                sweep(engine, settings=settings, registry=registry, now=busy)
                times[name].append((time.perf_counter() - start) * 1000)
                problems += [f"{name}: {p}" for p in exactly_once(engine, due)]
        reset_steps(engine)
        engine.dispose()
    for name, values in times.items():
        print(f"sweep {name:24s} {due} steps due: median {statistics.median(values):7.0f} ms, "
              f"max {max(values):7.0f} ms over {len(values)} runs")  # fmt: skip
    before, now = (statistics.median(v) for v in times.values())
    print(f"ratio before / now: {before / now:.1f}")
    for problem in problems:
        print("NOT EXACTLY ONCE:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
