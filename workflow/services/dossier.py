"""The archive dossier (案卷, 条例 art. 33): one zip that anyone can check with ``python verify.py``.

Contents (docs/auditing.md says what each proves):

    manifest.json        case, procedure and profile versions, chain head, checkpoint, sha256 of every file
    manifest.sha256      the sha256 of manifest.json (sha256sum format)
    events.json          the case's events exactly as stored (payload as the hashed JSON text)
    records.json         every record, current or not, with the attachments it cites
    attachments.json     metadata of every attached file; attachments/<sha256> the files themselves
    attempts.json        refused transitions (not part of the chain)
    compliance.json      every past transition re-checked against the rules in force
    rules.json           the procedure definition the case runs under (fingerprinted in event 1)
    global_path.json     the hashes of the later events of the global chain up to the checkpoint
    index.html           a bilingual human-readable summary
    verify.py            the standard-library verifier (workflow/dossier_verify.py)
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import select

from workflow import dossier_verify
from workflow.adapters.orm import Attachment, Checkpoint, Event
from workflow.ledger import format_time
from workflow.services.attachments import attachment_dict
from workflow.services.audit import _stored_events, compliance
from workflow.services.checkpoints import sign_checkpoint
from workflow.services.common import _ensure_case, _event_dicts
from workflow.services.reads import case_attempts
from workflow.services.runtime import SYSTEM, Runtime
from workflow.snapshot import CaseSnapshot

VERIFIER_SOURCE = Path(dossier_verify.__file__)


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def _covering_checkpoint(rt: Runtime, last_global_seq: int) -> dict[str, Any] | None:
    with rt.db.read() as session:
        row = session.scalars(select(Checkpoint).where(Checkpoint.global_seq >= last_global_seq)
                              .order_by(Checkpoint.global_seq).limit(1)).first()
        if row is not None:
            return {"global_seq": row.global_seq, "global_hash": row.global_hash, "signed_at": row.signed_at,
                    "public_key": row.public_key, "key_id": row.key_id, "signature": row.signature}
    if rt.signer is None:
        return None
    signed = sign_checkpoint(rt, SYSTEM)  # on demand: the case's last event is not yet covered
    return {k: v for k, v in signed.items() if k != "id"}


def build_dossier(rt: Runtime, case_id: int) -> tuple[str, bytes]:
    """The dossier's file name and zip bytes."""
    with rt.db.read() as session:
        _ensure_case(session, case_id)
        events = _stored_events(session, case_id)
    checkpoint = _covering_checkpoint(rt, events[-1]["global_seq"])
    with rt.db.read() as session:
        case = _ensure_case(session, case_id)
        snapshot = CaseSnapshot.from_events(_event_dicts(session, case_id))
        cited = sorted({sha for r in snapshot.records for sha in r.attachments})
        attachments = [attachment_dict(a) for a in session.scalars(
            select(Attachment).where(Attachment.sha256.in_(cited)).order_by(Attachment.sha256))]
        path = []
        if checkpoint is not None:
            path = [{"global_seq": seq, "hash": digest} for seq, digest in session.execute(
                select(Event.global_seq, Event.hash)
                .where(Event.global_seq > events[-1]["global_seq"], Event.global_seq <= checkpoint["global_seq"])
                .order_by(Event.global_seq))]
        summary = {"id": case.id, "title": case.title, "procedure": case.procedure,
                   "procedure_version": case.procedure_version, "jurisdiction": case.jurisdiction,
                   "state": case.state, "decision_organ": case.decision_organ,
                   "undertaking_unit": case.undertaking_unit, "opened_at": case.opened_at}
    definition = rt.registry.procedure(case.procedure, case.procedure_version)
    records = [r.to_dict() for r in snapshot.records]
    attempts = case_attempts(rt, case_id)
    report = compliance(rt, case_id)
    files: dict[str, bytes] = {
        "events.json": _json(events),
        "records.json": _json(records),
        "attachments.json": _json(attachments),
        "attempts.json": _json(attempts),
        "compliance.json": _json(report),
        "rules.json": rt.registry.definition_json(definition),
        "global_path.json": _json(path),
        "verify.py": VERIFIER_SOURCE.read_bytes(),
    }
    assert rt.blobs is not None or not cited
    for sha in cited:
        files[f"attachments/{sha}"] = rt.blobs.get(sha)  # type: ignore[union-attr]
    generated_at = format_time(rt.clock())
    opened = json.loads(events[0]["payload"])
    files["index.html"] = _index_html(summary, definition.to_dict(), opened.get("profile"), records, events,
                                      attempts, report, checkpoint, attachments, generated_at)
    manifest = {
        "format": dossier_verify.FORMAT,
        "generated_at": generated_at,
        "case": summary,
        "profile": opened.get("profile"),
        "definition_sha256": opened.get("definition_sha256"),
        "chain": {"events": len(events), "head_hash": events[-1]["hash"],
                  "last_global_seq": events[-1]["global_seq"], "last_global_hash": events[-1]["global_hash"]},
        "checkpoint": checkpoint,
        "files": {name: {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
                  for name, content in sorted(files.items())},
    }
    manifest_bytes = _json(manifest)
    files[dossier_verify.MANIFEST] = manifest_bytes
    files[dossier_verify.MANIFEST_HASH] = f"{hashlib.sha256(manifest_bytes).hexdigest()}  manifest.json\n".encode()
    buffer = io.BytesIO()
    stamp = tuple(int(x) for x in (generated_at[:4], generated_at[5:7], generated_at[8:10],
                                   generated_at[11:13], generated_at[14:16], generated_at[17:19]))
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)  # type: ignore[arg-type]
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return f"juece-case-{case_id}-dossier.zip", buffer.getvalue()


