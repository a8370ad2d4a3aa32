"""What every use case needs: who acts, and the database, registry and clock they act on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from workflow.adapters.blobs import BlobStore
from workflow.adapters.db import Database
from workflow.adapters.signing import CheckpointSigner
from workflow.definition import ADMIN_ROLE
from workflow.registry import ProcedureRegistry

GLOBAL_CHAIN = "global"
AUDITOR_ROLE = "auditor"
SYSTEM_ROLE = "system"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Actor:
    """Who performs a use case: always the authenticated user, never a value from the request."""

    name: str
    role: str


@dataclass
class Runtime:
    """What every use case needs: the database, the procedure registry, and a clock."""

    db: Database
    registry: ProcedureRegistry
    clock: Callable[[], dt.datetime] = field(default=utc_now)
    blobs: BlobStore | None = None  # where attachments are kept (None: uploads refused)
    signer: CheckpointSigner | None = None  # the checkpoint key (None: checkpoints cannot be signed)

    def roles(self) -> set[str]:
        roles = {ADMIN_ROLE, AUDITOR_ROLE}
        for procedure in self.registry.all_versions():
            roles.update(procedure.roles)
        return roles


SYSTEM = Actor("juece", SYSTEM_ROLE)
