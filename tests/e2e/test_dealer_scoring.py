"""Flow 3 in a real browser: the channel manager opens the quarter's scoring table, sorts by
score, adjusts one dealer inline with a reason (Esc cancels, Enter saves), sees the row update
and the warning list; the keyboard moves between rows. Any console error or CSP report fails."""

import os

from playwright.sync_api import expect
from sqlalchemy import select

from crm.channel.models import DealerScore
from crm.extensions import db
from tests.channel.test_score_page import Q, _scored_dealers


def test_the_channel_manager_scores_dealers(app, signed_in, live_server):
    _scored_dealers(app, 12)
    with app.app_context():
        low = db.session.scalar(select(DealerScore).where(DealerScore.quarter == Q.key)
                                .order_by(DealerScore.score, DealerScore.dealer_id).limit(1))
        low_id, low_score = low.id, low.score
    page = signed_in("sunli")
    page.goto(f"{live_server}/channel/scores?quarter={Q.key}")
    expect(page.locator("#warning-list")).to_contain_text("预警与风险")
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("得分")  # best first
    page.get_by_role("link", name="得分").click()  # the lowest scores first
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("得分")
    first = page.locator("#scores-table tbody tr.score-row").first
    expect(first).to_have_attribute("id", f"score-{low_id}")
    row = page.locator(f"#score-{low_id}")
    row.focus()
    page.keyboard.press("ArrowDown")  # the keyboard moves between rows
    expect(page.locator("#scores-table tbody tr.score-row").nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(row).to_be_focused()
    page.keyboard.press("Enter")  # opens the inline editor
    score = page.locator(f"#adjust-score-{low_id}")
    expect(score).to_be_focused()
    score.fill("99")
    page.keyboard.press("Escape")  # cancels: the row is as it was
    expect(row.locator("strong")).to_have_text(str(low_score))
    row.get_by_role("button", name="调整").click()
    expect(score).to_be_focused()
    score.fill("66")
    page.locator(f"#adjust-reason-{low_id}").fill("大客户回款延迟，总监同意")
    page.keyboard.press("Enter")  # saves
    expect(row.locator("strong")).to_have_text("66.0")
    expect(row).to_contain_text(f"已调整，原 {low_score}")
    expect(row).to_be_focused()
    if folder := os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(folder, "scores-1366.png"), full_page=False)
    with app.app_context():
        saved = db.session.get(DealerScore, low_id)
        assert (saved.adjusted_score, saved.adjustment_reason) == (66, "大客户回款延迟，总监同意")
