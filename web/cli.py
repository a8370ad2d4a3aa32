"""The ``juece`` command line. ``JUECE_DATABASE_URL`` selects the database (default: instance/juece.db)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click

from procedures.reports import CATALOG_REGISTER
from web.bootstrap import make_runtime
from workflow import dossier_verify, services
from workflow.adapters.db import database_url, upgrade
from workflow.errors import WorkflowError
from workflow.services import Runtime, checkpoints, reports, schedule
from workflow.services.dossier import build_dossier


def _dump(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


class _Group(click.Group):
    """Turn engine errors into one readable line and exit status 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WorkflowError as exc:
            click.echo(f"error: {exc.message}", err=True)
            extra = {k: v for k, v in exc.details.items() if k != "problems"}
            if extra:
                click.echo(json.dumps(extra, ensure_ascii=False, indent=2), err=True)
            for problem in exc.details.get("problems", []):
                click.echo(f"  - {problem}", err=True)
            ctx.exit(2)


@click.group(cls=_Group)
def main() -> None:
    """juece 决策 — major administrative decision procedures on a hash-chained ledger."""


def _rt() -> Runtime:
    return make_runtime()


# -- db ---------------------------------------------------------------------------------------------


@main.group(cls=_Group)
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every Alembic migration to the database."""
    upgrade(database_url())
    click.echo(f"database at head: {database_url()}")


# -- users ------------------------------------------------------------------------------------------


@main.group(cls=_Group)
def user() -> None:
    """Users and API tokens."""


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, help="undertaking_unit, legal_office, decision_organ, auditor or admin")
@click.option("--expires-in", "expires_in", type=click.IntRange(1, 3650), metavar="DAYS",
              help="the token stops working after DAYS days (default: when revoked)")
def user_add(name: str, role: str, expires_in: int | None) -> None:
    """Create a user and print its API token (only once: just its hash is stored)."""
    click.echo(services.add_user(_rt(), name, role, expires_in_days=expires_in))


# -- tokens -----------------------------------------------------------------------------------------


@main.group(cls=_Group)
def token() -> None:
    """API tokens: issue, list, revoke (each issue and revocation is an event of the global chain)."""


@token.command("issue")
@click.argument("name")
@click.option("--expires-in", "expires_in", type=click.IntRange(1, 3650), metavar="DAYS",
              help="the token stops working after DAYS days (default: when revoked)")
def token_issue(name: str, expires_in: int | None) -> None:
    """Issue another token for user NAME and print it (only once: just its hash is stored)."""
    click.echo(services.issue_token(_rt(), name, expires_in_days=expires_in))


@token.command("list")
@click.option("--user", "user_name", help="only this user's tokens")
@click.option("--json", "as_json", is_flag=True)
def token_list(user_name: str | None, as_json: bool) -> None:
    """Every token: id, user, role, issued, expiry, revocation (never the token itself)."""
    found = services.list_tokens(_rt(), user=user_name)
    if as_json:
        _dump(found)
        return
    for t in found:
        state = "active" if t["active"] else ("revoked " + t["revoked_at"] if t["revoked_at"] else "expired")
        click.echo(f"{t['id']:>5}  {t['user']:<24} {t['role']:<17} issued {t['created_at']}  "
                   f"expires {t['expires_at'] or 'never'}  {state}")


@token.command("revoke")
@click.argument("token_id", type=int)
@click.option("--reason", help="why (kept in the token_revoked event)")
def token_revoke(token_id: int, reason: str | None) -> None:
    """Revoke token TOKEN_ID (see `juece token list`) at once: it answers 401 from the next request on."""
    revoked = services.revoke_token(_rt(), token_id, reason=reason)
    click.echo(f"token {revoked['id']} of {revoked['user']} revoked at {revoked['revoked_at']}")


# -- procedures -------------------------------------------------------------------------------------


@main.group(cls=_Group)
def procedures() -> None:
    """Procedure definitions."""


@procedures.command("list")
def procedures_list() -> None:
    """Each procedure with its version, states, triggers and rules."""
    rt = _rt()
    for p in rt.registry.procedures():
        click.echo(f"{p.name} v{p.version}  {p.title} / {p.title_en}  "
                   f"({len(p.states)} states, {len(p.triggers)} triggers, {len(p.rules)} rules)")
    click.echo("profiles: " + ", ".join(f"{p.name} v{p.version}" for p in rt.registry.profiles()))


@procedures.command("check")
def procedures_check() -> None:
    """Validate every definition and profile (exit 2 and list the problems if any is wrong)."""
    rt = _rt()
    for p in rt.registry.all_versions():
        click.echo(f"ok  {p.name} v{p.version}")
    for profile in rt.registry.profiles():
        click.echo(f"ok  profile {profile.name} v{profile.version}")


@procedures.command("diagram")
@click.argument("name")
@click.option("--case", "case_id", type=int, help="highlight this case's current state")
def procedures_diagram(name: str, case_id: int | None) -> None:
    """Print the procedure as a Mermaid stateDiagram-v2."""
    rt = _rt()
    procedure = rt.registry.procedure(name)
    state = None
    if case_id is not None:
        view = services.case_view(rt, case_id)
        procedure = rt.registry.procedure(view["procedure"], view["procedure_version"])
        state = view["state"]
    click.echo(rt.registry.diagram(procedure, state))


# -- deadlines --------------------------------------------------------------------------------------


@main.command("deadlines")
@click.option("--overdue", is_flag=True, help="only deadlines already past their due date")
@click.option("--all", "include_met", is_flag=True, help="also deadlines already met")
@click.option("--json", "as_json", is_flag=True, help="print the full list, with each computation, as JSON")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh")
def deadlines(overdue: bool, include_met: bool, as_json: bool, lang: str) -> None:
    """Deadlines of the open cases, soonest first, each with how it was computed."""
    found = schedule.list_deadlines(_rt(), overdue_only=overdue, include_met=include_met)
    if as_json:
        _dump(found)
        return
    for d in found:
        click.echo(f"{d['due_on'] or '—':<10}  {d['status'].upper():<8} case {d['case_id']:>5}  {d['id']}  "
                   f"{d['label'][lang]}  ({d['title']})")
        click.echo(f"            {d['computation']['text'][lang]}; {d['basis']['instrument']}{d['basis']['article']}")
    click.echo(f"{len(found)} deadline(s)")


# -- cases ------------------------------------------------------------------------------------------


@main.group(cls=_Group)
def case() -> None:
    """Cases, their audit trail and compliance."""


@case.command("list")
@click.option("--state")
@click.option("--procedure")
@click.option("-q", "query", help="search in titles")
@click.option("--overdue", is_flag=True, help="only cases with an overdue deadline")
def case_list(state: str | None, procedure: str | None, query: str | None, overdue: bool) -> None:
    """Cases, newest first."""
    rows, total = services.list_cases(_rt(), state=state, procedure=procedure, q=query, limit=1000,
                                      overdue=True if overdue else None)
    for c in rows:
        click.echo(f"{c['id']:>5}  {c['state']:<16} v{c['version']:<4} {c['procedure']}  {c['title']}")
    click.echo(f"{total} case(s)")


def summarise(view: dict[str, Any]) -> str:
    """A clerk's summary of a case: where it stands and what blocks each next step."""
    lines = [
        f"case {view['id']}: {view['title']}",
        f"  procedure {view['procedure']} v{view['procedure_version']}, jurisdiction {view['jurisdiction']}",
        f"  state {view['state']} ({view['state_label']}), version {view['version']}, "
        f"{len(view['records'])} record(s), head {view['head_hash'][:16]}…",
    ]
    for deadline in view["deadlines"]:
        status = f"met {deadline['met_on']}" if deadline["met_on"] else deadline["status"].upper()
        lines.append(f"  deadline {deadline['id']} {deadline['label']['zh']}: due {deadline['due_on']} ({status})")
        lines.append(f"           {deadline['computation']['text']['zh']}")
    for step in view["next"]:
        mark = "ready  " if step["allowed"] else "blocked"
        lines.append(f"  {mark} {step['trigger']} → {step['dest']} ({'/'.join(step['roles'])})")
        for unmet in step["unmet"]:
            lines.append(f"          {unmet['rule']} {unmet['message']} — {unmet['basis']['instrument']} {unmet['basis']['article']}")
    return "\n".join(lines)


