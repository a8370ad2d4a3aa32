"""决策事项目录 (the annual catalog of major decision matters). Versions are added beside v1, never by editing it."""

from procedures.decision_catalog.v1 import PROCEDURE as V1

VERSIONS = (V1,)
