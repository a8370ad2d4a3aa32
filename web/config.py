"""Configuration from environment variables; read once when the app is created, never at import."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from typing import Any

from workflow.adapters.db import DEFAULT_URL


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

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env: Any = os.environ if environ is None else environ
        defaults = cls()
        return cls(
            database_url=env.get("JUECE_DATABASE_URL", DEFAULT_URL),
            secret_key=env.get("JUECE_SECRET_KEY") or defaults.secret_key,
            host=env.get("JUECE_HOST", defaults.host),
            port=int(env.get("JUECE_PORT", defaults.port)),
            log_level=env.get("JUECE_LOG_LEVEL", defaults.log_level).upper(),
            max_json_bytes=int(env.get("JUECE_MAX_JSON_BYTES", defaults.max_json_bytes)),
            secure_cookies=env.get("JUECE_SECURE_COOKIES", "true").strip().lower() not in ("0", "false", "no", "off"),
        )
