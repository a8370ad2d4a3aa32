"""重大行政决策 (major administrative decision). Versions are added beside v1, never by editing it."""

from procedures.major_decision.v1 import PROCEDURE as V1
from procedures.major_decision.v2 import PROCEDURE as V2

VERSIONS = (V1, V2)
