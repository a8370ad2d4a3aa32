"""The archive dossier verifies offline with the standard library alone, and any single changed byte in any
file of it is found and named; signed checkpoints detect a truncated or rewritten history."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text

from procedures.major_decision import samples
from tests.conftest import START, UNDERTAKING, apply, open_case
from workflow import dossier_verify, services
from workflow.adapters.blobs import BlobStore
from workflow.adapters.signing import CheckpointSigner
from workflow.errors import InvalidInput, TooLarge, UnsupportedMedia
from workflow.services import Runtime
from workflow.services.attachments import safe_filename, upload_attachment
from workflow.services.checkpoints import list_checkpoints, sign_checkpoint, verify_checkpoints
from workflow.services.dossier import build_dossier

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def art(rt, tmp_path) -> Runtime:
    """A runtime with an attachment store and a checkpoint key."""
    return Runtime(db=rt.db, registry=rt.registry, clock=rt.clock, blobs=BlobStore(tmp_path / "blobs"),
                   signer=CheckpointSigner(tmp_path / "keys" / "checkpoint.pem"))


def _walked_case_with_attachments(art: Runtime) -> tuple[int, str]:
    uploaded = upload_attachment(art, UNDERTAKING, content=PDF, filename="../../决策草案.pdf",
                                 content_type="application/pdf")
    case_id = open_case(art)
    steps = samples.walk_to_execution(START, hearing=False, experts=False, risk=False)
    draft_at = next(i for i, s in enumerate(steps) if s.name == "draft")
    apply(art, case_id, steps[:draft_at])
    draft = steps[draft_at]
    services.add_record(art, UNDERTAKING, case_id, record_type="draft", data=draft.data, attachments=[uploaded["sha256"]])
    apply(art, case_id, steps[draft_at + 1:])
    return case_id, uploaded["sha256"]


def _zip_members(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def _rezip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_upload_is_checked_against_its_bytes_named_safely_and_chained(art):
    uploaded = upload_attachment(art, UNDERTAKING, content=PDF, filename="..\\a/b/决策草案.pdf", content_type="application/pdf")
    assert uploaded["filename"] == "决策草案.pdf" and uploaded["size"] == len(PDF)
    assert upload_attachment(art, UNDERTAKING, content=PDF, filename="x.pdf", content_type="application/pdf") == uploaded
    with pytest.raises(UnsupportedMedia):
        upload_attachment(art, UNDERTAKING, content=b"<html>", filename="a.pdf", content_type="application/pdf")
    with pytest.raises(UnsupportedMedia):
        upload_attachment(art, UNDERTAKING, content=PDF, filename="a.exe", content_type="application/x-msdownload")
    with pytest.raises(TooLarge):
        upload_attachment(art, UNDERTAKING, content=PDF, filename="a.pdf", content_type="application/pdf", max_bytes=10)
    with pytest.raises(UnsupportedMedia):
        upload_attachment(art, UNDERTAKING, content=b"\xff\xfe\x00bad", filename="a.txt", content_type="text/plain")
    assert safe_filename('a:b*c?"<>|\x07.txt') == "a_b_c______.txt" and safe_filename("...") == "attachment"
    events = services.verify_all(art)
    assert events["ok"] and events["global"]["events"] == 1  # one upload event: the refusals wrote nothing


def test_a_record_cites_only_uploaded_files(art):
    case_id = open_case(art)
    data = {"proposer": "某局", "proposer_kind": "department", "problem": "p", "grounds": "g"}
    with pytest.raises(InvalidInput):
        services.add_record(art, UNDERTAKING, case_id, record_type="proposal", data=data, attachments=["0" * 64])
    with pytest.raises(InvalidInput):
        services.add_record(art, UNDERTAKING, case_id, record_type="proposal", data=data, attachments=["not-a-hash"])
    sha = upload_attachment(art, UNDERTAKING, content=PDF, filename="p.pdf", content_type="application/pdf")["sha256"]
    added = services.add_record(art, UNDERTAKING, case_id, record_type="proposal", data=data, attachments=[sha])
    assert added["attachments"] == [sha]
    assert dossier_verify.record_hash({**added, "supersedes": None}) == added["sha256"]


def test_dossier_verifies_offline_with_only_the_standard_library(art, tmp_path):
    case_id, sha = _walked_case_with_attachments(art)
    name, blob = build_dossier(art, case_id)
    assert name == f"juece-case-{case_id}-dossier.zip"
    members = _zip_members(blob)
    assert {"manifest.json", "manifest.sha256", "events.json", "records.json", "attempts.json", "compliance.json",
            "rules.json", "global_path.json", "index.html", "verify.py", f"attachments/{sha}"} <= set(members)
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        archive.extractall(folder)
    # -I: isolated mode, no site-packages, no juece on the path: the standard library alone.
    run = subprocess.run([sys.executable, "-I", "verify.py"], cwd=folder, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "VERIFIED" in run.stdout and "checkpoint signature verifies" in run.stdout
    assert "rules.json is the definition the case was opened under" in run.stdout
    index = members["index.html"].decode()
    assert "决策草案.pdf" in index and "python verify.py" in index


def test_every_single_byte_change_is_named(art, tmp_path):
    case_id, _ = _walked_case_with_attachments(art)
    members = _zip_members(build_dossier(art, case_id)[1])
    assert dossier_verify.verify_files_safely(members).to_dict()["ok"]
    for name, content in members.items():
        for position in {0, len(content) // 2, len(content) - 1}:
            changed = bytearray(content)
            changed[position] ^= 0x01
            report = dossier_verify.verify_files_safely({**members, name: bytes(changed)}).to_dict()
            assert not report["ok"], (name, position)
            assert any(name in problem or "manifest.json" in problem for problem in report["problems"]), (name, report)


def test_verifier_cli_on_a_changed_zip_exits_1_and_names_the_file(art, tmp_path):
    case_id, sha = _walked_case_with_attachments(art)
    members = _zip_members(build_dossier(art, case_id)[1])
    members[f"attachments/{sha}"] = members[f"attachments/{sha}"].replace(b"Catalog", b"Catalug")
    target = tmp_path / "changed.zip"
    target.write_bytes(_rezip(members))
    verifier = tmp_path / "verify.py"
    verifier.write_bytes(members["verify.py"])
    run = subprocess.run([sys.executable, "-I", str(verifier), str(target)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert f"attachments/{sha}: changed" in run.stdout and "NOT VERIFIED" in run.stdout


def test_a_consistently_rewritten_dossier_fails_the_signature(art):
    """Editing a record and recomputing every hash and the manifest is caught by the signed checkpoint."""
    case_id, _ = _walked_case_with_attachments(art)
    members = _zip_members(build_dossier(art, case_id)[1])
    events = json.loads(members["events.json"])
    payload = json.loads(events[0]["payload"])
    payload["title"] = "改过的标题"
    events[0]["payload"] = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    prev = dossier_verify.GENESIS
    prev_global = events[0]["prev_global_hash"]
    for event in events:
        event["prev_hash"] = prev
        event["hash"] = dossier_verify.event_hash(event, json.loads(event["payload"]))
        event["prev_global_hash"] = prev_global
        event["global_hash"] = dossier_verify.global_hash(event["global_seq"], event["hash"], prev_global)
        prev, prev_global = event["hash"], event["global_hash"]
    members["events.json"] = json.dumps(events, ensure_ascii=False).encode()
    manifest = json.loads(members["manifest.json"])
    manifest["chain"]["head_hash"] = prev
    for name in manifest["files"]:
        manifest["files"][name]["sha256"] = dossier_verify.hashlib.sha256(members[name]).hexdigest()
    members["manifest.json"] = json.dumps(manifest).encode()
    members["manifest.sha256"] = f"{dossier_verify.hashlib.sha256(members['manifest.json']).hexdigest()}  manifest.json\n".encode()
    report = dossier_verify.verify_files_safely(members).to_dict()
    assert not report["ok"]
    assert report["problems"] == ["global_path.json: the case's events do not lead to the signed checkpoint hash"]


def test_checkpoints_detect_a_truncated_or_rewritten_tail(art):
    case_id, _ = _walked_case_with_attachments(art)
    first = sign_checkpoint(art)
    assert sign_checkpoint(art) == first  # the head has not moved: no second checkpoint
    exported = list_checkpoints(art)[0]
    assert exported[0]["ok"] and exported[0]["current_key"]
    kept_outside = [{k: v for k, v in c.items() if k in ("global_seq", "global_hash", "signed_at", "public_key",
                                                          "key_id", "signature")} for c in exported]
    with art.db.write() as session:  # cut the last event off cleanly and move the head row back
        last = session.execute(text("SELECT global_seq, prev_global_hash, case_id FROM events "
                                    "ORDER BY global_seq DESC LIMIT 1")).one()
        session.execute(text("DELETE FROM events WHERE global_seq = :s"), {"s": last.global_seq})
        session.execute(text("UPDATE chain_heads SET seq = :s, hash = :h"),
                        {"s": last.global_seq - 1, "h": last.prev_global_hash})
        session.execute(text("DELETE FROM checkpoints"))  # and remove the stored checkpoints too
    outside = verify_checkpoints(art, kept_outside)
    assert not outside["ok"]
    assert "its tail was removed" in outside["failures"][0]["problems"][0]


def test_a_forged_checkpoint_fails(art):
    open_case(art)
    checkpoint = {k: v for k, v in sign_checkpoint(art).items() if k != "id"}
    forged = {**checkpoint, "global_hash": "f" * 64}
    result = verify_checkpoints(art, [forged])
    assert result["failures"][0]["problems"][0] == "the signature does not verify"
    with pytest.raises(InvalidInput):
        verify_checkpoints(art, [{"global_seq": "1"}])


def test_the_key_is_created_once_with_private_permissions(art):
    sign_checkpoint(art)
    key = Path(art.signer.key_path)
    assert key.stat().st_mode & 0o777 == 0o600
    public = art.signer.public_key_hex
    assert CheckpointSigner(key).public_key_hex == public


def test_the_rules_fingerprint_ignores_display_labels(rt):
    """A label added or corrected later must not make an archived case's rules look changed."""
    import dataclasses

    from procedures import all_procedures
    from procedures.profiles import PROFILES
    from workflow.registry import ProcedureRegistry

    procedure = rt.registry.procedure("major_decision")
    relabelled = dataclasses.replace(procedure, record_types=tuple(
        dataclasses.replace(r, fields=tuple(dataclasses.replace(f, label=f.label + "（改）", label_en="changed")
                                            for f in r.fields)) for r in procedure.record_types))
    others = [p for p in all_procedures() if (p.name, p.version) != (procedure.name, procedure.version)]
    later = ProcedureRegistry([*others, relabelled], PROFILES)
    assert later.definition_sha256(relabelled) == rt.registry.definition_sha256(procedure)
    retimed = dataclasses.replace(procedure, deadlines=procedure.deadlines[:1])  # a change that decides something
    assert ProcedureRegistry([*others, retimed], PROFILES).definition_sha256(retimed) != rt.registry.definition_sha256(procedure)