@case.command("show")
@click.argument("case_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="print the full case view as JSON")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh")
def case_show(case_id: int, as_json: bool, lang: str) -> None:
    """The case, its records and what each next trigger still needs."""
    view = services.case_view(_rt(), case_id, lang=lang)
    if as_json:
        _dump(view)
    else:
        click.echo(summarise(view))
        for record in view["records"]:
            status = "" if record["current"] else "  (no longer counts)"
            click.echo(f"  #{record['id']:<4} seq {record['seq']:<3} {record['type']:<28} by {record['recorded_by']} ({record['role']}){status}")


@case.command("verify")
@click.argument("case_id", type=int, required=False)
def case_verify(case_id: int | None) -> None:
    """Recompute the hash chains (one case, or every case and the global chain); exit 1 if broken."""
    rt = _rt()
    if case_id is not None:
        results, global_result = [services.verify_case(rt, case_id)], None
    else:
        everything = services.verify_all(rt)
        results, global_result = everything["cases"], everything["global"]
        numbering, signed = everything["numbering"], everything["checkpoints"]
        click.echo(f"{'OK     ' if numbering['ok'] else 'BROKEN '} numbering: {numbering['numbered_records']} "
                   f"numbered record(s) in {numbering['scopes']} register(s)")
        for problem in numbering["problems"]:
            click.echo(f"          {problem}")
        click.echo(f"{'OK     ' if signed['ok'] else 'BROKEN '} checkpoints: {signed['checked']} checked")
        for failure in signed["failures"]:
            click.echo(f"          checkpoint at {failure['global_seq']}: {'; '.join(failure['problems'])}")
    ok = True if case_id is not None else numbering["ok"] and signed["ok"]
    for r in results:
        ok &= r["ok"]
        click.echo(_verdict(f"case {r['case_id']}", r))
    if global_result is not None:
        ok &= global_result["ok"]
        click.echo(_verdict("global chain", global_result))
    sys.exit(0 if ok else 1)