# -- index.html -------------------------------------------------------------------------------------

_STYLE = """body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2rem;max-width:72rem;
color:#1b1b1b}table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #bbb;padding:.3rem .5rem;
text-align:left;vertical-align:top;font-size:.9rem}th{background:#eef1f4}code,pre{font-family:ui-monospace,monospace;
font-size:.8rem;white-space:pre-wrap;word-break:break-all}.bad{color:#a00}.ok{color:#060}"""


def _e(value: Any) -> str:
    return html.escape(str(value if value is not None else "—"))


def _rows(headers: list[str], rows: list[list[Any]], raw_columns: tuple[int, ...] = ()) -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c if i in raw_columns else _e(c)}</td>" for i, c in enumerate(row)) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _index_html(case: dict[str, Any], definition: dict[str, Any], profile: Any, records: list[dict[str, Any]],
                events: list[dict[str, Any]], attempts: list[dict[str, Any]], report: dict[str, Any],
                checkpoint: dict[str, Any] | None, attachments: list[dict[str, Any]], generated_at: str) -> bytes:
    labels = {r["name"]: r["label"]["zh"] for r in definition["record_types"]}
    names = {a["sha256"]: a["filename"] for a in attachments}
    record_rows = [[r["id"], f"{labels.get(r['type'], r['type'])} ({r['type']})", r["recorded_at"],
                    f"{r['recorded_by']} / {r['role']}", "是 yes" if r["current"] else "否 no",
                    f"<pre>{_e(json.dumps(r['data'], ensure_ascii=False, indent=1))}</pre>",
                    "<br>".join(f'<a href="attachments/{_e(s)}">{_e(names.get(s, s))}</a>' for s in r["attachments"])]
                   for r in records]
    event_rows = [[e["seq"], e["at"], f"{e['actor']} / {e['role']}", e["kind"], f"<code>{_e(e['hash'])}</code>"]
                  for e in events]
    attempt_rows = [[a["at"], f"{a['actor']} / {a['role']}", a["trigger"], a["outcome"],
                     ", ".join(u["rule"] for u in a.get("unmet") or [])] for a in attempts]
    findings = report.get("findings", [])
    finding_rows = [[f.get("seq"), f.get("trigger"), f.get("problem"), ", ".join(u["rule"] for u in f.get("unmet", []))]
                    for f in findings]
    anchor = (f"<p>签名检查点 Signed checkpoint: 全局位置 position {_e(checkpoint['global_seq'])}, "
              f"{_e(checkpoint['signed_at'])}; 公钥指纹 key fingerprint <code>{_e(checkpoint['key_id'])}</code></p>"
              if checkpoint else "<p class=bad>无签名检查点 No signed checkpoint.</p>")
    parameters = profile.get("parameters", {}) if isinstance(profile, dict) else {}
    page = f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>案卷 Dossier — {_e(case['title'])}</title><style>{_STYLE}</style></head><body>
<h1>{_e(case['title'])}</h1>
<p>案卷 Dossier · 案件 Case {_e(case['id'])} · 生成时间 Generated {_e(generated_at)}</p>
<h2>如何校验 How to verify</h2>
<p>解压后在本目录运行 <code>python verify.py</code>（仅需 Python 标准库）。Unpack and run <code>python verify.py</code>
in this folder (standard library only). 它重新计算每个哈希和事件链，检查每个附件，并验证签名检查点。
It recomputes every hash and the event chain, checks every attachment and verifies the signed checkpoint.</p>
{anchor}
<h2>案件 Case</h2>
{_rows(["字段 Field", "值 Value"], [["程序 Procedure", f"{definition['title']['zh']} / {definition['title']['en']} "
       f"({case['procedure']} v{case['procedure_version']})"], ["适用规则 Jurisdiction", case["jurisdiction"]],
      ["状态 State", case["state"]], ["决策机关 Decision organ", case["decision_organ"]],
      ["承办单位 Undertaking unit", case["undertaking_unit"]], ["立案 Opened", case["opened_at"]]])}
<h2>适用参数 Pinned jurisdiction parameters</h2>
{_rows(["参数 Parameter", "值 Value"], [[k, json.dumps(v, ensure_ascii=False)] for k, v in sorted(parameters.items())])}
<h2>记录 Records ({len(records)})</h2>
{_rows(["#", "类型 Type", "时间 At (UTC)", "记录人 By", "有效 Current", "内容 Data", "附件 Attachments"], record_rows, (5, 6))}
<h2>合规复核 Compliance re-check: {"通过 passed" if report.get("ok") else "发现问题 findings"}</h2>
{_rows(["事件 Event", "触发 Trigger", "问题 Problem", "未满足规则 Unmet rules"], finding_rows) if finding_rows else "<p class=ok>每一次流转均符合当时适用的规则。Every transition met the rules in force.</p>"}
<h2>被拒绝的操作 Refused attempts ({len(attempts)})</h2>
{_rows(["时间 At", "操作人 By", "触发 Trigger", "结果 Outcome", "未满足规则 Unmet"], attempt_rows)}
<h2>事件链 Event chain ({len(events)})</h2>
{_rows(["seq", "时间 At (UTC)", "操作人 By", "类型 Kind", "哈希 Hash"], event_rows, (4,))}
</body></html>"""
    return page.encode("utf-8")
