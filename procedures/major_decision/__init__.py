"""重大行政决策 (major administrative decision). Versions are added beside v1, never by editing it."""

from procedures.major_decision.v1 import PROCEDURE as V1
from procedures.major_decision.v2 import PROCEDURE as V2
from procedures.major_decision.v3 import PROCEDURE as V3

VERSIONS = (V1, V2, V3)
