"""The pages over Flask's test client (no browser): sign-in and out, CSRF, what each role is offered,
escaping, security headers, refusals as pages. These run on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from procedures.major_decision import samples
from tests.conftest import ACTORS, START
from tests.web.helpers import add_tokens, make_app, runtime
from web.demo import apply_steps
from web.pages.security import CSP
from workflow import services
from workflow.definition import ADMIN_ROLE

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(db_url: str) -> Iterator[Flask]:
    app = make_app(db_url)
    yield app
    runtime(app).db.dispose()


@pytest.fixture
def tokens(app: Flask) -> dict[str, str]:
    return add_tokens(app, prefix="page")


def csrf_of(client: FlaskClient, path: str = "/sign-in") -> str:
    found = CSRF.search(client.get(path).get_data(as_text=True))
    assert found, path
    return found.group(1)


def signed_in(app: Flask, token: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/sign-in", data={"csrf_token": csrf_of(client), "token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def new_case(app: Flask, steps: list[samples.Step] | None = None, title: str = "关于调整城市公共交通票价的决策") -> int:
    rt = runtime(app)
    case = services.open_case(rt, ACTORS["undertaking_unit"], **samples.case_fields(title))
    apply_steps(rt, ACTORS, case["id"], steps or [])
    return int(case["id"])


def test_sign_in_with_a_token_and_sign_out(app, tokens):
    client = app.test_client()
    assert client.get("/").location == "/sign-in"
    response = client.get("/cases?state=proposed")
    assert response.status_code == 302 and response.location.startswith("/sign-in?next=")

    refused = client.post("/sign-in", data={"csrf_token": csrf_of(client), "token": "not-a-token"})
    assert refused.status_code == 401 and "sign-in-error" in refused.get_data(as_text=True)

    response = client.post("/sign-in", data={"csrf_token": csrf_of(client), "token": tokens["legal_office"],
                                              "next": "/cases?state=proposed"})
    assert response.status_code == 302 and response.location == "/cases?state=proposed"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("juece_session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" in cookie  # JUECE_SECURE_COOKIES defaults to true
    page = client.get("/cases").get_data(as_text=True)
    assert "page-legal_office" in page and 'id="sign-out"' in page
    assert client.get("/").location == "/cases"

    signed_out = client.post("/sign-out", data={"csrf_token": csrf_of(client, "/cases")})
    assert signed_out.status_code == 302 and signed_out.location == "/sign-in"
    assert client.get("/cases").status_code == 302


def test_a_revoked_token_ends_the_session(app, tokens):
    client = signed_in(app, tokens["auditor"])
    assert client.get("/cases").status_code == 200
    rt = runtime(app)
    with rt.db.write() as session:
        from sqlalchemy import update

        from workflow.adapters.orm import ApiToken

        session.execute(update(ApiToken).values(revoked_at="2000-01-01T00:00:00.000000+00:00"))
    assert client.get("/cases").status_code == 302


def test_next_never_leaves_the_site(app, tokens):
    client = app.test_client()
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        response = client.post("/sign-in", data={"csrf_token": csrf_of(client), "token": tokens["auditor"],
                                                  "next": target})
        assert response.location == "/cases", target
        assert client.get(f"/lang/en?next={target}").location == "/cases", target


@pytest.mark.parametrize("given", [None, "", "wrong-token"])
def test_forms_without_the_session_csrf_token_are_refused(app, tokens, given):
    client = app.test_client()
    csrf_of(client)  # the session has a token; the form does not carry it
    data = {"token": tokens["admin"]} | ({} if given is None else {"csrf_token": given})
    response = client.post("/sign-in", data=data)
    assert response.status_code == 403
    assert "表单已过期或来源不明" in response.get_data(as_text=True)

    case_id = new_case(app)
    signed = signed_in(app, tokens["admin"])
    version = services.case_view(runtime(app), case_id)["version"]
    form = {"trigger": "start_drafting", "version": str(version)} | ({} if given is None else {"csrf_token": given})
    assert signed.post(f"/cases/{case_id}/transitions", data=form).status_code == 403
    assert signed.post(f"/cases/{case_id}/records", data=form | {"record_type": "proposal"}).status_code == 403
    assert services.case_view(runtime(app), case_id)["version"] == version  # nothing written
    assert services.case_attempts(runtime(app), case_id) == []  # not even an attempt


def test_each_role_is_offered_exactly_what_the_definition_allows(app, tokens):
    case_id = new_case(app, samples.opening_steps(START)[:3])  # proposed, with the proposal and initiation records
    view = services.case_view(runtime(app), case_id)
    procedure = runtime(app).registry.procedure(view["procedure"], view["procedure_version"])
    for role, token in tokens.items():
        page = signed_in(app, token).get(f"/cases/{case_id}").get_data(as_text=True)
        for trigger in procedure.triggers_from(view["state"]):
            offered = role == ADMIN_ROLE or role in trigger.roles
            assert (f'id="fire-{trigger.name}"' in page) is offered, (role, trigger.name)
        for record_type in procedure.record_types:
            offered = view["state"] in record_type.accepted_in and (role == ADMIN_ROLE or role in record_type.roles)
            assert (f'id="rec-{record_type.name}"' in page) is offered, (role, record_type.name)

    unit = signed_in(app, tokens["undertaking_unit"]).get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'id="fire-start_drafting"' not in unit  # the organ's step
    assert 'id="rec-initiation_decision"' not in unit and 'id="rec-proposal"' in unit
    organ = signed_in(app, tokens["decision_organ"]).get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'id="fire-start_drafting"' in organ and 'id="rec-catalog_entry"' in organ


def test_hostile_titles_are_shown_as_text(app, tokens):
    title = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    case_id = new_case(app, title=title)
    client = signed_in(app, tokens["auditor"])
    for path in (f"/cases/{case_id}", "/cases", f"/cases/{case_id}/timeline", f"/cases/{case_id}/audit"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page, path
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page, path


def test_pages_carry_a_strict_content_security_policy(app, tokens):
    case_id = new_case(app)
    client = signed_in(app, tokens["auditor"])
    for path in ("/sign-in", "/cases", f"/cases/{case_id}/timeline", "/procedures"):
        headers = client.get(path).headers
        assert headers["Content-Security-Policy"] == CSP, path
        assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
    for path in (f"/cases/{case_id}", f"/cases/{case_id}/audit", "/procedures/major_decision"):
        policy = client.get(path).headers["Content-Security-Policy"]  # a Mermaid diagram: inline styles only
        assert policy == CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"), path
        assert "script-src 'self';" in policy
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "no inline script"
    assert not re.search(r"\son[a-z]+=", page), "no inline event handler"
    assert not re.search(r"https?://(?!127\.0\.0\.1)", page), "no asset from elsewhere"
    with client.get("/static/css/pages.css") as static:
        assert static.headers["X-Content-Type-Options"] == "nosniff"


def test_a_stale_page_is_refused_politely(app, tokens):
    case_id = new_case(app, samples.opening_steps(START)[:3])
    client = signed_in(app, tokens["decision_organ"])
    stale = services.case_view(runtime(app), case_id)["version"]
    services.add_record(runtime(app), ACTORS["decision_organ"], case_id, record_type="catalog_entry",
                        data={"year": 2026, "item_no": "7"})
    response = client.post(f"/cases/{case_id}/transitions", data={
        "csrf_token": csrf_of(client, f"/cases/{case_id}"), "trigger": "start_drafting", "version": str(stale)})
    assert response.status_code == 412
    page = response.get_data(as_text=True)
    assert "案件已被他人更新" in page and f"版本 {stale + 1}" in page
    assert services.case_view(runtime(app), case_id)["state"] == "proposed"


def test_a_refused_step_lists_its_unmet_rules_with_their_articles(app, tokens):
    case_id = new_case(app)
    client = signed_in(app, tokens["decision_organ"])
    version = services.case_view(runtime(app), case_id)["version"]
    response = client.post(f"/cases/{case_id}/transitions", data={
        "csrf_token": csrf_of(client, f"/cases/{case_id}"), "trigger": "start_drafting", "version": str(version)})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    refusal = page[page.index('id="refusal"'):page.index("</section>", page.index('id="refusal"'))]
    for rule in services.case_attempts(runtime(app), case_id)[0]["unmet"]:
        assert f'data-rule="{rule["rule"]}"' in refusal and rule["basis"]["article"] in refusal


def test_a_generated_form_sends_back_what_it_got_wrong(app, tokens):
    case_id = new_case(app, samples.opening_steps(START)[:3])
    client = signed_in(app, tokens["decision_organ"])
    view = services.case_view(runtime(app), case_id)
    base = {"csrf_token": csrf_of(client, f"/cases/{case_id}"), "version": str(view["version"]),
            "procedure": view["procedure"], "procedure_version": str(view["procedure_version"]),
            "record_type": "catalog_entry"}
    response = client.post(f"/cases/{case_id}/records", data=base | {"f-year": "二〇二六", "f-item_no": "7"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="rec-catalog_entry-year-problem"' in page and 'aria-invalid="true"' in page
    assert 'value="二〇二六"' in page and 'value="7"' in page  # what was typed is kept
    saved = client.post(f"/cases/{case_id}/records", data=base | {"f-year": "2026", "f-item_no": "7"})
    assert saved.status_code == 302 and saved.location.endswith(f"/cases/{case_id}#records")
    saved_data = services.case_records(runtime(app), case_id)[-1]["data"]
    assert (saved_data["year"], saved_data["item_no"]) == (2026, "7")


def test_english_at_a_click_and_remembered(app, tokens):
    client = signed_in(app, tokens["auditor"])
    assert "案件" in client.get("/cases").get_data(as_text=True)
    response = client.get("/lang/en?next=/cases")
    assert response.location == "/cases" and "juece_lang=en" in response.headers["Set-Cookie"]
    page = client.get("/cases").get_data(as_text=True)
    assert 'lang="en"' in page and "Cases" in page and "Title contains" in page
    assert 'lang="en"' in client.get("/procedures/major_decision").get_data(as_text=True)


def test_unknown_case_is_a_friendly_page_and_the_api_stays_json(app, tokens):
    client = signed_in(app, tokens["auditor"])
    response = client.get("/cases/999")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "找不到该页面或案件" in response.get_data(as_text=True)
    api = client.get("/api/v1/cases/999")  # the session cookie is no API credential
    assert api.status_code == 401 and api.get_json()["error"] == "unauthenticated"


def test_without_a_configured_key_all_workers_sign_with_one_stored_key(tmp_path):
    from web.config import Settings

    env = {"JUECE_SECRET_KEY_FILE": str(tmp_path / "instance" / "secret_key")}
    first, second = Settings.from_env(env), Settings.from_env(env)
    assert first.secret_key == second.secret_key and len(first.secret_key) == 64
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o777 == 0o600
    assert Settings.from_env({**env, "JUECE_SECRET_KEY": "given"}).secret_key == "given"
    assert Settings.from_env({**env, "JUECE_SECURE_COOKIES": "false"}).secure_cookies is False
    assert Settings.from_env(env).secure_cookies is True


def test_a_record_is_corrected_through_its_own_form(app, tokens):
    case_id = new_case(app, samples.opening_steps(START)[:3])
    client = signed_in(app, tokens["decision_organ"])
    initiation = next(r for r in services.case_records(runtime(app), case_id) if r["type"] == "initiation_decision")
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert f'id="correct-{initiation["id"]}"' in page
    form = client.get(f"/cases/{case_id}?correct={initiation['id']}").get_data(as_text=True)
    assert f'name="supersedes" value="{initiation["id"]}"' in form
    assert f'value="{initiation["data"]["undertaking_unit"]}"' in form  # filled in with the record's data

    view = services.case_view(runtime(app), case_id)
    base = {"csrf_token": csrf_of(client, f"/cases/{case_id}"), "version": str(view["version"]),
            "procedure": view["procedure"], "procedure_version": str(view["procedure_version"]),
            "record_type": "initiation_decision", "supersedes": str(initiation["id"]),
            "f-decided_on": "2026-05-02", "f-undertaking_unit": "某市交通运输局"}
    refused = client.post(f"/cases/{case_id}/records", data=base)  # no reason given
    assert refused.status_code == 422 and 'id="rec-initiation_decision-reason-problem"' in refused.get_data(as_text=True)
    saved = client.post(f"/cases/{case_id}/records", data=base | {"reason": "决定日期笔误"})
    assert saved.status_code == 302
    records = services.case_records(runtime(app), case_id)
    assert records[-1]["supersedes"] == initiation["id"] and records[-1]["reason"] == "决定日期笔误"
    assert not next(r for r in records if r["id"] == initiation["id"])["current"]


def test_the_case_list_filters_searches_and_pages(app, tokens):
    for number in range(23):
        new_case(app, title=f"关于第{number}号事项的决策")
    new_case(app, samples.opening_steps(START)[:4], title="关于另一事项的决策")  # drafting
    client = signed_in(app, tokens["auditor"])
    first = client.get("/cases").get_data(as_text=True)
    assert "共 24 件，第 1/2 页" in first and 'rel="next" href="/cases?page=2"' in first
    assert first.count('class="case-title"') == 20
    second = client.get("/cases?page=2").get_data(as_text=True)
    assert second.count('class="case-title"') == 4 and 'rel="prev"' in second
    drafting = client.get("/cases?state=drafting").get_data(as_text=True)
    assert drafting.count('class="case-title"') == 1 and "关于另一事项的决策" in drafting
    found = client.get("/cases?q=第7号").get_data(as_text=True)
    assert found.count('class="case-title"') == 1 and "关于第7号事项的决策" in found
    assert client.get("/cases?overdue=yes").get_data(as_text=True).count('class="case-title"') == 0
    assert client.get("/cases?procedure=major_decision&overdue=no").get_data(as_text=True).count('class="case-title"') == 20
    bad = client.get("/cases?q=%00")
    assert bad.status_code == 422 and bad.mimetype == "text/html"


def test_a_fault_on_a_page_is_a_page_without_a_traceback(app, tokens, monkeypatch, caplog):
    client = signed_in(app, tokens["auditor"])

    def broken(*_args, **_kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "case_list", broken)
    response = client.get("/cases")
    assert response.status_code == 500 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "系统内部错误" in page and "secret internals" not in page and "Traceback" not in page
    assert "secret internals" in caplog.text  # the log has it


def test_compliance_findings_are_listed_with_their_unmet_rules(app, tokens, monkeypatch):
    case_id = new_case(app, samples.opening_steps(START)[:4])
    real = services.audit_view
    unmet = {"rule": "MD-01", "message": "尚无决策启动决定", "message_en": "No initiation decision",
               "basis": {"instrument": "《条例》", "article": "第十条", "quote": "…"}, "details": []}

    def with_a_finding(rt, case, **kwargs):
        view = real(rt, case, **kwargs)
        view["compliance"] = {"case_id": case, "ok": False, "transitions_checked": 1, "findings": [
            {"seq": 5, "at": "2026-10-20T02:00:00+00:00", "trigger": "start_drafting", "actor": "某人",
             "problem": "rules unmet at the time", "unmet": [unmet]}]}
        return view

    monkeypatch.setattr(services, "audit_view", with_a_finding)
    page = signed_in(app, tokens["auditor"]).get(f"/cases/{case_id}/audit").get_data(as_text=True)
    findings = page[page.index('id="compliance"'):page.index('id="replay"')]
    assert 'data-ok="false"' in findings and "发现 1 个问题" in findings
    assert "MD-01" in findings and "第十条" in findings and "rules unmet at the time" in findings
    assert f"/cases/{case_id}/audit?seq=5#replay" in findings
