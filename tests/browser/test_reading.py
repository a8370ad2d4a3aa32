"""Reading the pages: English at a click (remembered), the keyboard (skip link, slider), a narrow screen,
and every page of a case without a request leaving the host. Screenshots of each page for the user guide."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from procedures.major_decision import samples
from tests.browser.conftest import shoot
from tests.browser.driver import Clerk
from tests.conftest import START
from web.demo import ALL_REQUIRED

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_english_at_a_click_and_remembered(page, server):
    case_id = server.prepare(samples.opening_steps(START)[:3], "关于英文界面的决策")
    clerk = Clerk(page, server)
    clerk.sign_in("decision_organ")
    clerk.goto(f"/cases/{case_id}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("#checklist-h")).to_have_text("下一步：法定要求清单")
    page.click("a.lang")
    expect(page).to_have_url(f"{server.url}/cases/{case_id}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#checklist-h")).to_have_text("Next steps: what the law still requires")
    expect(page.locator("#case-state")).to_have_text("Proposed")  # the definition's own English label
    expect(page.locator("#fire-start_drafting")).to_contain_text("Start drafting")
    shoot(page, "case-en", full_page=False)
    clerk.goto("/cases")
    expect(page.locator("h1")).to_have_text("Cases")  # remembered
    clerk.sign_out()
    expect(page.locator("h1")).to_have_text("Sign in")  # even signed out


def test_keyboard_skip_link_and_a_narrow_screen(new_page, server):
    case_id = server.prepare(samples.walk_to_execution(START)[:12], "关于窄屏阅读的决策", ALL_REQUIRED)
    page = new_page(viewport={"width": 390, "height": 844})
    clerk = Clerk(page, server)
    clerk.sign_in("undertaking_unit")
    clerk.goto(f"/cases/{case_id}")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    for path in (f"/cases/{case_id}", "/cases", f"/cases/{case_id}/audit", f"/cases/{case_id}/timeline"):
        clerk.goto(path)
        diagram = page.locator("pre.mermaid")
        if diagram.count():  # measure once Mermaid is done (it measures text in scratch elements as it draws)
            diagram.first.scroll_into_view_if_needed()
            expect(diagram.first).to_have_attribute("data-processed", "true")
            expect(diagram.first.locator("svg")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)  # no sideways scrolling of the page itself
    clerk.goto(f"/cases/{case_id}")
    shoot(page, "case-narrow", full_page=False)
    # every form control on the case page has a name a screen reader can read
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
        .filter(el => !el.closest('template'))
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
        .map(el => el.name || el.id)""")
    assert unlabelled == []


def test_every_page_for_the_guide(new_page, server):
    """Each page once, for the screenshots of docs/user-guide.md (and its guard: no error, nothing external)."""
    case_id = server.prepare(samples.walk_to_execution(START)[:17], "关于调整城市公共交通票价的决策", ALL_REQUIRED)
    page = new_page(viewport={"width": 1280, "height": 1000})
    clerk = Clerk(page, server)
    clerk.goto("/sign-in")
    shoot(page, "guide-sign-in", full_page=False)
    clerk.sign_in("legal_office")
    shoot(page, "guide-cases", full_page=False)
    clerk.goto(f"/cases/{case_id}")
    page.locator("#diagram-h").scroll_into_view_if_needed()
    expect(page.locator("pre.mermaid svg")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "guide-case", full_page=False)
    page.locator("#rec-legality_review_opinion summary").click()
    page.locator("#add-h").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('add-h').scrollIntoView()")
    shoot(page, "guide-record-form", full_page=False)
    page.guard.expect_refusal(409)
    clerk.fire("return_for_supplement")
    expect(page.locator("#refusal")).to_be_visible()
    page.evaluate("document.getElementById('refusal').scrollIntoView()")
    expect(page.locator("pre.mermaid svg")).to_be_visible()
    shoot(page, "guide-refusal", full_page=False)
    clerk.goto(f"/cases/{case_id}/timeline")
    shoot(page, "guide-timeline", full_page=False)
    clerk.goto("/procedures/major_decision")
    expect(page.locator("pre.mermaid svg")).to_be_visible()
    shoot(page, "guide-procedure", full_page=False)
    clerk.become("auditor")
    clerk.goto(f"/cases/{case_id}/audit")
    expect(page.locator("pre.mermaid svg")).to_be_visible()
    shoot(page, "guide-audit", full_page=False)
    page.locator("#seq").fill("10")
    expect(page.locator("#replay-state")).to_have_attribute("data-state", "consultation")
    page.evaluate("document.getElementById('replay').scrollIntoView()")
    expect(page.locator("#replay pre.mermaid svg")).to_be_visible()
    shoot(page, "guide-replay", full_page=False)
