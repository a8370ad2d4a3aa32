#!/usr/bin/env python3
"""Audit the locked dependencies for known vulnerabilities: `make audit-deps` (run by `make test`).

1. pip-audit (pinned in the test extra) checks every pin of requirements.lock, exactly as locked
   (``--no-deps --disable-pip``: the lock already lists every transitive dependency).
2. A package pip-audit could not audit (its vulnerability service unreachable, or the release endpoint
   ``/pypi/NAME/VERSION/json`` not served — as through the registry proxy of our CI) is looked up in the
   project endpoint ``/pypi/NAME/json``: when the locked version is the latest release, that document's
   ``vulnerabilities`` list is the one for our version (the same data pip-audit's "pypi" service reads).
3. Exit status: 1 when any locked package has a known vulnerability. Packages neither step could audit are
   listed loudly as NOT AUDITED; they fail the run only with ``AUDIT_DEPS_STRICT=1`` (docs/operations.md#security
   says why this is the default).

Runs unattended (``CI=true``, no stdin); stdlib only besides pip-audit itself.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
PIP_AUDIT = Path(sys.executable).with_name("pip-audit")
PYPI = os.environ.get("AUDIT_DEPS_PYPI", "https://pypi.org/pypi")
TIMEOUT = 30


def locked() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([^\s;#]+)", line.strip())
        if match:
            pins[normalise(match.group(1))] = match.group(3)
    return pins


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def run_pip_audit() -> tuple[dict[str, list[dict]], dict[str, str], str | None]:
    """(vulnerabilities by package, skip reasons by package, an error that stopped pip-audit altogether)."""
    command = [str(PIP_AUDIT), "-r", str(LOCK), "--no-deps", "--disable-pip", "--progress-spinner", "off",
               "--format", "json", "--timeout", str(TIMEOUT)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=900,
                              env={**os.environ, "CI": "true"})
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {}, {}, f"pip-audit did not run: {exc}"
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        return {}, {}, f"pip-audit failed (exit {done.returncode}): {done.stderr.strip()[-600:]}"
    vulnerable, skipped = {}, {}
    for dependency in report.get("dependencies", []):
        name = normalise(dependency["name"])
        if "skip_reason" in dependency:
            skipped[name] = dependency["skip_reason"]
        elif dependency.get("vulns"):
            vulnerable[name] = dependency["vulns"]
    return vulnerable, skipped, None


def project_lookup(name: str, version: str) -> tuple[str, list[dict] | str]:
    """("audited", vulnerabilities) when ``version`` is the latest release, else ("unaudited", reason)."""
    try:
        with urllib.request.urlopen(f"{PYPI}/{name}/json", timeout=TIMEOUT) as answer:  # noqa: S310 - fixed https URL
            document = json.load(answer)
    except Exception as exc:  # noqa: BLE001 - every failure is reported as "not audited"
        return "unaudited", f"{PYPI}/{name}/json unreachable: {exc}"
    latest = document.get("info", {}).get("version")
    if latest != version or "vulnerabilities" not in document:
        return "unaudited", f"locked {version}, latest {latest}: the project document lists only the latest's"
    return "audited", document["vulnerabilities"]


def main() -> int:
    pins = locked()
    vulnerable, skipped, failure = run_pip_audit()
    if failure:
        print(f"audit-deps: {failure}")
        skipped = {name: failure for name in pins}
    by_pip_audit = len(pins) - len(skipped)
    print(f"audit-deps: pip-audit audited {by_pip_audit} of {len(pins)} locked packages")
    if skipped:
        example = next(iter(skipped.values()))
        print(f"audit-deps: pip-audit could not audit {len(skipped)} (e.g. {example!r}); "
              f"falling back to {PYPI}/NAME/json")
    unaudited: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = dict(zip(skipped, pool.map(lambda n: project_lookup(n, pins.get(n, "?")), skipped), strict=True))
    for name, (outcome, detail) in results.items():
        if outcome == "unaudited":
            unaudited[name] = str(detail)
        elif detail:
            vulnerable[name] = list(detail)  # type: ignore[arg-type]
    print(f"audit-deps: the PyPI project documents audited {len(skipped) - len(unaudited)} more")
    for name, vulns in sorted(vulnerable.items()):
        for vuln in vulns:
            ident = vuln.get("id") or vuln.get("aliases")
            fixed = vuln.get("fix_versions") or vuln.get("fixed_in")
            print(f"VULNERABLE {name}=={pins.get(name, '?')}: {ident} (fixed in {fixed})")
    for name, reason in sorted(unaudited.items()):
        print(f"NOT AUDITED {name}=={pins.get(name, '?')}: {reason}")
    if vulnerable:
        print(f"audit-deps: FAILED: {len(vulnerable)} locked package(s) with known vulnerabilities")
        return 1
    if unaudited:
        strict = os.environ.get("AUDIT_DEPS_STRICT", "") == "1"
        print(f"audit-deps: {len(unaudited)} package(s) NOT AUDITED (no vulnerability service reachable for them)"
              + ("; AUDIT_DEPS_STRICT=1: failing" if strict else "; set AUDIT_DEPS_STRICT=1 to fail on this"))
        return 1 if strict else 0
    print(f"audit-deps: no known vulnerabilities in the {len(pins)} locked packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
