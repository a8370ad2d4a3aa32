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
