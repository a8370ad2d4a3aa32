"""重大行政执法决定法制审核 (legal review of major enforcement decisions). Versions are added beside v1, never by
editing it."""

from procedures.enforcement_review.v1 import PROCEDURE as V1

VERSIONS = (V1,)
