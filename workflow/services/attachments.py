"""Attachments: the real documents (the draft, signed expert opinions, the minutes) as part of the proof.

An upload is checked against its bytes (the declared type must be what the file is), stored by its
sha256, and recorded as an ``attachment_uploaded`` event of the global chain in the same transaction as
its row. Records then cite the hash, so the record hash and the case chain cover the file's bytes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

from sqlalchemy import insert, select

from workflow.adapters.orm import Attachment
from workflow.errors import AttachmentNotFound, Forbidden, InvalidInput, TooLarge, UnsupportedMedia
from workflow.ledger import EventKind, format_time
from workflow.services.common import _append
from workflow.services.idempotency import RequestKey, remember, replay_if_done
from workflow.services.runtime import AUDITOR_ROLE, Actor, Runtime

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

OOXML = "application/vnd.openxmlformats-officedocument."
# Accepted types, each with how its bytes begin. Office formats of the zip family (docx, xlsx, pptx, OFD —
# China's fixed-layout format) share the zip signature; the legacy binary Office formats share OLE's.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/ofd": (b"PK\x03\x04",),
    "application/zip": (b"PK\x03\x04",),
    f"{OOXML}wordprocessingml.document": (b"PK\x03\x04",),
    f"{OOXML}spreadsheetml.sheet": (b"PK\x03\x04",),
    f"{OOXML}presentationml.presentation": (b"PK\x03\x04",),
    "application/msword": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "application/vnd.ms-excel": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "text/plain": (),  # checked as UTF-8 text instead
}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def safe_filename(name: str | None) -> str:
    """A file name safe to store and to send back in Content-Disposition: no path, no control characters."""
    text = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    text = _UNSAFE.sub("_", text).strip(" .")
    return text[:200] or "attachment"


def sniff_matches(content_type: str, content: bytes) -> bool:
    if content_type == "text/plain":
        if b"\x00" in content:
            return False
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    return any(content.startswith(signature) for signature in SIGNATURES[content_type])


def upload_attachment(rt: Runtime, actor: Actor, *, content: bytes, filename: str | None, content_type: str | None,
                      max_bytes: int = DEFAULT_MAX_BYTES, idempotency: RequestKey | None = None) -> dict[str, Any]:
    """Store a file and chain its upload; the same bytes uploaded again return the first upload, unchanged.

    ``idempotency``: the client's request key (``workflow.services.idempotency``)."""
    if actor.role == AUDITOR_ROLE:
        raise Forbidden("auditors read; they do not upload", allowed_roles=sorted(rt.roles() - {AUDITOR_ROLE}))
    if rt.blobs is None:
        raise InvalidInput("this installation has no attachment store configured", fields={"file": ["no store"]})
    declared = (content_type or "").split(";", 1)[0].strip().lower()
    if declared not in SIGNATURES:
        raise UnsupportedMedia(f"'{declared or 'no type'}' is not an accepted document type",
                               accepted=sorted(SIGNATURES))
    if not content:
        raise InvalidInput("the file is empty", fields={"file": ["empty"]})
    if len(content) > max_bytes:
        raise TooLarge(f"the file is larger than {max_bytes} bytes", limit=max_bytes)
    if not sniff_matches(declared, content):
        raise UnsupportedMedia(f"the file's bytes are not a {declared} document", declared=declared)
    digest = hashlib.sha256(content).hexdigest()
    name = safe_filename(filename)
    with rt.db.write() as session:
        replay_if_done(session, rt, idempotency)
        existing = session.get(Attachment, digest)
        if existing is not None:
            return remember(session, rt, idempotency, attachment_dict(existing))
        rt.blobs.put(content)  # before the row commits: a row never names bytes the store lacks
        at = format_time(rt.clock())
        payload = {"sha256": digest, "size": len(content), "content_type": declared, "filename": name}
        event = _append(session, rt, case=None, kind=EventKind.ATTACHMENT_UPLOADED, payload=payload, actor=actor, at=at)
        session.execute(insert(Attachment), {**payload, "uploaded_at": at, "uploaded_by": actor.name, "role": actor.role,
                                             "event_global_seq": event["global_seq"]})
        return remember(session, rt, idempotency,
                        {**payload, "uploaded_at": at, "uploaded_by": actor.name, "role": actor.role})


def attachment_dict(row: Attachment) -> dict[str, Any]:
    return {"sha256": row.sha256, "size": row.size, "content_type": row.content_type, "filename": row.filename,
            "uploaded_at": row.uploaded_at, "uploaded_by": row.uploaded_by, "role": row.role}


def attachment_meta(rt: Runtime, sha256: str) -> dict[str, Any]:
    with rt.db.read() as session:
        row = session.get(Attachment, sha256) if re.fullmatch(r"[0-9a-f]{64}", sha256 or "") else None
        if row is None:
            raise AttachmentNotFound(f"no attachment {sha256}", sha256=sha256)
        return attachment_dict(row)


def read_attachment(rt: Runtime, sha256: str) -> tuple[dict[str, Any], bytes]:
    """The file's metadata and bytes, checked against its hash on the way out."""
    meta = attachment_meta(rt, sha256)
    assert rt.blobs is not None
    content = rt.blobs.get(sha256)
    if hashlib.sha256(content).hexdigest() != sha256:
        raise AttachmentNotFound(f"the stored bytes of {sha256} no longer match their hash", sha256=sha256,
                                 problem="changed in the store")
    return meta, content


def list_attachments(rt: Runtime, shas: list[str]) -> list[dict[str, Any]]:
    with rt.db.read() as session:
        rows = session.scalars(select(Attachment).where(Attachment.sha256.in_(shas))).all()
        return [attachment_dict(r) for r in rows]
