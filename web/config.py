"""Configuration from environment variables; read once when the app is created, never at import."""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workflow.adapters.db import DEFAULT_URL

SECRET_FILE = "instance/secret_key"


def _stored_secret(path: Path) -> str:
    """The key that signs the pages' session cookies when ``JUECE_SECRET_KEY`` is not set: one random key
    kept in a file (mode 0600), so that every worker process of the server signs and checks with the same
    key and sessions survive a restart. Created on first use; two processes starting at once agree."""
    for _attempt in range(50):
        try:
            key = path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue  # another process is writing it: read it again
            with os.fdopen(descriptor, "w", encoding="ascii") as out:
                out.write(secrets.token_hex(32) + "\n")
            continue
        if key:
            return key
        time.sleep(0.01)  # created by another process, not yet written
    raise RuntimeError(f"cannot read the secret key in {path}; set JUECE_SECRET_KEY")


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_URL
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32), repr=False)
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    max_json_bytes: int = 1024 * 1024
    # The session cookie of the web pages is sent over HTTPS only; set false only for plain-HTTP local use.
    secure_cookies: bool = True
    attachments_dir: str = "instance/attachments"
    max_attachment_bytes: int = 20 * 1024 * 1024
    # The Ed25519 key that signs checkpoints of the global chain; generated on first use (docs/operations.md).
    signing_key_path: str = "instance/checkpoint-key.pem"
    # Sign the chain head this often (seconds) while the server runs; 0: only on demand and by `juece checkpoint sign`.
    checkpoint_interval: int = 3600
    # How long an Idempotency-Key and its stored response are kept (seconds; "24h", "30m", "7d" also read).
    idempotency_ttl: int = 24 * 3600
    # Writes per token through the API, e.g. "60/minute", "1000/hour", "5/10s"; None (env "off"): no limit.
    write_rate: str | None = "60/minute"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env: Any = os.environ if environ is None else environ
        defaults = cls()
        return cls(
            database_url=env.get("JUECE_DATABASE_URL", DEFAULT_URL),
            secret_key=env.get("JUECE_SECRET_KEY") or _stored_secret(Path(env.get("JUECE_SECRET_KEY_FILE", SECRET_FILE))),
            host=env.get("JUECE_HOST", defaults.host),
            port=int(env.get("JUECE_PORT", defaults.port)),
            log_level=env.get("JUECE_LOG_LEVEL", defaults.log_level).upper(),
            max_json_bytes=int(env.get("JUECE_MAX_JSON_BYTES", defaults.max_json_bytes)),
            secure_cookies=env.get("JUECE_SECURE_COOKIES", "true").strip().lower() not in ("0", "false", "no", "off"),
            attachments_dir=env.get("JUECE_ATTACHMENTS_DIR", defaults.attachments_dir),
            max_attachment_bytes=int(env.get("JUECE_MAX_ATTACHMENT_BYTES", defaults.max_attachment_bytes)),
            signing_key_path=env.get("JUECE_SIGNING_KEY", defaults.signing_key_path),
            checkpoint_interval=int(env.get("JUECE_CHECKPOINT_INTERVAL", defaults.checkpoint_interval)),
            idempotency_ttl=duration_seconds(env.get("JUECE_IDEMPOTENCY_TTL", str(defaults.idempotency_ttl))),
            write_rate=_off_or(env.get("JUECE_WRITE_RATE", defaults.write_rate)),
        )


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration_seconds(text: str) -> int:
    """``"86400"``, ``"24h"``, ``"30m"``, ``"7d"`` or ``"90s"`` as seconds (at least 1)."""
    value = text.strip().lower()
    unit = _UNITS.get(value[-1:], None) if value else None
    number = value[:-1] if unit else value
    if not number.isdigit() or int(number) * (unit or 1) < 1:
        raise ValueError(f"not a duration: {text!r} (e.g. 86400, 24h, 30m, 7d)")
    return int(number) * (unit or 1)


def _off_or(value: str | None) -> str | None:
    if value is None or value.strip().lower() in ("", "0", "off", "none", "false", "no"):
        return None
    return value.strip()