def _verdict(name: str, result: dict[str, Any]) -> str:
    if result["ok"]:
        return f"OK      {name}: {result['events']} event(s), head {result['head']}"
    where = f" at event {result['broken_at']}" if result["broken_at"] is not None else ""
    return f"BROKEN  {name}{where}: {result['reason']}"


@case.command("replay")
@click.argument("case_id", type=int)
@click.option("--seq", type=int, help="as of this event number")
@click.option("--at", "at", help="as of this moment, ISO 8601 with offset, e.g. 2026-11-01T12:00:00+08:00")
def case_replay(case_id: int, seq: int | None, at: str | None) -> None:
    """Rebuild the case from its events as it stood at --seq N or --at TIME."""
    moment = None
    if at is not None:
        try:
            moment = dt.datetime.fromisoformat(at)
        except ValueError:
            raise click.BadParameter("not an ISO 8601 time", param_hint="--at") from None
    _dump(services.replay(_rt(), case_id, seq=seq, at=moment))


@case.command("compliance")
@click.argument("case_id", type=int)
def case_compliance(case_id: int) -> None:
    """Re-check every past transition with only the records that existed then; exit 1 on findings."""
    report = services.compliance(_rt(), case_id)
    _dump(report)
    sys.exit(0 if report["ok"] else 1)


@case.command("attempts")
@click.argument("case_id", type=int)
def case_attempts(case_id: int) -> None:
    """Refused transition attempts, with the rules that were unmet."""
    _dump(services.case_attempts(_rt(), case_id))


