"""Driving the pages the way a clerk does: sign in with a token, open a case, fill the generated record
forms field by field, press the step buttons. Nothing here posts to the server directly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server
from workflow.definition import Field, Procedure


@dataclass
class Clerk:
    page: Page
    server: Server
    role: str | None = None

    def goto(self, path: str) -> None:
        self.page.goto(self.server.url + path)

    def on_case(self, case_id: int) -> None:
        """Be on the case page (any part of it), going there if elsewhere."""
        if self.page.url.split("#")[0] != f"{self.server.url}/cases/{case_id}":
            self.goto(f"/cases/{case_id}")

    # -- signing in and out ---------------------------------------------------------------------------------
    def sign_in(self, role: str) -> None:
        self.goto("/sign-in")
        self.page.fill("#token", self.server.tokens[role])
        self.page.click("#sign-in")
        expect(self.page.locator(".who")).to_be_visible()
        self.role = role

    def sign_out(self) -> None:
        self.page.click("#sign-out")
        expect(self.page.locator("#token")).to_be_visible()
        self.role = None

    def become(self, role: str) -> None:
        """Sign out and in again with the token of ``role`` (what the law requires of each step)."""
        if self.role == role:
            return
        if self.role is not None:
            self.sign_out()
        self.sign_in(role)

    # -- a case ---------------------------------------------------------------------------------------------
    def open_case(self, procedure: Procedure, title: str, organ: str, unit: str, attributes: dict[str, Any]) -> int:
        self.goto("/cases")
        self.page.click(f"#open-{procedure.name}")
        self.page.fill("#open-title", title)
        self.page.fill("#open-decision_organ", organ)
        self.page.fill("#open-undertaking_unit", unit)
        for name, value in attributes.items():
            control = self.page.locator(f"#attr-{name}")
            if isinstance(value, bool):
                control.set_checked(value)
            else:
                control.fill(str(value))
        self.page.click("#open-submit")
        expect(self.page.locator("#case-title")).to_have_text(title)
        return int(self.page.url.rstrip("/").rsplit("/", 1)[1])

    def add_record(self, procedure: Procedure, record_type: str, data: dict[str, Any]) -> None:
        """Fill the form generated for ``record_type`` from ``data`` and save it."""
        kind = procedure.record_type(record_type)
        assert kind is not None
        form_id = f"rec-{record_type}"
        details = self.page.locator(f"#{form_id}")
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        for spec in kind.fields:
            if spec.name in data:
                self._fill(form_id, spec, data[spec.name])
        self.page.click(f"#{form_id}-save")
        expect(self.page.locator(".flash.success")).to_be_visible()

    def _fill(self, prefix: str, spec: Field, value: Any) -> None:
        target = f"{prefix}-{spec.name}"
        if spec.kind == "object_list":
            box = self.page.locator(f"#{target}")
            for index, item in enumerate(value):
                if box.locator("[data-row]").count() <= index:
                    box.locator("[data-add-row]").click()
                for sub in spec.item_fields:
                    if sub.name in item:
                        self._fill(f"{target}-{index}", sub, item[sub.name])
        elif spec.kind == "bool":
            self.page.locator(f"#{target} input[value={'true' if value else 'false'}]").check()
        elif spec.kind == "choice":
            self.page.select_option(f"#{target}", value)
        elif spec.kind == "string_list":
            self.page.fill(f"#{target}", "\n".join(value))
        else:
            self.page.fill(f"#{target}", str(value))

    def fire(self, trigger: str, *, expect_state: str | None = None) -> None:
        self.page.click(f"#fire-{trigger}")
        if expect_state is not None:
            expect(self.page.locator("#case-state")).to_have_attribute("data-state", expect_state)
