"""The `juece` command line on a real SQLite file, as a user runs it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.sqlite_only  # reads or edits the SQLite file directly

JUECE = str(Path(sys.executable).with_name("juece"))


@pytest.fixture
def run(tmp_path):
    env = {**os.environ, "JUECE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}

    def juece(*args, check=True):
        result = subprocess.run([JUECE, *args], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if check:
            assert result.returncode == 0, result.stderr
        return result

    juece("db", "upgrade")
    return juece


@pytest.mark.slow
def test_demo_is_idempotent_and_verifies(run):
    first = run("demo").stdout
    assert "state in_execution" in first and "state rejected" in first and "state deferred" in first
    assert "MD-20" in first  # the case stopped at legality review names the rule
    second = run("demo").stdout
    assert second.count("case ") == first.count("case ")
    listing = run("case", "list").stdout
    # five major decisions, the catalog, and one case of each other procedure
    assert "10 case(s)" in listing
    for state in ("published", "in_force", "decided", "filed", "issued"):
        assert f"state {state}" in first, state
    verify = run("case", "verify")
    assert "OK      global chain" in verify.stdout
    attempts = json.loads(run("case", "attempts", "2").stdout)
    assert [a["trigger"] for a in attempts] == ["submit_for_discussion"]
    assert attempts[0]["unmet"][0]["rule"] == "MD-20"


def test_user_add_prints_only_the_token(run):
    out = run("user", "add", "clerk", "--role", "legal_office").stdout.strip()
    assert len(out.split()) == 1 and len(out) >= 40
    bad = run("user", "add", "x", "--role", "mayor", check=False)
    assert bad.returncode == 2 and "unknown role" in bad.stderr


def test_procedures_commands(run):
    listed = run("procedures", "list").stdout
    assert "major_decision v3" in listed and "normative_document v1" in listed and "decision_catalog v1" in listed
    checked = run("procedures", "check").stdout
    assert all(f"ok  major_decision v{v}" in checked for v in (1, 2, 3))
    diagram = run("procedures", "diagram", "major_decision").stdout
    assert "stateDiagram-v2" in diagram and "决策动议 proposed" in diagram


def test_replay_and_compliance_and_errors(run):
    run("demo")
    replayed = json.loads(run("case", "replay", "1", "--seq", "3").stdout)
    assert replayed["state"] == "proposed" and replayed["as_of_seq"] == 3
    assert json.loads(run("case", "compliance", "1").stdout)["ok"] is True
    missing = run("case", "show", "999", check=False)
    assert missing.returncode == 2 and "no case 999" in missing.stderr
    assert "Traceback" not in missing.stderr
    bad_time = run("case", "replay", "1", "--at", "yesterday", check=False)
    assert bad_time.returncode == 2 and "ISO 8601" in bad_time.stderr
