"""The benchmarks run, and w1's floor still sends exactly the engine's statements (same_work)."""

import json

import pytest

from bench import http_w1, w1

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]


def test_w1_floor_does_the_same_work_as_the_engine(capsys):
    assert w1.main(["--cases", "1"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    ratio = next(line for line in lines if line["impl"] == "ratio")
    assert ratio["same_work"] is True
    assert {line["impl"] for line in lines} == {"engine", "sqlite3_floor", "ratio"}


def test_http_w1_walks_a_case_on_both_servers(capsys):
    assert http_w1.main(["--cases", "1", "--reads", "1", "--workers", "1"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["writes"] for line in lines[:2]] == [27, 27]
    assert lines[2]["impl"] == "ratio"


def test_gen_dataset_builds_a_database_that_verifies(tmp_path):
    from bench import gen_dataset
    from procedures import build_registry
    from workflow import services
    from workflow.adapters.db import Database
    from workflow.services import Runtime

    url = f"sqlite:///{tmp_path / 'gen.db'}"
    made = gen_dataset.generate(url, 2_000, big_case=300)
    rt = Runtime(Database(url), build_registry())
    try:
        report = services.verify_all(rt)
        assert report["ok"], report["global"]
        assert report["global"]["events"] == made["events"]
        big = services.case_view(rt, made["big_case"])
        assert big["version"] == 300 and big["state"] == "in_execution"
    finally:
        rt.db.dispose()


def test_load_and_scale_run_tiny(capsys):
    from bench import load, scale

    assert load.main(["--db", "sqlite", "--workers", "1", "--clients", "2", "--duration", "1", "--warmup", "0.5",
                      "--seed-events", "300"]) == 0
    assert scale.main(["--db", "sqlite", "--events", "3000", "--small", "300", "--big-case", "200",
                       "--write-cases", "1", "--rounds", "1", "--replays", "1"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    run = next(line for line in lines if line.get("clients") == 2)
    assert run["requests"] > 0 and run["errors"] == 0, run
    scaled = next(line for line in lines if "verify" in line)
    assert all(v["ok"] for v in scaled["verify"]) and scaled["replay"]["case_events"] == 200
