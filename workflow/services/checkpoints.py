"""Signed checkpoints of the global chain: evidence against deleting or rewriting the tail of history.

A hash chain shows an edit in the middle, but not a tail cut off cleanly (with the head row moved back)
nor a tail rewritten with freshly computed hashes. A checkpoint is an Ed25519 signature over
``{global_seq, global_hash}`` at a moment; a copy kept outside the database (exported, printed, sent to
the archive or a higher office) pins the chain: later, the event at that position must still carry that
hash. The key never leaves the server; its public half and fingerprint go with every checkpoint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, insert, select

from workflow.adapters.orm import ChainHead, Checkpoint, Event
from workflow.adapters.signing import key_fingerprint, signature_valid
from workflow.definition import ADMIN_ROLE
from workflow.errors import Forbidden, InvalidInput
from workflow.ledger import canonical, format_time
from workflow.services.idempotency import RequestKey, remember, replay_if_done
from workflow.services.runtime import GLOBAL_CHAIN, SYSTEM, Actor, Runtime
from workflow.validation import MAX_ID

SIGNERS = (ADMIN_ROLE, "legal_office", "system")
STATEMENT = "juece global chain checkpoint"


def current_public_key(rt: Runtime) -> str | None:
    """This installation's signing key, if it has one yet (reading it never creates it)."""
    return rt.signer.public_key_hex if rt.signer is not None and rt.signer.key_path.exists() else None


def checkpoint_message(checkpoint: Mapping[str, Any]) -> bytes:
    """The exact bytes signed (docs/auditing.md gives the same recipe for a verifier)."""
    return canonical({
        "statement": STATEMENT,
        "global_seq": checkpoint["global_seq"],
        "global_hash": checkpoint["global_hash"],
        "signed_at": checkpoint["signed_at"],
        "key_id": checkpoint["key_id"],
    })


def as_dict(row: Checkpoint) -> dict[str, Any]:
    return {"id": row.id, "global_seq": row.global_seq, "global_hash": row.global_hash, "signed_at": row.signed_at,
            "public_key": row.public_key, "key_id": row.key_id, "signature": row.signature}


def sign_checkpoint(rt: Runtime, actor: Actor = SYSTEM, *, idempotency: RequestKey | None = None) -> dict[str, Any]:
    """Sign the current head of the global chain (or return the latest checkpoint if the head has not moved).

    ``idempotency``: the client's request key (``workflow.services.idempotency``)."""
    if actor.role not in SIGNERS:
        raise Forbidden("only the system, an administrator or the legal office signs checkpoints",
                        allowed_roles=[r for r in SIGNERS if r != "system"])
    if rt.signer is None:
        raise InvalidInput("this installation has no checkpoint key configured", fields={"key": ["not configured"]})
    with rt.db.write() as session:
        replay_if_done(session, rt, idempotency)
        head = session.execute(select(ChainHead.seq, ChainHead.hash).where(ChainHead.name == GLOBAL_CHAIN)).one()
        latest = session.scalars(select(Checkpoint).order_by(Checkpoint.id.desc()).limit(1)).first()
        public_key = rt.signer.public_key_hex
        if latest is not None and latest.global_seq == head.seq and latest.public_key == public_key:
            return remember(session, rt, idempotency, as_dict(latest))
        unsigned = {"global_seq": head.seq, "global_hash": head.hash, "signed_at": format_time(rt.clock()),
                    "public_key": public_key, "key_id": key_fingerprint(public_key)}
        signed = {**unsigned, "signature": rt.signer.sign(checkpoint_message(unsigned))}
        new_id = session.execute(insert(Checkpoint).returning(Checkpoint.id), signed).scalar_one()
        return remember(session, rt, idempotency, {"id": new_id, **signed})


def list_checkpoints(rt: Runtime, *, limit: int = 100, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Checkpoints newest first, each checked against the chain as it stands now."""
    if not (0 <= offset <= MAX_ID and 0 <= limit <= 1000):
        raise InvalidInput("the page is out of range", fields={"page": ["out of range"]})
    with rt.db.read() as session:
        total = session.scalar(select(func.count()).select_from(Checkpoint)) or 0
        rows = session.scalars(select(Checkpoint).order_by(Checkpoint.id.desc()).limit(limit).offset(offset)).all()
        found = [as_dict(r) for r in rows]
        hashes = _chain_hashes(session, {c["global_seq"] for c in found})
        head_seq = session.scalar(select(ChainHead.seq).where(ChainHead.name == GLOBAL_CHAIN)) or 0
    current_key = current_public_key(rt)
    return [{**c, **check_checkpoint(c, hashes, head_seq, current_key)} for c in found], total


def _chain_hashes(session: Any, positions: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(positions))
    if not wanted:
        return {}
    rows = session.execute(select(Event.global_seq, Event.global_hash).where(Event.global_seq.in_(wanted))).all()
    return {seq: digest for seq, digest in rows}


def check_checkpoint(checkpoint: Mapping[str, Any], chain_hashes: Mapping[int, str], head_seq: int,
                     current_key: str | None) -> dict[str, Any]:
    """Is the signature good, and does the chain still hold this hash at this position?"""
    problems = []
    try:
        fingerprint = key_fingerprint(checkpoint["public_key"])
    except ValueError:
        fingerprint = None
    if fingerprint != checkpoint["key_id"]:
        problems.append("key_id is not the fingerprint of the public key")
    if not signature_valid(checkpoint["public_key"], checkpoint_message(checkpoint), checkpoint["signature"]):
        problems.append("the signature does not verify")
    if checkpoint["global_seq"] > head_seq:
        problems.append(f"the chain ends at {head_seq}, before this checkpoint's position {checkpoint['global_seq']}: "
                        "its tail was removed")
    elif checkpoint["global_seq"] > 0 and chain_hashes.get(checkpoint["global_seq"]) != checkpoint["global_hash"]:
        problems.append(f"the event at global position {checkpoint['global_seq']} no longer carries the signed hash: "
                        "history was rewritten")
    return {"ok": not problems, "problems": problems,
            "current_key": current_key is not None and checkpoint["public_key"] == current_key}


def verify_checkpoints(rt: Runtime, checkpoints: Iterable[Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """Check stored checkpoints, or a list kept outside the database (``checkpoints``), against the chain."""
    with rt.db.read() as session:
        if checkpoints is None:
            listed = [as_dict(r) for r in session.scalars(select(Checkpoint).order_by(Checkpoint.id))]
        else:
            listed = [_validated(c) for c in checkpoints]
        hashes = _chain_hashes(session, {c["global_seq"] for c in listed})
        head_seq = session.scalar(select(ChainHead.seq).where(ChainHead.name == GLOBAL_CHAIN)) or 0
    current_key = current_public_key(rt)
    results = [{**c, **check_checkpoint(c, hashes, head_seq, current_key)} for c in listed]
    return {"ok": all(r["ok"] for r in results), "checked": len(results), "chain_head_seq": head_seq,
            "failures": [r for r in results if not r["ok"]]}


def _validated(checkpoint: Any) -> dict[str, Any]:
    keys = ("global_seq", "global_hash", "signed_at", "public_key", "key_id", "signature")
    if not isinstance(checkpoint, Mapping) or any(k not in checkpoint for k in keys) \
            or not isinstance(checkpoint["global_seq"], int) \
            or not all(isinstance(checkpoint[k], str) for k in keys if k != "global_seq"):
        raise InvalidInput("a checkpoint needs global_seq (int) and global_hash, signed_at, public_key, key_id, "
                           "signature (strings)", fields={"checkpoints": ["malformed checkpoint"]})
    return {k: checkpoint[k] for k in keys}
