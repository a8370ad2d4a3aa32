"""Procedure definitions as data. ``build_registry()`` hands all of them to the engine.

Adding a procedure: a package beside ``major_decision`` with ``VERSIONS``, listed in ``ALL`` below.
Nothing in ``workflow`` or ``web`` changes (docs/adding-a-procedure.md).
"""

from __future__ import annotations

from procedures import major_decision
from procedures.profiles import PROFILES
from workflow.calendar import ChineseStatutoryCalendar
from workflow.definition import Procedure
from workflow.registry import ProcedureRegistry

ALL = (major_decision,)


def all_procedures() -> list[Procedure]:
    return [version for package in ALL for version in package.VERSIONS]


def build_registry(calendar: ChineseStatutoryCalendar | None = None) -> ProcedureRegistry:
    """Validate and register every procedure version and profile (raises DefinitionError if any is wrong)."""
    return ProcedureRegistry(all_procedures(), PROFILES, calendar)
