"""The report and proof pages over Flask's test client (no browser): the annual statistics (figures, charts,
CSV), the decision catalog, files attached through the record form, the dossier download and the signed
checkpoints. These run on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from procedures.major_decision import samples
from procedures.major_decision.samples import walk_to_execution
from tests.browser.test_pages_http import csrf_of, new_case, signed_in
from tests.conftest import ORGAN, START, apply, open_case, publish_catalog
from tests.procedures.scenarios import EVALUATION_DECISION
from tests.web.helpers import ROLES, add_tokens, make_app, runtime
from web.demo import load_demo
from web.pages import charts
from web.pages.i18n import choice
from web.pages.security import CSP
from workflow import services
from workflow.dossier_verify import verify_files_safely
from workflow.services import attachments, checkpoints
from workflow.services.reports import annual_report, annual_report_csv

CITY = "某市人民政府"
YEAR = START.year
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TEXT = "会议记录：同意。\n".encode()


# -- fixtures -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(new_database: Any) -> Iterator[tuple[Flask, dict[str, str]]]:
    """One app with the demo cases, for the pages that only read."""
    app = make_app(new_database())
    load_demo(runtime(app))
    yield app, add_tokens(app, prefix="report")
    runtime(app).db.dispose()


@pytest.fixture
def app(db_url: str) -> Iterator[Flask]:
    app = make_app(db_url)
    yield app
    runtime(app).db.dispose()


@pytest.fixture
def tokens(app: Flask) -> dict[str, str]:
    return add_tokens(app, prefix="page")


def global_events(app: Flask) -> int:
    return int(services.verify_all(runtime(app))["global"]["events"])


def section(page: str, start: str, end: str) -> str:
    begin = page.index(start)
    return page[begin:page.index(end, begin)]


# -- annual statistics ------------------------------------------------------------------------------------


@pytest.mark.parametrize("organ", [None, CITY])
def test_the_annual_page_shows_every_figure_as_the_report_counts_it(demo, organ):
    app, tokens = demo
    client = signed_in(app, tokens["auditor"])
    query = f"/reports/annual?year={YEAR}" + (f"&organ={organ}" if organ else "")
    response = client.get(query)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    report = annual_report(runtime(app), YEAR, organ)
    assert report["title"]["zh"] in page and f"共 {report['cases']} 件案件" in page

    figures = section(page, 'id="figures"', "</table>")
    for counter in report["counters"]:
        row = section(figures, f'data-counter="{counter["id"]}"', "</tr>")
        assert f'data-value="{counter["value"]}"' in row and counter["label"]["zh"] in row
        for key, value in counter["breakdown"].items():
            assert f'data-key="{key}" data-value="{value}"' in row, (counter["id"], key)
            if counter["by"]:  # a choice code, worded as the record types it is counted from word it
                registry = runtime(app).registry
                worded = [choice("zh", registry.procedure(p).record_type(k).field(counter["by"]), key)
                          for p, k in counter["sources"]]
                assert f'{next((w for w in worded if w != key), key)}: <strong>{value}</strong>' in row, key

    # the chart: one bar per figure, its length proportional to the value, drawn on the server
    chart = section(page, 'id="chart-counters"', "</svg>")
    top = max(c["value"] for c in report["counters"])
    for counter in report["counters"]:
        row = section(chart, f'data-key="{counter["id"]}" data-value="{counter["value"]}"', "</g>")
        bar = re.search(r'class="bar" x="0" y="\d+" width="([0-9.]+)"', row)
        if counter["value"] == 0:
            assert bar is None
        else:
            assert bar and float(bar.group(1)) == pytest.approx(counter["value"] / top * (charts.WIDTH - charts.VALUE_ROOM), abs=0.1)
    for counter in (c for c in report["counters"] if c["breakdown"]):
        assert f'id="chart-{counter["id"]}"' in page  # and a chart of each breakdown

    # organs from the cases; the CSV link keeps the choice
    options = re.findall(r'<option value="([^"]*)"', section(page, 'id="organ"', "</select>"))
    assert options == ["", *sorted({services.case_view(runtime(app), c["id"])["decision_organ"]
                                     for c in services.list_cases(runtime(app), limit=100)[0]})]
    assert 'id="report-csv"' in page


def test_the_annual_page_keeps_a_strict_policy_and_speaks_english(demo):
    app, tokens = demo
    client = signed_in(app, tokens["auditor"])
    response = client.get(f"/reports/annual?year={YEAR}")
    assert response.headers["Content-Security-Policy"] == CSP  # no diagram: style-src 'self' only
    page = response.get_data(as_text=True)
    assert "<svg" in page and not re.search(r"\sstyle=", page), "the chart is styled by classes only"
    assert not re.search(r"<script(?![^>]*\bsrc=)", page) and not re.search(r"\son[a-z]+=", page)
    assert not re.search(r"https?://(?!127\.0\.0\.1|www\.w3\.org/2000/svg)", page)
    client.get("/lang/en?next=/cases")
    english = client.get(f"/reports/annual?year={YEAR}").get_data(as_text=True)
    report = annual_report(runtime(app), YEAR)
    assert report["title"]["en"] in english and all(c["label"]["en"] in english for c in report["counters"])
    assert "on time: <strong>" in english  # a deadline breakdown, in the page's words


def test_the_navigation_links_the_new_pages(demo):
    app, tokens = demo
    page = signed_in(app, tokens["undertaking_unit"]).get("/cases").get_data(as_text=True)
    for target in ("/reports/annual", "/catalog", "/audit/checkpoints"):
        assert f'href="{target}"' in page


def test_a_yearly_minimum_is_shown_met_or_short_with_its_source(app, tokens):
    rt = runtime(app)
    publish_catalog(rt)  # this jurisdiction keeps its catalog in juece
    case_id = open_case(rt, jurisdiction="gansu", hearing_required=False)
    apply(rt, case_id, walk_to_execution(START, hearing=False, experts=False, risk=False))
    apply(rt, case_id, [EVALUATION_DECISION, EVALUATION_DECISION.__class__("fire", ORGAN.role, "start_post_evaluation")])
    [check] = annual_report(rt, YEAR, CITY)["checks"]
    page = signed_in(app, tokens["auditor"]).get(f"/reports/annual?year={YEAR}&organ={CITY}").get_data(as_text=True)
    shown = section(page, f'data-check="{check["id"]}"', "</li>")
    assert f'data-ok="{str(check["ok"]).lower()}"' in shown and ("未达到" if not check["ok"] else "达到") in shown
    assert f'class="required">{check["required"]}<' in shown and f'class="actual">{check["actual"]}<' in shown
    assert check["source"] in shown and rt.registry.profile(check["jurisdiction"]).title in shown
    other = signed_in(app, tokens["auditor"]).get(f"/reports/annual?year={YEAR}&organ=某县人民政府").get_data(as_text=True)
    assert 'id="no-checks"' in other


@pytest.mark.parametrize("year", ["abc", "1999", "-1", "9" * 40])
def test_a_bad_year_is_a_friendly_page(demo, year):
    app, tokens = demo
    client = signed_in(app, tokens["auditor"])
    response = client.get(f"/reports/annual?year={year}")
    assert response.status_code == 422 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert 'id="year-problem"' in page and "年度应为" in page and 'id="refusal"' in page
    assert client.get(f"/reports/annual.csv?year={year}").status_code == 422
    assert client.get(f"/catalog?year={year}").status_code == 422


def test_the_csv_export_is_the_report_for_the_signed_in_user(demo):
    app, tokens = demo
    client = signed_in(app, tokens["auditor"])
    page = client.get(f"/reports/annual?year={YEAR}&organ={CITY}").get_data(as_text=True)
    link = re.search(r'id="report-csv" href="([^"]+)"', page)
    assert link
    response = client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="juece-annual-{YEAR}.csv"')
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    body = response.get_data(as_text=True)
    assert body == annual_report_csv(annual_report(runtime(app), YEAR, CITY))
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:3] == ["year", "organ", "counter"] and all(r[1] == CITY for r in rows[1:])
    anonymous = app.test_client().get(f"/reports/annual.csv?year={YEAR}")
    assert anonymous.status_code == 302 and anonymous.location.startswith("/sign-in")


# -- the decision catalog ----------------------------------------------------------------------------------


def test_the_catalog_lists_each_item_and_the_decisions_naming_it(app, tokens):
    rt = runtime(app)
    client = signed_in(app, tokens["auditor"])
    assert 'id="catalog-none"' in client.get("/catalog").get_data(as_text=True)  # no catalog anywhere yet

    catalog = publish_catalog(rt)
    linked = open_case(rt, jurisdiction="qianjiang")  # its catalog_entry names item 2026-07
    apply(rt, linked, walk_to_execution(START, hearing=False, experts=False, risk=False)[:3])
    page = client.get("/catalog").get_data(as_text=True)  # the organ with a catalog, this year, by default
    assert f'<option value="{CITY}" selected>' in page and f'value="{YEAR}"' in page
    register = section(page, f'id="register-{catalog}"', "</section>")
    assert f'href="/cases/{catalog}"' in register and 'data-state="published"' in register and "已公布" in register
    items = {r["id"]: r for r in services.case_records(rt, catalog) if r["type"] == "catalog_item"}
    kind = rt.registry.procedure("decision_catalog").record_type("catalog_item")
    assert len(items) == 2 and kind is not None
    for record_id, record in items.items():
        row = section(register, f'id="entry-{record_id}"', "</tr>")
        for name in ("item_no", "title", "undertaking_unit", "status", "planned_time"):
            assert choice("zh", kind.field(name), record["data"][name]) in row, name  # a code shown as its label
        named = record["data"]["item_no"] == "2026-07"
        assert (f'href="/cases/{linked}"' in row) is named
        assert (f'data-case="{linked}"' in row) is named

    assert 'id="catalog-empty"' in client.get(f"/catalog?organ={CITY}&year={YEAR - 1}").get_data(as_text=True)
    organ_page = signed_in(app, tokens["decision_organ"]).get("/catalog").get_data(as_text=True)
    assert 'id="open-register"' in organ_page  # the roles that open catalogs are offered to
    assert 'id="open-register"' not in page


# -- attachments --------------------------------------------------------------------------------------------


def record_form(app: Flask, client: FlaskClient, case_id: int, **fields: Any) -> dict[str, Any]:
    view = services.case_view(runtime(app), case_id)
    return {"csrf_token": csrf_of(client, f"/cases/{case_id}"), "version": str(view["version"]),
            "procedure": view["procedure"], "procedure_version": str(view["procedure_version"]),
            "record_type": "catalog_entry", "f-year": str(YEAR), "f-item_no": "7", **fields}


def post_record(client: FlaskClient, case_id: int, form: dict[str, Any], *files: tuple[bytes, str, str]) -> Any:
    data = {**form, "attachments": [(io.BytesIO(content), name, kind) for content, name, kind in files]}
    return client.post(f"/cases/{case_id}/records", data=data, content_type="multipart/form-data")


def test_files_attached_through_the_record_form_are_cited_and_downloaded(app, tokens):
    case_id = new_case(app, samples.opening_steps(START)[:3])
    client = signed_in(app, tokens["decision_organ"])
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    form = section(page, 'id="rec-catalog_entry"', "</form>")
    assert 'enctype="multipart/form-data"' in form
    assert re.search(r'<input type="file" id="rec-catalog_entry-attachments" name="attachments" multiple accept="[^"]*application/pdf', form)

    response = post_record(client, case_id, record_form(app, client, case_id),
                           (PDF, "会议纪要.pdf", "application/pdf"), (TEXT, "note.txt", "text/plain"))
    assert response.status_code == 302, response.get_data(as_text=True)
    record = services.case_records(runtime(app), case_id)[-1]
    assert record["attachments"] == [hashlib.sha256(PDF).hexdigest(), hashlib.sha256(TEXT).hexdigest()]

    for path in (f"/cases/{case_id}", f"/cases/{case_id}/audit"):
        shown = signed_in(app, tokens["auditor"]).get(path).get_data(as_text=True)
        item = section(shown[shown.index(f'id="record-{record["id"]}"'):], 'class="attachments"', "</ul>")
        assert f'href="/attachments/{record["attachments"][0]}"' in item and "会议纪要.pdf" in item, path

    download = signed_in(app, tokens["auditor"]).get(f"/attachments/{record['attachments'][0]}")
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=\"____.pdf\"; filename*=UTF-8''%E4%BC%9A%E8%AE%AE%E7%BA%AA%E8%A6%81.pdf")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download.headers["Cache-Control"]
    missing = signed_in(app, tokens["auditor"]).get("/attachments/" + "0" * 64)
    assert missing.status_code == 404 and missing.mimetype == "text/html"


def test_a_correction_keeps_the_files_left_ticked(app, tokens):
    case_id = new_case(app, samples.opening_steps(START)[:3])
    client = signed_in(app, tokens["decision_organ"])
    assert post_record(client, case_id, record_form(app, client, case_id), (PDF, "a.pdf", "application/pdf")).status_code == 302
    first = services.case_records(runtime(app), case_id)[-1]
    page = client.get(f"/cases/{case_id}?correct={first['id']}").get_data(as_text=True)
    assert f'name="keep_attachment" value="{first["attachments"][0]}" checked' in page
    form = record_form(app, client, case_id, supersedes=str(first["id"]), reason="序号笔误", **{"f-item_no": "8",
                       "keep_attachment": first["attachments"][0]})
    assert post_record(client, case_id, form, (TEXT, "b.txt", "text/plain")).status_code == 302
    corrected = services.case_records(runtime(app), case_id)[-1]
    assert corrected["supersedes"] == first["id"]
    assert corrected["attachments"] == [first["attachments"][0], hashlib.sha256(TEXT).hexdigest()]


REFUSED = [
    pytest.param([(b"hello, not a pdf", "fake.pdf", "application/pdf")], 415, "fake.pdf", id="bytes-not-the-type"),
    pytest.param([(b"MZ\x90\x00", "setup.exe", "application/x-msdownload")], 415, "setup.exe", id="type-not-accepted"),
    pytest.param([(PDF, "good.pdf", "application/pdf"), (b"<html>", "x.pdf", "application/pdf")], 415, "x.pdf",
                 id="one-bad-among-good"),
    pytest.param([(b"", "empty.txt", "text/plain")], 422, "empty.txt", id="empty"),
    pytest.param([(PDF + b"x" * 2048, "big.pdf", "application/pdf")], 413, "big.pdf", id="too-large"),
]


@pytest.mark.parametrize(("files", "status", "named"), REFUSED)
def test_a_refused_file_is_explained_and_nothing_is_written(db_url, files, status, named):
    app = make_app(db_url, max_attachment_bytes=1024)
    try:
        tokens = add_tokens(app, prefix="page")
        case_id = new_case(app, samples.opening_steps(START)[:3])
        client = signed_in(app, tokens["decision_organ"])
        before, version = global_events(app), services.case_view(runtime(app), case_id)["version"]
        response = post_record(client, case_id, record_form(app, client, case_id), *files)
        assert response.status_code == status
        page = response.get_data(as_text=True)
        refusal = section(page, 'id="refusal"', "</section>")
        assert named in refusal and ("记录也未保存" in refusal or "未保存任何内容" in refusal)
        assert 'id="rec-catalog_entry-attachments-problem"' in page and 'value="7"' in page  # the form comes back
        assert global_events(app) == before  # no upload event, no record
        assert services.case_view(runtime(app), case_id)["version"] == version
        assert attachments.list_attachments(runtime(app), [hashlib.sha256(c).hexdigest() for c, _n, _k in files]) == []
    finally:
        runtime(app).db.dispose()


def test_a_file_with_a_bad_record_writes_nothing_and_a_body_over_the_limit_is_refused(db_url):
    app = make_app(db_url, max_attachment_bytes=1024, max_json_bytes=16 * 1024)  # the form: at most 26 KB
    try:
        tokens = add_tokens(app, prefix="page")
        case_id = new_case(app, samples.opening_steps(START)[:3])
        client = signed_in(app, tokens["decision_organ"])
        before = global_events(app)
        bad_data = post_record(client, case_id, record_form(app, client, case_id, **{"f-year": "二〇二六"}),
                               (PDF, "a.pdf", "application/pdf"))
        assert bad_data.status_code == 422 and 'id="rec-catalog_entry-year-problem"' in bad_data.get_data(as_text=True)
        too_much = post_record(client, case_id, record_form(app, client, case_id),
                               (b"%PDF-" + b"x" * (64 * 1024), "huge.pdf", "application/pdf"))
        assert too_much.status_code == 413 and too_much.mimetype == "text/html"
        assert "上传的内容过大" in too_much.get_data(as_text=True)
        assert global_events(app) == before
    finally:
        runtime(app).db.dispose()


def test_a_role_the_record_type_refuses_stores_no_file(app, tokens):
    case_id = new_case(app, samples.opening_steps(START)[:3])
    before = global_events(app)
    for role in ("undertaking_unit", "auditor"):  # the record type is the organ's; an auditor writes nothing
        client = signed_in(app, tokens[role])
        response = post_record(client, case_id, record_form(app, client, case_id), (PDF, "a.pdf", "application/pdf"))
        assert response.status_code == 403, role
    assert global_events(app) == before


def test_every_new_form_needs_the_csrf_token(app, tokens):
    case_id = new_case(app, samples.opening_steps(START)[:3])
    client = signed_in(app, tokens["admin"])
    before = global_events(app)
    form = record_form(app, client, case_id)
    del form["csrf_token"]
    assert post_record(client, case_id, form, (PDF, "a.pdf", "application/pdf")).status_code == 403
    assert post_record(client, case_id, {**form, "csrf_token": "wrong"}, (PDF, "a.pdf", "application/pdf")).status_code == 403
    assert client.post("/audit/checkpoints", data={}).status_code == 403
    assert client.post("/audit/checkpoints", data={"csrf_token": "wrong"}).status_code == 403
    assert global_events(app) == before and checkpoints.list_checkpoints(runtime(app))[1] == 0


# -- the dossier and the checkpoints -------------------------------------------------------------------------


def test_the_dossier_downloads_from_the_audit_view_and_verifies(app, tokens):
    case_id = new_case(app, samples.opening_steps(START)[:3])
    organ = signed_in(app, tokens["decision_organ"])
    assert post_record(organ, case_id, record_form(app, organ, case_id), (PDF, "a.pdf", "application/pdf")).status_code == 302
    client = signed_in(app, tokens["auditor"])
    audit = client.get(f"/cases/{case_id}/audit").get_data(as_text=True)
    assert f'href="/cases/{case_id}/dossier"' in audit and 'href="/audit/how-to-verify"' in audit
    assert "python verify.py" in audit
    response = client.get(f"/cases/{case_id}/dossier")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="juece-case-{case_id}-dossier.zip"')
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert files[f"attachments/{hashlib.sha256(PDF).hexdigest()}"] == PDF
    report = verify_files_safely(files)
    assert report.problems == [] and report.passed
    help_page = client.get("/audit/how-to-verify").get_data(as_text=True)
    assert "python verify.py" in help_page and 'href="/audit/checkpoints"' in help_page
    assert client.get("/cases/999/dossier").status_code == 404


def test_checkpoints_are_listed_signed_by_the_roles_allowed_and_exported(app, tokens):
    offered = {role: 'id="sign-checkpoint"' in signed_in(app, tokens[role]).get("/audit/checkpoints").get_data(as_text=True)
               for role in ROLES}
    assert offered == {role: role in checkpoints.SIGNERS for role in ROLES}
    assert 'id="no-checkpoints"' in signed_in(app, tokens["auditor"]).get("/audit/checkpoints").get_data(as_text=True)

    auditor = signed_in(app, tokens["auditor"])
    refused = auditor.post("/audit/checkpoints", data={"csrf_token": csrf_of(auditor, "/audit/checkpoints")})
    assert refused.status_code == 403 and "您的角色无权执行此操作" in refused.get_data(as_text=True)
    assert checkpoints.list_checkpoints(runtime(app))[1] == 0

    signer = next(role for role in ROLES if role in checkpoints.SIGNERS)
    client = signed_in(app, tokens[signer])
    signed = client.post("/audit/checkpoints", data={"csrf_token": csrf_of(client, "/audit/checkpoints")})
    assert signed.status_code == 302 and signed.location == "/audit/checkpoints"
    [checkpoint], total = checkpoints.list_checkpoints(runtime(app))
    assert total == 1
    page = auditor.get("/audit/checkpoints").get_data(as_text=True)
    row = section(page, f'data-checkpoint="{checkpoint["id"]}"', "</tr>")
    assert 'data-ok="true"' in row and checkpoint["key_id"] in row
    assert f'class="position">{checkpoint["global_seq"]}<' in row and "2026-10-20 10:00:00" in row

    exported = auditor.get("/audit/checkpoints.json")
    assert exported.mimetype == "application/json" and exported.headers["Content-Disposition"].startswith("attachment;")
    kept = json.loads(exported.data)
    assert [c["global_seq"] for c in kept] == [checkpoint["global_seq"]]
    assert checkpoints.verify_checkpoints(runtime(app), kept)["ok"]


def test_labels_a_definition_leaves_out_fall_back_to_its_words():
    from web.pages.i18n import label
    from workflow.definition import Field

    bare = Field("decided_on", "date", "决定日期")  # no English label: the name, humanised
    assert (label("zh", bare), label("en", bare)) == ("决定日期", "Decided on")
    coded = Field("status", "choice", "状态", choices=("a", "b"), label_en="Status", choice_labels=(("a", "甲", "A"),))
    assert (label("en", coded), choice("zh", coded, "a"), choice("en", coded, "a"), choice("en", coded, "b")) == \
        ("Status", "甲", "A", "b")
