"""Wire the engine together: database from the environment, registry from the procedures package."""

from __future__ import annotations

import logging
import threading
import time

from procedures import build_registry
from web.config import Settings
from workflow.adapters.blobs import BlobStore
from workflow.adapters.db import Database
from workflow.adapters.signing import CheckpointSigner
from workflow.services import Runtime
from workflow.services.checkpoints import sign_checkpoint

log = logging.getLogger("juece.checkpoints")


def make_runtime(url: str | None = None, settings: Settings | None = None) -> Runtime:
    """A Runtime on ``url`` (default: ``JUECE_DATABASE_URL``, else ``sqlite:///instance/juece.db``), with the
    attachment store and checkpoint key of ``settings`` (default: from the environment)."""
    chosen = settings or Settings.from_env()
    return Runtime(db=Database(url or chosen.database_url), registry=build_registry(),
                   blobs=BlobStore(chosen.attachments_dir), signer=CheckpointSigner(chosen.signing_key_path))


def start_checkpoint_timer(runtime: Runtime, interval: int) -> threading.Thread | None:
    """Sign the chain head every ``interval`` seconds in a daemon thread (a no-op when the head has not moved)."""
    if interval <= 0:
        return None

    def run() -> None:
        while True:
            time.sleep(interval)
            try:
                signed = sign_checkpoint(runtime)
                log.info("checkpoint at global position %s", signed["global_seq"])
            except Exception:  # noqa: BLE001 - the timer must outlive a database hiccup; the error is logged
                log.exception("signing a checkpoint failed")

    thread = threading.Thread(target=run, name="juece-checkpoints", daemon=True)
    thread.start()
    return thread
