"""Jurisdiction profiles: the parameters local rules set, each with its source."""

from procedures.profiles.national import NATIONAL

PROFILES = (NATIONAL,)
