"""scripts/audit-deps.py decides as documented: a known vulnerability always fails; a package no service
could audit is reported as NOT AUDITED and fails only under AUDIT_DEPS_STRICT=1 (docs/operations.md#security)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit-deps.py"


@pytest.fixture
def audit(monkeypatch):
    spec = importlib.util.spec_from_file_location("audit_deps", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "locked", lambda: {"flask": "3.1.3", "jinja2": "3.1.6", "ruff": "0.17.5"})
    monkeypatch.delenv("AUDIT_DEPS_STRICT", raising=False)
    return module


VULN = [{"id": "PYSEC-2099-1", "fix_versions": ["9.9"]}]


def test_all_audited_and_clean(audit, monkeypatch, capsys):
    monkeypatch.setattr(audit, "run_pip_audit", lambda: ({}, {}, None))
    assert audit.main() == 0
    assert "no known vulnerabilities in the 3 locked packages" in capsys.readouterr().out


def test_a_vulnerability_found_by_pip_audit_fails(audit, monkeypatch, capsys):
    monkeypatch.setattr(audit, "run_pip_audit", lambda: ({"jinja2": VULN}, {}, None))
    assert audit.main() == 1
    assert "VULNERABLE jinja2==3.1.6: PYSEC-2099-1" in capsys.readouterr().out


def test_the_fallback_audits_what_pip_audit_could_not(audit, monkeypatch, capsys):
    reasons = {name: "Dependency not found on PyPI" for name in ("flask", "jinja2", "ruff")}
    monkeypatch.setattr(audit, "run_pip_audit", lambda: ({}, reasons, None))
    answers = {"flask": ("audited", []), "jinja2": ("audited", VULN), "ruff": ("unaudited", "not the latest")}
    monkeypatch.setattr(audit, "project_lookup", lambda name, version: answers[name])
    assert audit.main() == 1  # the vulnerability wins
    out = capsys.readouterr().out
    assert "VULNERABLE jinja2" in out and "NOT AUDITED ruff==0.17.5: not the latest" in out


@pytest.mark.parametrize(("strict", "code"), [("", 0), ("1", 1)])
def test_unaudited_packages_fail_only_when_strict(audit, monkeypatch, capsys, strict, code):
    monkeypatch.setenv("AUDIT_DEPS_STRICT", strict)
    monkeypatch.setattr(audit, "run_pip_audit", lambda: ({}, {}, "pip-audit did not run: no network"))
    monkeypatch.setattr(audit, "project_lookup", lambda name, version: ("unaudited", "unreachable"))
    assert audit.main() == code
    assert "3 package(s) NOT AUDITED" in capsys.readouterr().out
