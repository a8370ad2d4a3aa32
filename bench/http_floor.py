"""The HTTP floor for ``bench/http_w1.py``: a bare Flask app that answers the same requests as juece's API
with the w1 floor's raw ``sqlite3`` statements — token lookup, then the engine's SQL — and nothing else:
no schemas, no validation, no rules, no ORM. Served by gunicorn like the real app:

    JUECE_DATABASE_URL=sqlite:////path/floor.db gunicorn -w 2 'bench.http_floor:create_app()'
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from typing import Any

from flask import Flask, Response, g, request

from bench import w1
from workflow.ledger import format_time
from workflow.services import Actor, utc_now

SELECT_TOKEN = (
    "SELECT users.name, users.role FROM api_tokens JOIN users ON users.id = api_tokens.user_id "
    "WHERE api_tokens.token_hash = ?"
)
SELECT_EVENTS = (
    "SELECT seq, global_seq, at, actor, role, kind, payload, prev_hash, hash, prev_global_hash, global_hash "
    "FROM events WHERE case_id = ? ORDER BY seq"
)


def create_app() -> Flask:
    path = os.environ["JUECE_DATABASE_URL"].split("///", 1)[1]
    synchronous = os.environ.get("JUECE_SQLITE_SYNCHRONOUS", "FULL")
    plan = w1.floor_plan()
    server_set = {op[2]: op[3][1:] for op in plan.ops if op[0] == "record"}  # (stamped fields, unlinked reference)
    moves = {op[2]: op[3] for op in plan.ops if op[0] == "fire"}
    local = threading.local()
    app = Flask(__name__)

    def con() -> sqlite3.Connection:
        if not hasattr(local, "con"):
            local.con = w1.floor_connect(path, synchronous)
        return local.con  # type: ignore[no-any-return]

    @app.before_request
    def authenticate() -> Any:
        header = request.headers.get("Authorization", "")
        digest = hashlib.sha256(header.removeprefix("Bearer ").encode()).hexdigest()
        row = con().execute(SELECT_TOKEN, (digest,)).fetchone()
        if row is None:
            return Response('{"error":"unauthenticated"}', 401, mimetype="application/json")
        g.actor = Actor(row[0], row[1])
        return None

    def answer(body: Any, status: int = 200) -> Response:
        return Response(json.dumps(body, ensure_ascii=False), status, mimetype="application/json")

    @app.post("/api/v1/cases")
    def open_case() -> Response:
        case_id = w1._floor_open(con(), plan, format_time(utc_now()))
        return answer({"id": case_id, "version": 1}, 201)

    @app.post("/api/v1/cases/<int:case_id>/records")
    def add_record(case_id: int) -> Response:
        body = request.get_json()
        spec = (body["data"], *server_set[body["type"]])
        w1._floor_record(con(), case_id, g.actor, body["type"], spec, format_time(utc_now()))
        return answer({"case_id": case_id}, 201)

    @app.post("/api/v1/cases/<int:case_id>/transitions")
    def fire(case_id: int) -> Response:
        body = request.get_json()
        w1._floor_fire(con(), case_id, g.actor, body["trigger"], moves[body["trigger"]], format_time(utc_now()))
        return answer({"id": case_id})

    @app.get("/api/v1/cases/<int:case_id>/events")
    def events(case_id: int) -> Response:
        rows = con().execute(SELECT_EVENTS, (case_id,)).fetchall()
        names = ("seq", "global_seq", "at", "actor", "role", "kind", "payload", "prev_hash", "hash",
                 "prev_global_hash", "global_hash")
        return answer([{**dict(zip(names, r, strict=True)), "payload": json.loads(r[6])} for r in rows])

    return app
