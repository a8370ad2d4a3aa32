"""Attachments, the dossier and checkpoints over HTTP: multipart uploads checked against their bytes, records
citing them, downloads with safe headers, a dossier zip that verifies, checkpoints listed, signed and checked."""

from __future__ import annotations

import io
import zipfile

from tests.web.helpers import API
from workflow import dossier_verify

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


def upload(http, content: bytes = PDF, name: str = "专家意见.pdf", content_type: str = "application/pdf",
           role: str = "undertaking_unit"):
    return http.client.post(f"{API}/attachments", headers=http.headers(role),
                            data={"file": (io.BytesIO(content), name, content_type)}, content_type="multipart/form-data")


def test_upload_download_and_cite(http):
    response = upload(http)
    assert response.status_code == 201, response.get_json()
    meta = response.get_json()
    assert meta["filename"] == "专家意见.pdf" and meta["content_type"] == "application/pdf" and meta["size"] == len(PDF)
    sha = meta["sha256"]
    assert upload(http).get_json() == meta  # the same bytes again: the first upload, nothing new
    assert http.get(f"{API}/attachments/{sha}").get_json() == meta
    download = http.get(f"{API}/attachments/{sha}/content")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E4%B8%93" in download.headers["Content-Disposition"]
    case_id = http.open_case_id()
    added = http.post(f"{API}/cases/{case_id}/records", {"type": "proposal", "attachments": [sha], "data": {
        "proposer": "某局", "proposer_kind": "department", "problem": "p", "grounds": "g"}}, "undertaking_unit")
    assert added.status_code == 201 and added.get_json()["attachments"] == [sha]
    records = http.get(f"{API}/cases/{case_id}/records").get_json()
    assert records[0]["attachments"] == [sha]


def test_refused_uploads_write_nothing(http):
    before = http.get(f"{API}/audit/verify").get_json()["global"]["events"]
    assert upload(http, b"MZ\x90\x00", "a.exe", "application/x-msdownload").status_code == 415
    assert upload(http, b"<html></html>", "a.pdf", "application/pdf").status_code == 415
    assert upload(http, role="auditor").status_code == 403
    no_file = http.client.post(f"{API}/attachments", headers=http.headers("undertaking_unit"), data={},
                               content_type="multipart/form-data")
    assert no_file.status_code == 422 and no_file.get_json()["error"]
    assert http.get(f"{API}/audit/verify").get_json()["global"]["events"] == before
    assert http.get(f"{API}/attachments/{'0' * 64}").status_code == 404
    assert http.get(f"{API}/attachments/not-a-hash").status_code == 404


def test_too_large_is_413_json(app, http):
    app.config["JUECE_SETTINGS"] = app.config["JUECE_SETTINGS"].__class__(
        **{**app.config["JUECE_SETTINGS"].__dict__, "max_attachment_bytes": 100})
    response = upload(http, PDF + b"0" * 200)
    assert response.status_code == 413 and response.get_json()["error"]


def test_citing_an_unknown_file_is_refused(http):
    case_id = http.open_case_id()
    response = http.post(f"{API}/cases/{case_id}/records", {"type": "proposal", "attachments": ["a" * 64], "data": {
        "proposer": "某局", "proposer_kind": "department", "problem": "p", "grounds": "g"}}, "undertaking_unit")
    assert response.status_code == 422 and "attachments" in response.get_json()["fields"]


def test_dossier_over_http_verifies(http):
    sha = upload(http).get_json()["sha256"]
    case_id = http.open_case_id()
    http.post(f"{API}/cases/{case_id}/records", {"type": "proposal", "attachments": [sha], "data": {
        "proposer": "某局", "proposer_kind": "department", "problem": "p", "grounds": "g"}}, "undertaking_unit")
    response = http.get(f"{API}/cases/{case_id}/dossier")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    assert members[f"attachments/{sha}"] == PDF
    report = dossier_verify.verify_files_safely(members).to_dict()
    assert report["ok"], report["problems"]
    assert http.get(f"{API}/cases/999999/dossier").status_code == 404


def test_checkpoints_are_signed_listed_and_checked(http):
    http.open_case_id()
    assert http.post(f"{API}/audit/checkpoints", {}, "auditor").status_code == 403
    signed = http.post(f"{API}/audit/checkpoints", {}, "legal_office")
    assert signed.status_code == 201
    checkpoint = signed.get_json()
    listed = http.get(f"{API}/audit/checkpoints").get_json()
    assert listed[0]["ok"] and listed[0]["global_seq"] == checkpoint["global_seq"]
    kept = {k: checkpoint[k] for k in ("global_seq", "global_hash", "signed_at", "public_key", "key_id", "signature")}
    good = http.post(f"{API}/audit/checkpoints/verify", {"checkpoints": [kept]}, "auditor").get_json()
    assert good["ok"] and good["checked"] == 1
    forged = http.post(f"{API}/audit/checkpoints/verify", {"checkpoints": [{**kept, "global_seq": 10**6}]}, "auditor")
    assert forged.status_code == 200 and not forged.get_json()["ok"]
    bad = http.post(f"{API}/audit/checkpoints/verify", {"checkpoints": [{"x": 1}]}, "auditor")
    assert bad.status_code == 422
    assert http.get(f"{API}/audit/verify").get_json()["checkpoints"]["ok"]
