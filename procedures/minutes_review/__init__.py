"""会议纪要（抄告单）合法性审查 (legality review of meeting minutes and memos). Versions are added beside v1, never
by editing it."""

from procedures.minutes_review.v1 import PROCEDURE as V1

VERSIONS = (V1,)
