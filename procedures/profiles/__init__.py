"""Jurisdiction profiles: the parameters local rules set, each with its source.

Each local profile extends ``national`` and lists only what its source text sets. A profile is never
edited in place once cases run under it: a case pins the values it opened with (``case_opened``), and a
changed local rule is a new profile version.
"""

from procedures.profiles.gansu import GANSU
from procedures.profiles.henan import HENAN
from procedures.profiles.liaoning import LIAONING
from procedures.profiles.lishui import LISHUI
from procedures.profiles.national import NATIONAL
from procedures.profiles.qianjiang import QIANJIANG

PROFILES = (NATIONAL, QIANJIANG, LISHUI, LIAONING, HENAN, GANSU)
