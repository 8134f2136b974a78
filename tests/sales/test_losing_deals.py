"""Losing a deal takes a deliberate reason in a confirmation dialog and can be undone
(issue 11, defect 3)."""

import re

from sqlalchemy import func, select

from crm.extensions import db
from crm.sales import funnel
from crm.sales.models import Deal, Lead, StageChange
from tests.sales.test_deals import make_deal


def _stage_code(app, deal_id):
    with app.app_context():
        deal = db.session.get(Deal, deal_id)
        return deal.stage.code, db.session.get(Lead, deal.lead_id).stage.code


def _reason(app, index=1):
    with app.test_request_context():
        reason = funnel.lost_reasons()[index]
        return reason.id, reason.label


def _moves_to_lost(app, deal_id):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(StageChange).where(
            StageChange.deal_id == deal_id, StageChange.to_stage_id == funnel.stage("lost").id))


def test_the_deal_page_asks_in_a_dialog_with_no_reason_chosen(app, login):
    deal_id = make_deal(app)
    page = login("zhangwei").get(f"/deals/{deal_id}").get_data(as_text=True)
    dialog = re.search(r'<dialog id="lose-dialog".*?</dialog>', page, re.S).group(0)
    select_html = re.search(r'<select[^>]*name="lost_reason_id".*?</select>', dialog, re.S)
    options = re.findall(r"<option[^>]*>", select_html.group(0))
    assert options[0] == '<option selected value="">' or 'value=""' in options[0]
    assert not any("selected" in option for option in options[1:])
    assert "请选择原因…" in dialog and "取消" in dialog
    assert f'href="/deals/{deal_id}/lose"' in page  # the way there without JavaScript


def test_losing_without_a_reason_is_refused_beside_the_field(app, login):
    deal_id = make_deal(app)
    rep = login("zhangwei")
    page = rep.post(f"/deals/{deal_id}/lose", {"lost_reason_id": ""})
    assert page.status_code == 422
    assert re.search(r'id="lost_reason_id-error">[^<]*请选择流失原因', page.get_data(as_text=True))
    in_dialog = rep.post(f"/deals/{deal_id}/lose", {}, htmx=True)
    assert in_dialog.status_code == 422
    assert in_dialog.headers["HX-Retarget"] == "#lose-dialog-body"
    assert in_dialog.headers["HX-Push-Url"] == "false"
    assert "<html" not in in_dialog.get_data(as_text=True)
    assert _stage_code(app, deal_id) == ("potential", "potential")


def test_losing_twice_records_one_loss_and_undo_restores_the_stage_it_left(app, login):
    deal_id = make_deal(app)
    rep = login("zhangwei")
    with app.app_context():
        intent = funnel.stage("intent").id
    rep.post(f"/deals/{deal_id}/move", {"stage_id": intent})
    reason_id, reason_label = _reason(app)
    lost = rep.post(f"/deals/{deal_id}/lose", {"lost_reason_id": reason_id})
    assert lost.status_code == 303 and lost.headers["Location"] == f"/deals/{deal_id}"
    page = rep.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert reason_label in page and _stage_code(app, deal_id) == ("lost", "lost")
    undo = re.search(r'<div class="toast toast-success toast-undo".*?</div>', page, re.S).group(0)
    assert "已标记为流失" in undo and f'action="/deals/{deal_id}/reopen"' in undo
    assert f'name="stage_id" value="{intent}"' in undo and "撤销" in undo

    rep.post(f"/deals/{deal_id}/lose", {"lost_reason_id": reason_id})  # a double submit
    assert _moves_to_lost(app, deal_id) == 1

    back = rep.post(f"/deals/{deal_id}/reopen", {"stage_id": intent}, follow_redirects=True)
    assert "已恢复到意向客户" in back.get_data(as_text=True)
    assert _stage_code(app, deal_id) == ("intent", "intent")
    rep.post(f"/deals/{deal_id}/reopen", {"stage_id": intent})  # Undo clicked twice
    assert _stage_code(app, deal_id) == ("intent", "intent")
    with app.app_context():
        assert db.session.get(Deal, deal_id).lost_reason_id is None


def test_undo_goes_only_to_an_open_stage(app, login):
    deal_id = make_deal(app)
    rep = login("zhangwei")
    rep.post(f"/deals/{deal_id}/lose", {"lost_reason_id": _reason(app)[0]})
    with app.app_context():
        won = funnel.stage("signed").id
    assert rep.post(f"/deals/{deal_id}/reopen", {"stage_id": won}).status_code == 422
    assert _stage_code(app, deal_id) == ("lost", "lost")


def test_a_signed_deal_cannot_be_lost(app, login):
    deal_id = make_deal(app)
    rep = login("zhangwei")
    signed = rep.post(f"/deals/{deal_id}/sign", {
        "price": "1000", "payment_method": "bank_transfer", "payment_terms": "一次付清",
        "breach_liability": "按合同", "signed_at": "2026-11-20"})
    assert signed.status_code == 303
    refused = rep.post(f"/deals/{deal_id}/lose", {"lost_reason_id": _reason(app)[0]})
    assert refused.status_code == 409
    assert "已签约的商机不能再标记为流失" in refused.get_data(as_text=True)
    assert _stage_code(app, deal_id)[0] == "signed"
