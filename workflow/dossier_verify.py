"""Verify a juece archive dossier (案卷) with nothing but Python's standard library.

    python verify.py                  # inside the unpacked dossier, or next to it
    python verify.py dossier.zip      # or name the zip
    python verify.py dossier.zip --json

This file is copied verbatim into every dossier as ``verify.py``; ``juece dossier verify`` runs the same
code. What each check proves is written in docs/auditing.md. Exit status: 0 verified, 1 a check failed,
2 the dossier could not be read.
"""

from __future__ import annotations

import hashlib
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

FORMAT = "juece-dossier/1"
GENESIS = "0" * 64
STATEMENT = "juece global chain checkpoint"
MANIFEST, MANIFEST_HASH = "manifest.json", "manifest.sha256"

# -- hashing exactly as the ledger does (docs/ledger.md) ----------------------------------------------


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def sha256_of(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def event_hash(event: dict[str, Any], payload: Any) -> str:
    return sha256_of({"case_id": event["case_id"], "seq": event["seq"], "at": event["at"], "actor": event["actor"],
                      "role": event["role"], "kind": event["kind"], "payload": payload,
                      "prev_hash": event["prev_hash"]})


def global_hash(global_seq: int, own_hash: str, prev_global_hash: str) -> str:
    return sha256_of({"global_seq": global_seq, "hash": own_hash, "prev_global_hash": prev_global_hash})


def record_hash(record: dict[str, Any]) -> str:
    body = {"type": record["type"], "data": record["data"], "supersedes": record.get("supersedes")}
    if record.get("attachments"):
        body["attachments"] = list(record["attachments"])
    return sha256_of(body)


# -- Ed25519 verification (RFC 8032 §5.1.7, reference arithmetic; slow but small) ---------------------

_P = 2**255 - 19
_Q = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    if (x & 1) != sign:
        x = _P - x
    return x


def _add(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    pa = (a[1] - a[0]) * (b[1] - b[0]) % _P
    pb = (a[1] + a[0]) * (b[1] + b[0]) % _P
    pc = 2 * a[3] * b[3] * _D % _P
    pd = 2 * a[2] * b[2] % _P
    e, f, g, h = pb - pa, pd - pc, pd + pc, pb + pa
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(scalar: int, point: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    result = (0, 1, 1, 0)
    while scalar > 0:
        if scalar & 1:
            result = _add(result, point)
        point = _add(point, point)
        scalar >>= 1
    return result


def _equal(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return (a[0] * b[2] - b[0] * a[2]) % _P == 0 and (a[1] * b[2] - b[1] * a[2]) % _P == 0


def _decompress(data: bytes) -> tuple[int, int, int, int] | None:
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


_GY = 4 * pow(5, _P - 2, _P) % _P
_GX = _recover_x(_GY, 0) or 0
_G = (_GX, _GY, 1, _GX * _GY % _P)


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a_point, r_point = _decompress(public_key), _decompress(signature[:32])
    if a_point is None or r_point is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= _Q:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % _Q
    return _equal(_mul(s, _G), _add(r_point, _mul(h, a_point)))


def checkpoint_message(checkpoint: dict[str, Any]) -> bytes:
    return canonical({"statement": STATEMENT, "global_seq": checkpoint["global_seq"],
                      "global_hash": checkpoint["global_hash"], "signed_at": checkpoint["signed_at"],
                      "key_id": checkpoint["key_id"]})


# -- the checks ---------------------------------------------------------------------------------------


class Report:
    def __init__(self) -> None:
        self.passed: list[str] = []
        self.problems: list[str] = []
        self.notes: list[str] = []

    def check(self, ok: bool, what: str, problem: str) -> bool:
        (self.passed if ok else self.problems).append(what if ok else problem)
        return ok

    def to_dict(self) -> dict[str, Any]:
        return {"ok": not self.problems, "passed": self.passed, "problems": self.problems, "notes": self.notes}


def _load_json(files: dict[str, bytes], name: str, report: Report) -> Any:
    try:
        return json.loads(files[name].decode("utf-8"))
    except (KeyError, UnicodeDecodeError, ValueError):
        report.problems.append(f"{name}: missing or not valid JSON")
        return None


def verify_files(files: dict[str, bytes]) -> Report:
    """Every check, over the dossier's files (name → bytes)."""
    report = Report()
    if MANIFEST not in files:
        report.problems.append(f"{MANIFEST} is missing")
        return report
    expected = f"{hashlib.sha256(files[MANIFEST]).hexdigest()}  {MANIFEST}\n".encode()
    report.check(files.get(MANIFEST_HASH) == expected,
                 f"{MANIFEST} matches {MANIFEST_HASH}",
                 f"{MANIFEST}: changed (its sha256 is not the one in {MANIFEST_HASH})")
    manifest = _load_json(files, MANIFEST, report)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        report.problems.append(f"{MANIFEST}: not a {FORMAT} manifest")
        return report
    _check_listed_files(files, manifest, report)
    events = _load_json(files, "events.json", report)
    records = _load_json(files, "records.json", report)
    if not isinstance(events, list) or not isinstance(records, list):
        return report
    payloads = _check_case_chain(events, manifest, report)
    if payloads is None:
        return report
    _check_records(records, events, payloads, report)
    _check_attachments(files, events, payloads, report)
    _check_rules(files, payloads, report)
    _check_checkpoint(files, events, manifest, report)
    return report


def _check_listed_files(files: dict[str, bytes], manifest: dict[str, Any], report: Report) -> None:
    listed = manifest.get("files", {})
    for name, entry in sorted(listed.items()):
        if name not in files:
            report.problems.append(f"{name}: listed in the manifest but missing")
        elif hashlib.sha256(files[name]).hexdigest() != entry.get("sha256"):
            report.problems.append(f"{name}: changed (sha256 differs from the manifest)")
    extra = sorted(set(files) - set(listed) - {MANIFEST, MANIFEST_HASH})
    for name in extra:
        report.problems.append(f"{name}: not listed in the manifest (added)")
    if not extra and all(n in files and hashlib.sha256(files[n]).hexdigest() == e.get("sha256")
                         for n, e in listed.items()):
        report.passed.append(f"all {len(listed)} listed files present and unchanged")


def _check_case_chain(events: list[Any], manifest: dict[str, Any], report: Report) -> list[Any] | None:
    case_id = manifest.get("case", {}).get("id")
    prev, payloads = GENESIS, []
    for n, event in enumerate(events, start=1):
        where = f"events.json: event {n}"
        try:
            payload = json.loads(event["payload"])
            if event["seq"] != n or event["case_id"] != case_id:
                report.problems.append(f"{where}: expected seq {n} of case {case_id}")
                return None
            if event["prev_hash"] != prev:
                report.problems.append(f"{where}: prev_hash does not link to event {n - 1}")
                return None
            if event_hash(event, payload) != event["hash"]:
                report.problems.append(f"{where} ({event['kind']}): hash does not match its content — changed")
                return None
            if global_hash(event["global_seq"], event["hash"], event["prev_global_hash"]) != event["global_hash"]:
                report.problems.append(f"{where}: global_hash does not match")
                return None
        except (KeyError, TypeError, ValueError):
            report.problems.append(f"{where}: malformed")
            return None
        prev = event["hash"]
        payloads.append(payload)
    chain = manifest.get("chain", {})
    report.check(bool(events) and prev == chain.get("head_hash") and len(events) == chain.get("events"),
                 f"case chain of {len(events)} events recomputes to the head {prev[:16]}…",
                 "events.json: the chain's head or length differs from the manifest")
    return payloads


def _check_records(records: list[Any], events: list[Any], payloads: list[Any], report: Report) -> None:
    chained = {p["record"]["id"]: p["record"] for e, p in zip(events, payloads, strict=True)
               if e["kind"] == "record_added"}
    bad = []
    for record in records:
        source = chained.get(record.get("id")) if isinstance(record, dict) else None
        fields = ("type", "data", "sha256", "supersedes", "reason")
        if source is None or any(record.get(f) != source.get(f) for f in fields) \
                or list(record.get("attachments") or []) != list(source.get("attachments") or []) \
                or record_hash(source) != source["sha256"]:
            bad.append(str(record.get("id") if isinstance(record, dict) else record))
    missing = sorted(set(chained) - {r.get("id") for r in records if isinstance(r, dict)})
    for record_id in bad:
        report.problems.append(f"records.json: record {record_id} differs from the chained record")
    for record_id in missing:
        report.problems.append(f"records.json: chained record {record_id} is missing")
    if not bad and not missing:
        report.passed.append(f"{len(records)} records match the chain and their own hashes")


def _check_attachments(files: dict[str, bytes], events: list[Any], payloads: list[Any], report: Report) -> None:
    cited = {sha for e, p in zip(events, payloads, strict=True) if e["kind"] == "record_added"
             for sha in p["record"].get("attachments", [])}
    problems = []
    for sha in sorted(cited):
        content = files.get(f"attachments/{sha}")
        if content is None:
            problems.append(f"attachments/{sha}: cited by a record but missing")
        elif hashlib.sha256(content).hexdigest() != sha:
            problems.append(f"attachments/{sha}: changed (its bytes no longer have that sha256)")
    report.problems.extend(problems)
    if not problems:
        report.passed.append(f"{len(cited)} attached files present, each matching the hash its record cites")


def _check_rules(files: dict[str, bytes], payloads: list[Any], report: Report) -> None:
    pinned = payloads[0].get("definition_sha256") if payloads else None
    if pinned is None:
        report.notes.append("rules.json is covered by the manifest only: this case was opened before definitions "
                            "were fingerprinted in its first event")
        return
    report.check(hashlib.sha256(files.get("rules.json", b"")).hexdigest() == pinned,
                 "rules.json is the definition the case was opened under (fingerprint in event 1)",
                 "rules.json: not the definition fingerprinted in the case's first event")


def _check_checkpoint(files: dict[str, bytes], events: list[Any], manifest: dict[str, Any], report: Report) -> None:
    checkpoint = manifest.get("checkpoint")
    if not checkpoint:
        report.notes.append("no signed checkpoint: the chain is internally consistent but not anchored")
        return
    path = _load_json(files, "global_path.json", report)
    seq, head = events[-1]["global_seq"], events[-1]["global_hash"]
    try:
        for step in path:
            if step.get("global_seq") != seq + 1:
                report.problems.append(f"global_path.json: expected global position {seq + 1}")
                return
            seq, head = seq + 1, global_hash(seq + 1, step["hash"], head)
    except (AttributeError, KeyError, TypeError):
        report.problems.append("global_path.json: malformed")
        return
    report.check(seq == checkpoint.get("global_seq") and head == checkpoint.get("global_hash"),
                 f"the case's last event leads through {len(path)} later event hash(es) to checkpoint position {seq}",
                 "global_path.json: the case's events do not lead to the signed checkpoint hash")
    try:
        public_key = bytes.fromhex(checkpoint["public_key"])
        fingerprint_ok = hashlib.sha256(public_key).hexdigest() == checkpoint["key_id"]
        signed = ed25519_verify(public_key, checkpoint_message(checkpoint), bytes.fromhex(checkpoint["signature"]))
    except (KeyError, TypeError, ValueError):
        fingerprint_ok = signed = False
    report.check(fingerprint_ok and signed, f"checkpoint signature verifies (Ed25519, key {checkpoint.get('key_id', '')[:16]}…)",
                 "checkpoint: the signature does not verify")
    report.notes.append(f"compare the key fingerprint {checkpoint.get('key_id')} with the one the office publishes")


def read_dossier(location: str | Path) -> dict[str, bytes]:
    path = Path(location)
    if path.is_dir():
        return {str(p.relative_to(path)).replace("\\", "/"): p.read_bytes() for p in sorted(path.rglob("*"))
                if p.is_file() and "__pycache__" not in p.parts}
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}


def verify(location: str | Path) -> dict[str, Any]:
    return verify_files_safely(read_dossier(location)).to_dict()


def verify_files_safely(files: dict[str, bytes]) -> Report:
    """``verify_files``, where a file too damaged to read is a finding, never a crash."""
    try:
        return verify_files(files)
    except (AttributeError, KeyError, TypeError, ValueError, IndexError) as exc:
        report = Report()
        report.problems.append(f"the dossier is malformed ({type(exc).__name__}: {exc})")
        return report


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    location = args[0] if args else Path(__file__).resolve().parent
    try:
        result = verify(location)
    except (OSError, zipfile.BadZipFile) as exc:
        print(f"cannot read the dossier: {exc}", file=sys.stderr)
        return 2
    if "--json" in argv:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for line in result["passed"]:
            print(f"ok       {line}")
        for line in result["problems"]:
            print(f"PROBLEM  {line}")
        for line in result["notes"]:
            print(f"note     {line}")
        print("VERIFIED 校验通过" if result["ok"] else "NOT VERIFIED 校验未通过")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
