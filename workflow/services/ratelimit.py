"""Writes counted per token in fixed windows, in a table every worker process shares.

One statement per counted request, atomic on SQLite and PostgreSQL alike: an upsert that starts a new
window or adds one to the current window's count, returning the count. A request beyond the limit is
refused with ``TooManyRequests`` (``retry_after``: seconds until the window ends). Refused requests count
too, so a client hammering the API stays refused until the window ends.

Why a table and not a counter in memory: gunicorn runs several worker processes, each with its own memory;
a per-process counter would let a token write ``limit × workers`` times per window, and a different amount
depending on which worker each request happens to reach.
"""

from __future__ import annotations

from sqlalchemy import case
from sqlalchemy.dialects import postgresql, sqlite

from workflow.adapters.orm import RateCounter
from workflow.errors import TooManyRequests
from workflow.services.runtime import Runtime


def count_request(rt: Runtime, bucket: str, *, limit: int, period: int) -> int:
    """Count one request in ``bucket``; raise ``TooManyRequests`` past ``limit`` per ``period`` seconds.

    Returns the count so far in the current window."""
    second = int(rt.clock().timestamp())
    window = second // period
    insert = (sqlite.insert if rt.db.is_sqlite else postgresql.insert)(RateCounter).values(
        bucket=bucket, window_no=window, hits=1)
    upsert = insert.on_conflict_do_update(
        index_elements=[RateCounter.bucket],
        set_={
            "hits": case((RateCounter.window_no == insert.excluded.window_no, RateCounter.hits + 1), else_=1),
            "window_no": insert.excluded.window_no,
        },
    ).returning(RateCounter.hits)
    with rt.db.writer.begin() as connection:
        hits = int(connection.execute(upsert).scalar_one())
    if hits > limit:
        retry_after = period - second % period
        raise TooManyRequests(
            f"more than {limit} writes in {period} s with this token; try again in {retry_after} s",
            limit=limit, period=period, retry_after=retry_after,
        )
    return hits
