"""Scale: what a million stored events cost the write path, verification and replay.

On each database (SQLite; PostgreSQL on a throwaway cluster with fsync on) the benchmark builds two
databases with ``bench/gen_dataset.py``: a small one (``--small`` events, 1,000 by default) and a large
one (``--events``, 1,000,000 by default, including one case of ``--big-case`` events, 10,000 by default).
Then it measures:

* **write cost**: the w1 walk (open a case, every record, seven transitions: 27 writes) through
  ``workflow.services``, ``--write-cases`` cases on each database, alternating small and large
  ``--rounds`` times; ms per write (wall and CPU), the best round of each. Target: large ≤ 1.3 × small.
* **verify**: ``services.verify_all`` over the large database (every chain, projection, numbering and
  checkpoint), with the default number of processes and with one. Target: ≤ 3 s.
* **replay**: ``services.replay`` of the long case to its last event, best and median of ``--replays``.
  Target: ≤ 200 ms.

    .venv/bin/python bench/scale.py                          # both databases, 1M events (~10 min)
    .venv/bin/python bench/scale.py --db sqlite --events 200000 --dataset-dir /var/tmp/juece-scale
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._support import create_database, machine, postgres, stop_on_sigterm  # noqa: E402
from bench.gen_dataset import generate  # noqa: E402
from procedures import build_registry  # noqa: E402
from procedures.major_decision import samples  # noqa: E402
from web.demo import ALL_REQUIRED, apply_steps  # noqa: E402
from workflow import services  # noqa: E402
from workflow.adapters.db import Database  # noqa: E402
from workflow.services import Actor, Runtime  # noqa: E402

NOW = dt.datetime(2026, 10, 20, 2, 0, tzinfo=dt.UTC)
START = dt.date(2026, 6, 1)
ACTORS = {a.role: a for a in (Actor("承办单位-张三", samples.UNDERTAKING), Actor("法制机构-李四", samples.LEGAL),
                              Actor("决策机关-王五", samples.ORGAN))}
TARGETS = {"write_ratio": 1.3, "verify_s": 3.0, "replay_ms": 200.0}


def _clock() -> dt.datetime:
    return NOW


def _runtime(url: str) -> Runtime:
    return Runtime(Database(url), build_registry(), clock=_clock)


@contextmanager
def databases(kind: str, workdir: Path, pg_fsync: bool) -> Iterator[tuple[str, str]]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'small.db'}", f"sqlite:///{workdir / 'large.db'}"
        return
    with postgres(fsync=pg_fsync) as admin:
        yield create_database(admin, "juece_small"), create_database(admin, "juece_large")


def _ready(url: str, events: int) -> bool:
    """A SQLite file kept from an earlier run with (about) the wanted number of events."""
    if not url.startswith("sqlite") or not Path(url.split("///", 1)[1]).exists():
        return False
    rt = _runtime(url)
    try:
        with rt.db.read() as session:
            from sqlalchemy import text

            have = session.execute(text("SELECT seq FROM chain_heads WHERE name = 'global'")).scalar_one()
    finally:
        rt.db.dispose()
    return bool(abs(have - events) < 100 + events // 100)


def write_cost(url: str, cases: int) -> dict[str, float]:
    """ms per write of ``cases`` w1 walks (after one walk not counted)."""
    rt = _runtime(url)
    steps = samples.walk_to_execution(START)
    try:
        def walk() -> None:
            case = services.open_case(rt, ACTORS[samples.UNDERTAKING], attributes=ALL_REQUIRED,
                                      **samples.case_fields())
            apply_steps(rt, ACTORS, case["id"], steps)

        walk()
        began, began_cpu = time.perf_counter(), time.process_time()
        for _ in range(cases):
            walk()
        writes = cases * (1 + len(steps))
        return {"ms_per_write": (time.perf_counter() - began) / writes * 1000,
                "cpu_ms_per_write": (time.process_time() - began_cpu) / writes * 1000}
    finally:
        rt.db.dispose()


def verify(url: str, processes: int | None) -> dict[str, Any]:
    rt = _runtime(url)
    try:
        began, began_cpu = time.perf_counter(), time.process_time()
        report = services.verify_all(rt, processes=processes)
        seconds, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    finally:
        rt.db.dispose()
    return {"ok": report["ok"], "events": report["global"]["events"], "cases": len(report["cases"]),
            "seconds": round(seconds, 2), "cpu_seconds_this_process": round(cpu, 2),
            "processes": processes or "default"}


def replay(url: str, case_id: int, times: int) -> dict[str, Any]:
    rt = _runtime(url)
    try:
        with rt.db.read() as session:
            from sqlalchemy import text

            last = session.execute(text("SELECT MAX(seq) FROM events WHERE case_id = :c"), {"c": case_id}).scalar_one()
        runs = []
        for _ in range(times):
            began = time.perf_counter()
            snapshot = services.replay(rt, case_id, seq=last)
            runs.append((time.perf_counter() - began) * 1000)
    finally:
        rt.db.dispose()
    return {"case_events": last, "records": len(snapshot["records"]), "best_ms": round(min(runs), 1),
            "median_ms": round(statistics.median(runs), 1)}


def run(kind: str, workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"database": kind}
    with databases(kind, workdir, args.pg_fsync == "on") as (small, large):
        began = time.perf_counter()
        _remove_sqlite(small)  # always fresh: the write rounds add to it
        generate(small, args.small)
        if not _ready(large, args.events):
            made = generate(large, args.events, big_case=args.big_case)
            out["generated"] = made
        out["generate_seconds"] = round(time.perf_counter() - began, 1)
        big = _big_case(large)
        costs: dict[str, list[dict[str, float]]] = {"small": [], "large": []}
        for _ in range(args.rounds):
            costs["small"].append(write_cost(small, args.write_cases))
            costs["large"].append(write_cost(large, args.write_cases))
        best = {size: min(runs, key=lambda r: r["ms_per_write"]) for size, runs in costs.items()}
        out["write"] = {
            "small_ms_per_write": round(best["small"]["ms_per_write"], 3),
            "large_ms_per_write": round(best["large"]["ms_per_write"], 3),
            "small_cpu_ms_per_write": round(best["small"]["cpu_ms_per_write"], 3),
            "large_cpu_ms_per_write": round(best["large"]["cpu_ms_per_write"], 3),
            "ratio": round(best["large"]["ms_per_write"] / best["small"]["ms_per_write"], 3),
            "all_rounds_ms": {size: [round(r["ms_per_write"], 3) for r in runs] for size, runs in costs.items()},
            "target": TARGETS["write_ratio"],
        }
        out["verify"] = [verify(large, None), verify(large, 1)]
        out["verify_target_s"] = TARGETS["verify_s"]
        out["replay"] = {**replay(large, big, args.replays), "target_ms": TARGETS["replay_ms"]}
        out["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def _remove_sqlite(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _big_case(url: str) -> int:
    rt = _runtime(url)
    try:
        with rt.db.read() as session:
            from sqlalchemy import text

            return int(session.execute(text("SELECT id FROM cases ORDER BY head_seq DESC, id LIMIT 1")).scalar_one())
    finally:
        rt.db.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--big-case", type=int, default=10_000)
    parser.add_argument("--write-cases", type=int, default=20, help="w1 walks per write-cost round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--replays", type=int, default=7)
    parser.add_argument("--pg-fsync", choices=("on", "off"), default="on")
    parser.add_argument("--dataset-dir", type=Path, default=None,
                        help="keep the SQLite files here and reuse them on the next run (default: a temporary directory)")
    args = parser.parse_args(argv)
    stop_on_sigterm()
    print(json.dumps({"machine": machine()}), flush=True)
    for kind in args.db.split(","):
        if args.dataset_dir is not None and kind == "sqlite":
            args.dataset_dir.mkdir(parents=True, exist_ok=True)
            result = run(kind, args.dataset_dir, args)
        else:
            with tempfile.TemporaryDirectory(prefix="juece-scale-") as directory:
                result = run(kind, Path(directory), args)
        print(json.dumps({**result, "load_average_after": machine()["load_average"]}, ensure_ascii=False),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