@case.command("export")
@click.argument("case_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="the zip to write (default: juece-case-ID-dossier.zip)")
def case_export(case_id: int, output: str | None) -> None:
    """Export the case's archive dossier (a zip that verifies offline with `python verify.py`)."""
    name, content = build_dossier(_rt(), case_id)
    target = Path(output or name)
    target.write_bytes(content)
    click.echo(f"wrote {target} ({len(content)} bytes)")


# -- reports ----------------------------------------------------------------------------------------


@main.group(cls=_Group)
def report() -> None:
    """Annual statistics."""


@report.command("annual")
@click.option("--year", type=int, required=True)
@click.option("--organ", default=None, help="one decision organ (default: all)")
@click.option("--csv", "as_csv", is_flag=True, help="CSV instead of a table")
@click.option("--json", "as_json", is_flag=True)
def report_annual(year: int, organ: str | None, as_csv: bool, as_json: bool) -> None:
    """The year's figures (legality opinions, hearings, documents filed on time…) and the yearly minimums."""
    result = reports.annual_report(_rt(), year, organ)
    if as_json:
        _dump(result)
        return
    if as_csv:
        click.echo(reports.annual_report_csv(result), nl=False)
        return
    click.echo(f"{result['title']['zh']} {year} — {organ or '全部决策机关 all organs'} ({result['cases']} case(s))")
    for counter in result["counters"]:
        detail = ", ".join(f"{k} {v}" for k, v in counter["breakdown"].items())
        click.echo(f"  {counter['value']:>5}  {counter['label']['zh']}{f'  ({detail})' if detail else ''}")
    for check in result["checks"]:
        mark = "ok  " if check["ok"] else "SHORT"
        click.echo(f"  {mark} {check['label']['zh']}: {check['actual']} / {check['required']} ({check['jurisdiction']})")


@main.group(cls=_Group)
def catalog() -> None:
    """决策事项目录."""


@catalog.command("show")
@click.option("--organ", required=True)
@click.option("--year", type=int, required=True)
def catalog_show(organ: str, year: int) -> None:
    """The organ's catalog for the year: items, their state, and the decision cases naming each."""
    _dump(reports.register_view(_rt(), organ=organ, year=year, **CATALOG_REGISTER))


# -- dossiers and checkpoints -----------------------------------------------------------------------


@main.group(cls=_Group)
def dossier() -> None:
    """Archive dossiers."""


@dossier.command("verify")
@click.argument("location", type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True)
def dossier_verify_command(location: str, as_json: bool) -> None:
    """Verify a dossier zip (or its unpacked folder) exactly as its own verify.py does; exit 1 if a check fails."""
    sys.exit(dossier_verify.main([location, *(["--json"] if as_json else [])]))


@main.group(cls=_Group)
def checkpoint() -> None:
    """Signed checkpoints of the global chain."""


@checkpoint.command("sign")
def checkpoint_sign() -> None:
    """Sign the chain head now (run it from cron or a systemd timer as well as the server's own timer)."""
    _dump(checkpoints.sign_checkpoint(_rt()))


@checkpoint.command("list")
def checkpoint_list() -> None:
    """Every checkpoint, newest first, checked against the chain as it stands."""
    _dump(checkpoints.list_checkpoints(_rt(), limit=1000)[0])


@checkpoint.command("verify")
@click.argument("exported", type=click.File("r", encoding="utf-8"), required=False)
def checkpoint_verify(exported: Any) -> None:
    """Check the stored checkpoints, or a list kept outside the database (`checkpoint list > FILE`), against the chain."""
    kept = json.load(exported) if exported is not None else None
    result = checkpoints.verify_checkpoints(_rt(), kept)
    _dump(result)
    sys.exit(0 if result["ok"] else 1)


# -- demo -------------------------------------------------------------------------------------------


@main.command("demo")
@click.option("--tokens", is_flag=True, help="also issue and print a fresh API token for each demo user")
def demo(tokens: bool) -> None:
    """Load the demo cases (idempotent) and print a summary of each."""
    from web.demo import DEMO_USERS, load_demo

    rt = _rt()
    for case_id in load_demo(rt):
        click.echo(summarise(services.case_view(rt, case_id)))
        verdict = services.verify_case(rt, case_id)
        click.echo(f"  chain {'verified' if verdict['ok'] else 'BROKEN'} ({verdict['events']} events); "
                   f"{len(services.case_attempts(rt, case_id))} refused attempt(s)\n")
    if tokens:
        click.echo("demo API tokens (Authorization: Bearer <token>):")
        for role, name in DEMO_USERS.items():
            click.echo(f"  {role:<17} {services.issue_token(rt, name)}")


if __name__ == "__main__":
    main()
