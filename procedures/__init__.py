"""Procedure definitions as data. ``build_registry()`` hands all of them to the engine.

Adding a procedure: a package beside ``major_decision`` whose ``__init__`` exports ``VERSIONS`` (every
version ever shipped, oldest first). It is found by name here; nothing in ``workflow`` or ``web`` changes
(docs/adding-a-procedure.md).
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from procedures.profiles import PROFILES
from procedures.reports import ANNUAL
from workflow.calendar import ChineseStatutoryCalendar
from workflow.definition import Procedure
from workflow.registry import ProcedureRegistry

_NOT_PROCEDURES = {"profiles"}


def procedure_packages() -> list[ModuleType]:
    """Every subpackage of ``procedures`` that exports ``VERSIONS``, in name order."""
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.ispkg and info.name not in _NOT_PROCEDURES:
            module = importlib.import_module(f"{__name__}.{info.name}")
            if hasattr(module, "VERSIONS"):
                found.append(module)
    return found


def all_procedures() -> list[Procedure]:
    return [version for package in procedure_packages() for version in package.VERSIONS]


def build_registry(calendar: ChineseStatutoryCalendar | None = None) -> ProcedureRegistry:
    """Validate and register every procedure version and profile (raises DefinitionError if any is wrong)."""
    return ProcedureRegistry(all_procedures(), PROFILES, calendar, reports=(ANNUAL,))
