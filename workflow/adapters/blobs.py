"""Content-addressed storage for attachments: a file's name is the sha256 of its bytes.

Stored once however often it is referenced, never overwritten (same name, same bytes), written to a
temporary file and renamed into place so a crash never leaves a half-written blob under its final name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from workflow.errors import AttachmentNotFound


class BlobStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, content: bytes) -> str:
        digest = hashlib.sha256(content).hexdigest()
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return digest

    def get(self, sha256: str) -> bytes:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise AttachmentNotFound(f"attachment {sha256} is not in the store", sha256=sha256) from None

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()
