"""政府合同合法性审查 (legality review of government contracts). Versions are added beside v1, never by editing it."""

from procedures.contract_review.v1 import PROCEDURE as V1

VERSIONS = (V1,)
