"""In Chromium: the annual statistics (the SVG chart drawn, the CSV downloaded), the decision catalog, a file
attached to a record through the generated form and downloaded again, and the dossier downloaded from the
audit view — each page without a console error and without a request to another host."""

from __future__ import annotations

import hashlib
import io
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from procedures.major_decision import samples
from procedures.reports import CATALOG_REGISTER
from tests.browser.conftest import USERS, Server, TickingClock, shoot
from tests.browser.driver import Clerk
from tests.conftest import START
from web import create_app
from web.demo import load_demo
from web.pages.i18n import choice
from workflow import services
from workflow.dossier_verify import verify_files_safely
from workflow.services.reports import annual_report, annual_report_csv, register_view
from workflow.snapshot import legal_date

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(scope="module")
def server(new_database: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """conftest's server, with the demo cases, and its files (attachments, checkpoint key) in a temporary
    folder rather than the repository's instance/."""
    files = tmp_path_factory.mktemp("files")
    app = create_app({"database_url": new_database(), "secret_key": "browser-tests", "checkpoint_interval": 0,
                      "attachments_dir": str(files / "attachments"), "signing_key_path": str(files / "key.pem")})
    rt = app.extensions["juece"]
    rt.clock = TickingClock()
    tokens = {role: services.add_user(rt, name, role) for role, name in USERS.items()}
    load_demo(rt)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield Server(f"http://127.0.0.1:{http.server_port}", app, tokens)
    http.shutdown()
    thread.join(5)
    rt.db.dispose()


def test_the_statistics_page_draws_its_chart_and_exports_csv(new_page, server):
    page = new_page(viewport={"width": 1280, "height": 1000})
    clerk = Clerk(page, server)
    clerk.sign_in("legal_office")
    page.click("#nav-reports")
    year = legal_date(server.runtime.clock()).year
    report = annual_report(server.runtime, year)
    chart = page.locator("#chart-counters svg")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 400 and box["height"] > 200
    expect(chart.locator("g.row")).to_have_count(len(report["counters"]))
    expect(chart.locator("rect.bar")).to_have_count(sum(1 for c in report["counters"] if c["value"] > 0))
    for counter in report["counters"]:
        expect(page.locator(f'#figures tr[data-counter="{counter["id"]}"] td.value')).to_have_text(str(counter["value"]))
    shoot(page, "guide-statistics", full_page=False)
    shoot(page, "statistics")

    with page.expect_download() as download:
        page.click("#report-csv")
    assert Path(download.value.path()).read_bytes().decode("utf-8") == annual_report_csv(report)

    organ = services.case_view(server.runtime, 1)["decision_organ"]
    page.select_option("#organ", organ)
    page.click("#report-show")
    expect(page.locator("#report-scope")).to_contain_text(organ)
    mine = annual_report(server.runtime, year, organ)
    first = mine["counters"][0]
    expect(page.locator(f'#chart-counters g.row[data-key="{first["id"]}"]')).to_have_attribute("data-value", str(first["value"]))


def test_the_catalog_page_lists_the_items_and_leads_to_the_catalog_case(new_page, server):
    page = new_page(viewport={"width": 1280, "height": 1000})
    clerk = Clerk(page, server)
    clerk.sign_in("decision_organ")
    page.click("#nav-catalog")
    organ = page.locator("#organ").input_value()
    year = int(page.locator("#year").input_value())
    view = register_view(server.runtime, organ=organ, year=year, **CATALOG_REGISTER)
    kind = server.runtime.registry.procedure(CATALOG_REGISTER["procedure"]).record_type(CATALOG_REGISTER["record_type"])
    assert kind is not None
    entries = [e for r in view["registers"] for e in r["entries"]]
    assert entries, "the demo has a published catalog"
    expect(page.locator("tr.entry")).to_have_count(len(entries))
    for entry in entries:
        for name, value in entry["data"].items():
            if name != CATALOG_REGISTER["year_field"]:
                shown = choice("zh", kind.field(name), value)  # a choice code reads as its label
                expect(page.locator(f"#entry-{entry['record_id']} td[data-field={name}]")).to_contain_text(shown)
    shoot(page, "guide-catalog", full_page=False)
    page.locator("a.register-case").first.click()
    expect(page.locator("#case-title")).to_have_text(view["registers"][0]["title"])


def test_a_file_is_attached_through_the_record_form_and_downloaded(new_page, server):
    case_id = server.prepare(samples.opening_steps(START)[:3], "关于附件上传的决策")
    page = new_page(viewport={"width": 1280, "height": 1000})
    clerk = Clerk(page, server)
    clerk.sign_in("decision_organ")
    clerk.goto(f"/cases/{case_id}")
    form = page.locator("#rec-catalog_entry")
    form.locator("summary").click()
    page.fill("#rec-catalog_entry-year", str(START.year))
    page.fill("#rec-catalog_entry-item_no", "7")
    page.set_input_files("#rec-catalog_entry-attachments",
                         files=[{"name": "会议纪要.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.evaluate("document.getElementById('rec-catalog_entry').scrollIntoView()")
    shoot(page, "guide-attachments-form", full_page=False)
    page.click("#rec-catalog_entry-save")
    expect(page.locator(".flash.success")).to_be_visible()

    record = services.case_records(server.runtime, case_id)[-1]
    assert record["attachments"] == [hashlib.sha256(PDF).hexdigest()]
    link = page.locator(f"#record-{record['id']} a.attachment")
    expect(link).to_have_text("会议纪要.pdf")
    page.evaluate(f"document.getElementById('record-{record['id']}').scrollIntoView()")
    shoot(page, "guide-attachments", full_page=False)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "会议纪要.pdf"
    assert Path(download.value.path()).read_bytes() == PDF

    clerk.become("auditor")
    clerk.goto(f"/cases/{case_id}/audit")
    with page.expect_download() as dossier:
        page.click("#dossier-download")
    with zipfile.ZipFile(io.BytesIO(Path(dossier.value.path()).read_bytes())) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert verify_files_safely(files).problems == []
    page.click("#how-to-verify")
    expect(page.locator("#verify-steps")).to_contain_text("python verify.py")
