"""Files attached through a record form: read from the multipart request, checked all together before any is
stored, then uploaded one by one (``upload_attachment``) and cited by the record.

The service checks every upload (type accepted, bytes of that type, size); the same checks run here first
over *all* the files of the form, so that one bad file among several leaves nothing written — not even the
good files' upload events. The service stays the authority: what passes here is checked again there.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import FileStorage

from workflow.errors import InvalidInput, TooLarge, UnsupportedMedia
from workflow.services import attachments
from workflow.services.runtime import Actor, Runtime

FIELD = "attachments"  # the form's <input type=file multiple>
KEEP_FIELD = "keep_attachment"  # a corrected record's files, kept (checkboxes)
MAX_FILES = 10
SHA256 = re.compile(r"[0-9a-f]{64}")
UNKNOWN = ("", "application/octet-stream")
EXTRA_TYPES = {".ofd": "application/ofd"}  # China's fixed-layout format: no browser knows its type


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    content: bytes


def accepted() -> list[str]:
    """The document types an upload may have, as the service lists them."""
    return list(attachments.SIGNATURES)


def accept_attribute() -> str:
    """The file input's ``accept``: the types and their usual extensions (a hint to the file picker only)."""
    extensions = sorted({e for t in accepted() for e in mimetypes.guess_all_extensions(t)} | set(EXTRA_TYPES))
    return ",".join([*accepted(), *extensions])


def body_limit(max_attachment_bytes: int, max_fields_bytes: int) -> int:
    """The largest record form the page reads: MAX_FILES files at the size limit, and the record's fields as
    large as the API takes them (``max_json_bytes``)."""
    return MAX_FILES * max_attachment_bytes + max_fields_bytes


def _type_of(part: FileStorage) -> str:
    """The part's declared type; for a part the browser could not type, the one its file name suggests
    (the service still checks it against the bytes)."""
    declared = (part.mimetype or "").lower()
    if declared not in UNKNOWN:
        return declared
    name = (part.filename or "").lower()
    extension = name[name.rfind("."):] if "." in name else ""
    return EXTRA_TYPES.get(extension) or mimetypes.guess_type(name)[0] or declared


def read(parts: Iterable[FileStorage], limit: int) -> list[Upload]:
    """The files chosen in the form (an empty file input sends one nameless, empty part: not a file)."""
    chosen = [p for p in parts if p.filename]
    if len(chosen) > MAX_FILES:
        raise InvalidInput(f"at most {MAX_FILES} files at a time", fields={FIELD: [f"at most {MAX_FILES}"]},
                           problem="count", limit=MAX_FILES)
    return [Upload(p.filename or "", _type_of(p), p.stream.read(limit + 1)) for p in chosen]


def check(files: list[Upload], limit: int) -> None:
    """Refuse the whole form if any file would be refused (the same errors the service raises)."""
    for upload in files:
        if upload.content_type not in attachments.SIGNATURES:
            raise UnsupportedMedia(f"'{upload.content_type or 'no type'}' is not an accepted document type",
                                   accepted=accepted(), file=upload.filename)
        if not upload.content:
            raise InvalidInput("the file is empty", fields={FIELD: ["empty"]}, problem="empty", file=upload.filename)
        if len(upload.content) > limit:
            raise TooLarge(f"the file is larger than {limit} bytes", limit=limit, file=upload.filename)
        if not attachments.sniff_matches(upload.content_type, upload.content):
            raise UnsupportedMedia(f"the file's bytes are not a {upload.content_type} document",
                                   declared=upload.content_type, file=upload.filename)


def store(rt: Runtime, actor: Actor, files: list[Upload], limit: int) -> list[str]:
    """Upload each file; their sha256, in the form's order (a file chosen twice is cited once)."""
    hashes: list[str] = []
    for upload in files:
        stored = attachments.upload_attachment(rt, actor, content=upload.content, filename=upload.filename,
                                               content_type=upload.content_type, max_bytes=limit)
        if stored["sha256"] not in hashes:
            hashes.append(stored["sha256"])
    return hashes


def kept(values: Iterable[str]) -> list[str]:
    """The corrected record's files the user kept ticked (well-formed hashes only; the service checks them)."""
    hashes: list[str] = []
    for value in values:
        if SHA256.fullmatch(value) and value not in hashes:
            hashes.append(value)
    return hashes


def names(rt: Runtime, records: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The metadata (file name, type, size) of every file the records cite, by sha256."""
    cited = sorted({sha for r in records for sha in r.get("attachments") or ()})
    return {meta["sha256"]: meta for meta in attachments.list_attachments(rt, cited)} if cited else {}
