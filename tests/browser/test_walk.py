"""A clerk walks a case from proposed to in_execution by clicking and filling the generated forms, with
each step done by the role the law gives it; an auditor then replays it with the slider."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from procedures.major_decision import samples
from tests.browser.conftest import shoot
from tests.browser.driver import Clerk
from tests.conftest import START
from web.demo import ALL_REQUIRED

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_a_case_walked_to_execution_through_the_pages(page, server):
    procedure = server.runtime.registry.procedure("major_decision")
    clerk = Clerk(page, server)
    clerk.sign_in("undertaking_unit")
    fields = samples.case_fields("关于调整城市公共交通票价的决策")
    case_id = clerk.open_case(procedure, fields["title"], fields["decision_organ"], fields["undertaking_unit"],
                              ALL_REQUIRED)
    shoot(page, "case-opened")
    for step in samples.walk_to_execution(START):
        clerk.become(step.role)
        clerk.on_case(case_id)
        if step.action == "record":
            clerk.add_record(procedure, step.name, step.data)
        else:
            clerk.fire(step.name, expect_state=procedure.trigger(step.name).dest)
    expect(page.locator("#case-state")).to_have_attribute("data-state", "in_execution")
    shoot(page, "case-in-execution")
