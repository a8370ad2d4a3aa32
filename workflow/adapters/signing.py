"""The Ed25519 key that signs checkpoints of the global chain.

The private key lives in a PEM file (PKCS#8, unencrypted, mode 0600) at a configurable path and is
generated on first use. What a checkpoint carries is the raw 32-byte public key and its fingerprint, so a
verifier needs no PEM parsing and can compare the fingerprint with the one the office publishes.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def key_fingerprint(public_key_hex: str) -> str:
    return hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()


class CheckpointSigner:
    def __init__(self, key_path: str | Path) -> None:
        self.key_path = Path(key_path)
        self._key: Ed25519PrivateKey | None = None

    def _load(self) -> Ed25519PrivateKey:
        if self._key is None:
            if not self.key_path.exists():
                self._generate()
            loaded = serialization.load_pem_private_key(self.key_path.read_bytes(), password=None)
            if not isinstance(loaded, Ed25519PrivateKey):
                raise ValueError(f"{self.key_path} is not an Ed25519 private key")
            self._key = loaded
        return self._key

    def _generate(self) -> None:
        self.key_path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        # O_EXCL: two workers starting together must not each write a different key.
        try:
            handle = os.open(self.key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return
        with os.fdopen(handle, "wb") as out:
            out.write(pem)

    @property
    def public_key_hex(self) -> str:
        raw = self._load().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return raw.hex()

    def sign(self, message: bytes) -> str:
        return self._load().sign(message).hex()


def signature_valid(public_key_hex: str, message: bytes, signature_hex: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex)).verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True
