"""行政规范性文件 (administrative normative documents). Versions are added beside v1, never by editing it."""

from procedures.normative_document.v1 import PROCEDURE as V1

VERSIONS = (V1,)
