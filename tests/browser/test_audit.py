"""An auditor replays a case with the slider (and without JavaScript), sees the chain verified or the
broken event named, the compliance findings and every refused attempt; a refused step shows its citations."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing

import pytest
from playwright.sync_api import expect

from procedures.major_decision import samples
from procedures.major_decision.samples import LEGAL, UNDERTAKING, Step
from tests.browser.conftest import shoot
from tests.browser.driver import Clerk
from tests.conftest import START
from web.demo import ALL_REQUIRED
from workflow import services
from workflow.errors import Forbidden

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def _unlawful_review_case(server, title: str) -> int:
    """In legality review with an opinion finding the draft unlawful, and one refused attempt to go on."""
    steps = samples.opening_steps(START) + samples.consultation_steps(START, hearing=False, experts=False, risk=False)
    return server.prepare(steps + [Step("record", LEGAL, "legality_review_opinion",
                                        samples.opinion(START, "unlawful"))], title)


def test_a_refused_step_shows_every_unmet_rule_with_its_article(page, server):
    case_id = _unlawful_review_case(server, "关于收取城市道路临时占用费的决策")
    clerk = Clerk(page, server)
    clerk.sign_in(UNDERTAKING)
    clerk.goto(f"/cases/{case_id}")
    checklist = page.locator("#step-submit_for_discussion")
    expect(checklist.locator(".rule.unmet[data-rule=MD-20]")).to_be_visible()  # shown before anyone tries
    page.guard.expect_refusal(409)
    clerk.fire("submit_for_discussion")

    refusal = page.locator("#refusal")
    expect(refusal).to_be_visible()
    expect(refusal).to_be_focused()
    rule = refusal.locator(".rule[data-rule=MD-20]")
    expect(rule).to_contain_text("MD-20")
    expect(rule).to_contain_text("第二十五条")
    rule.locator("summary").click()
    expect(rule.locator("blockquote")).to_contain_text("未经合法性审查或者经审查不合法的，不得提交决策机关讨论")
    expect(page.locator("#case-state")).to_have_attribute("data-state", "legality_review")  # nothing moved
    shoot(page, "refused-step")

    attempts = services.case_attempts(server.runtime, case_id)
    assert [a["trigger"] for a in attempts] == ["submit_for_discussion"]
    clerk.goto(f"/cases/{case_id}/timeline")
    expect(page.locator("#attempts [data-rule=MD-20]")).to_contain_text("第二十五条")
    shoot(page, "timeline")


def test_an_auditor_replays_a_case_with_the_slider(page, server):
    case_id = server.prepare(samples.walk_to_execution(START), "关于调整城市公共交通票价的决策（审计）", ALL_REQUIRED)
    with pytest.raises(Forbidden):  # a refused attempt, for the attempt log
        services.fire_trigger(server.runtime, server.actor(UNDERTAKING), case_id, trigger="terminate")
    events = services.case_events(server.runtime, case_id)
    transitions = [e for e in events if e["kind"] == "transition"]

    clerk = Clerk(page, server)
    clerk.sign_in("auditor")
    clerk.goto(f"/cases/{case_id}")
    expect(page.locator("form.fire")).to_have_count(0)  # an auditor is offered no step
    expect(page.locator("details.record-form")).to_have_count(0)  # and no record form
    page.click("#to-audit")

    expect(page.locator("#verify-badge")).to_have_attribute("data-ok", "true")
    expect(page.locator("#verify-badge")).to_contain_text(str(len(events)))
    expect(page.locator("#compliance")).to_have_attribute("data-ok", "true")
    expect(page.locator("#attempts")).to_contain_text("forbidden")
    expect(page.locator("#replay-state")).to_have_attribute("data-state", "in_execution")
    page.locator("#replay").scroll_into_view_if_needed()
    expect(page.locator("#replay pre.mermaid svg")).to_be_visible()
    shoot(page, "audit")

    slider = page.locator("#seq")
    expect(page.locator("#replay-go")).to_be_hidden()  # with JavaScript the slider moves by itself
    for event in (events[0], *transitions[:3]):
        slider.fill(str(event["seq"]))
        expect(page).to_have_url(re.compile(rf"[?&]seq={event['seq']}\b"))
        then = services.replay(server.runtime, case_id, seq=event["seq"])
        expect(page.locator("#replay-state")).to_have_attribute("data-state", then["state"])
        expect(page.locator("#replay ol.records > li")).to_have_count(len(then["records"]))
        expect(page.locator("#as-of")).to_contain_text(f"{event['seq']}/{len(events)}")
    expect(slider).to_be_focused()  # keyboard users keep their place
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(rf"[?&]seq={transitions[2]['seq'] + 1}\b"))
    page.locator("#replay").scroll_into_view_if_needed()
    expect(page.locator("#replay pre.mermaid svg")).to_be_visible()
    shoot(page, "audit-replayed")

    # the checklist as it stood: at the first event, the first step's rules were unmet
    slider.fill("1")
    expect(page.locator("#replay-state")).to_have_attribute("data-state", "proposed")
    expect(page.locator("#replay .step.blocked")).not_to_have_count(0)


def test_replay_works_without_javascript(new_page, server):
    case_id = server.prepare(samples.opening_steps(START), "关于无脚本回放的决策")
    page = new_page(java_script_enabled=False)
    clerk = Clerk(page, server)
    clerk.sign_in("auditor")
    clerk.goto(f"/cases/{case_id}/audit")
    expect(page.locator("#replay-go")).to_be_visible()
    page.click("#event-2 a")
    expect(page).to_have_url(re.compile(r"[?&]seq=2\b"))
    expect(page.locator("#replay-state")).to_have_attribute("data-state", "proposed")
    expect(page.locator("#replay ol.records > li")).to_have_count(1)
    page.click("#replay-go")  # the slider's form, submitted as is
    expect(page.locator("#as-of")).to_contain_text("2/")


def test_a_broken_chain_is_named_on_the_audit_page(page, server):
    case_id = server.prepare(samples.opening_steps(START), "关于被篡改的决策")
    path = server.runtime.db.writer.url.database
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE events SET actor = actor || '!' WHERE case_id = ? AND seq = 3", (case_id,))
    clerk = Clerk(page, server)
    clerk.sign_in("auditor")
    clerk.goto(f"/cases/{case_id}/audit")
    badge = page.locator("#verify-badge")
    expect(badge).to_have_attribute("data-ok", "false")
    expect(badge).to_contain_text("3")
    shoot(page, "audit-broken-chain", full_page=False)
