"""Deals: the board (drag, keyboard, undo), inline edit, signing, validation, 409, queries."""

import json
import re
from decimal import Decimal

from sqlalchemy import func, insert, select

from crm.auth.models import User
from crm.auth.scopes import visible_filter
from crm.contracts.models import Contract
from crm.extensions import db
from crm.sales import deals, funnel, leads
from crm.sales.models import Deal, Lead, Product, StageChange
from tests.conftest import count_queries


def _user_id(username):
    return db.session.scalar(select(User.id).where(User.username == username))


def make_deal(app, company="比亚迪股份有限公司", owner="zhangwei") -> int:
    with app.test_request_context():
        lead = leads.save_lead(None, {"company_name": company, "source": "trade_show",
                                         "contact_name": "王传福"}, owner_id=_user_id(owner))
        deal = deals.convert_lead(lead)
        db.session.commit()
        return deal.id


def _stage_id(app, code):
    with app.app_context():
        return funnel.stage(code).id


def test_dragging_a_card_moves_it_updates_totals_and_offers_undo(app, login):
    deal_id = make_deal(app)
    rep = login("zhangwei")
    intent = _stage_id(app, "intent")
    response = rep.post(f"/deals/{deal_id}/move", {"stage_id": intent}, htmx=True,
                        headers={"HX-Target": f"deal-{deal_id}"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="deal-{deal_id}"' in html
    assert f'id="stage-total-{intent}" class="stage-total" hx-swap-oob="true">1 个商机' in html
    event = json.loads(response.headers["HX-Trigger"])["deal-moved"]
    assert event["undoStage"] == _stage_id(app, "potential") and "撤销" == event["undoLabel"]
    undo = rep.post(event["undoUrl"], {"stage_id": event["undoStage"]}, htmx=True,
                    headers={"HX-Target": f"deal-{deal_id}"})
    assert f'id="deal-{deal_id}"' in undo.get_data(as_text=True)
    placed = json.loads(undo.headers["HX-Trigger"])["deal-placed"]
    assert placed == {"card": f"deal-{deal_id}", "stage": _stage_id(app, "potential")}
    with app.app_context():
        deal = db.session.get(Deal, deal_id)
        assert deal.stage.code == "potential"
        lead = db.session.get(Lead, deal.lead_id)
        assert lead.stage.code == "potential"  # the lead follows its deal
        moves = db.session.execute(select(StageChange.lead_id, StageChange.deal_id,
                                          StageChange.to_stage_id)
                                   .where(StageChange.from_stage_id.is_not(None))
                                   .order_by(StageChange.id)).all()
        assert [(m.deal_id, m.to_stage_id) for m in moves] == [
            (deal_id, intent), (deal_id, _stage_id(app, "potential"))]
        assert all(m.lead_id == lead.id for m in moves)


def test_the_card_menu_moves_without_javascript(app, login):
    deal_id = make_deal(app)
    rep = login("zhangwei")
    response = rep.post(f"/deals/{deal_id}/move", {"stage_id": _stage_id(app, "intent")})
    assert response.status_code == 303 and response.headers["Location"].endswith("/deals/board")
    board = rep.get("/deals/board").get_data(as_text=True)
    intent_column = board.split('data-stage="intent"')[1].split('data-stage="signed"')[0]
    card = intent_column.split(f'id="deal-{deal_id}"')[1].split("</article>")[0]
    offered = re.findall(r'name="stage_id" value="(\d+)">移到(\w+)<', card)
    assert offered == [(str(_stage_id(app, "potential")), "潜在客户"),
                       (str(_stage_id(app, "signed")), "签约客户")]


def test_moving_to_signed_asks_for_the_contract_and_signing_records_it(app, login):
    deal_id = make_deal(app)
    rep = login("zhangwei")
    signed = _stage_id(app, "signed")
    asked = rep.post(f"/deals/{deal_id}/move", {"stage_id": signed}, htmx=True,
                     headers={"HX-Target": f"deal-{deal_id}"})
    assert asked.headers["HX-Retarget"] == "#sign-dialog-body"
    assert "违约责任" in asked.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Deal, deal_id).stage_id != signed
    form = {"price": "1280000", "payment_method": "installments", "payment_terms": "",
            "breach_liability": "逾期付款按日万分之五支付违约金", "signed_at": "2026-11-23"}
    invalid = rep.post(f"/deals/{deal_id}/sign", form, htmx=True,
                       headers={"HX-Target": "sign-dialog-body"})
    assert invalid.status_code == 422
    assert 'id="payment_terms-error"' in invalid.get_data(as_text=True)
    assert "<html" not in invalid.get_data(as_text=True)  # only the dialog's content
    done = rep.post(f"/deals/{deal_id}/sign", {**form, "payment_terms": "签约付30%，验收付70%"},
                    htmx=True, headers={"HX-Target": "sign-dialog-body"})
    assert done.headers["HX-Retarget"] == f"#deal-{deal_id}"  # the rep stays on the board
    signed_event = json.loads(done.headers["HX-Trigger"])["deal-signed"]
    assert signed_event["href"] == f"/deals/{deal_id}#contract"
    assert signed_event["linkLabel"] == "查看合同"
    with app.app_context():
        contract = db.session.scalar(select(Contract))
        assert (contract.deal_id, contract.price, contract.payment_method) == (
            deal_id, Decimal("1280000.00"), "installments")
        assert db.session.get(Deal, deal_id).stage_id == signed
    page = rep.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert "¥1,280,000.00" in page and "签约付30%，验收付70%" in page
    assert "潜在客户 → <strong>签约客户</strong>" in page


def _deal_form(app, **values):
    with app.app_context():
        customer_id = db.session.scalar(select(Deal.customer_id))
        owner = _user_id("zhangwei")
        product = Product(name="工业网关 G200", category="硬件", price=Decimal("8800"))
        db.session.add(product)
        db.session.commit()
        product_id = product.id
    data = {"title": "比亚迪产线改造", "customer_id": customer_id, "owner_id": owner,
            "expected_value": "", "close_date": "2026-12-31", "channel": "direct",
            "solution_spec": "", "delivery_cycle": "", "service_commitment": "",
            "lines-0-product_id": product_id, "lines-0-quantity": "10",
            "lines-0-unit_price": "", "lines-0-discount_percent": "5"}
    return {**data, **values}


def test_invalid_deal_input_is_422_with_messages_and_typed_values(app, login):
    make_deal(app)
    rep = login("zhangwei")
    data = _deal_form(app, title="", close_date="2026/12/31", **{"lines-0-quantity": "-3"})
    response = rep.post("/deals/new", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="title-error"' in html
    assert 'id="close_date-error"' in html and 'value="2026/12/31"' in html
    assert re.search(r'id="lines-0-quantity-error">[^<]*不能为负数', html)
    assert 'value="-3"' in html


def test_lines_are_totalled_in_decimal(app, login):
    make_deal(app)
    rep = login("zhangwei")
    assert rep.post("/deals/new", _deal_form(app)).status_code == 303
    with app.app_context():
        deal = db.session.scalar(select(Deal).where(Deal.title == "比亚迪产线改造"))
        assert deal.lines_total == Decimal("83600.00")  # 10 × 8,800 less 5 %
        assert deal.expected_value == Decimal("83600.00")


def test_concurrent_edits_of_a_deal_the_second_save_gets_409(app, login):
    deal_id = make_deal(app)
    rep, manager = login("zhangwei"), login("wangqiang")
    form = _deal_form(app, version="1")
    assert rep.post(f"/deals/{deal_id}/edit", {**form, "title": "张伟的标题"}).status_code == 303
    second = manager.post(f"/deals/{deal_id}/edit", {**form, "title": "王强的标题"})
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert 'value="张伟的标题"' in html and "王强的标题" in html


def test_inline_edit_saves_cancels_and_refuses_a_stale_value(app, login):
    deal_id = make_deal(app)
    rep = login("zhangwei")
    editor = rep.get(f"/deals/{deal_id}/value/expected_value/edit", htmx=True)
    assert 'name="value"' in editor.get_data(as_text=True) and "autofocus" in editor.get_data(
        as_text=True)
    saved = rep.post(f"/deals/{deal_id}/value/expected_value/edit",
                     {"value": "250000", "version": "1"}, htmx=True)
    assert saved.status_code == 200
    html = saved.get_data(as_text=True)
    assert "¥250,000.00" in html and 'hx-swap-oob="true"' in html
    stale = rep.post(f"/deals/{deal_id}/value/expected_value/edit",
                     {"value": "1", "version": "1"}, htmx=True)
    assert stale.status_code == 409
    assert "¥250,000.00" in stale.get_data(as_text=True)
    bad_date = rep.post(f"/deals/{deal_id}/value/close_date/edit",
                        {"value": "31.12.2026", "version": "2"}, htmx=True)
    assert bad_date.status_code == 422
    cancel = rep.get(f"/deals/{deal_id}/value/expected_value", htmx=True)
    assert "¥250,000.00" in cancel.get_data(as_text=True)


def test_service_agents_see_the_board_but_cannot_move(app, login):
    deal_id = make_deal(app)
    agent = login("zhoujie")
    assert "比亚迪" in agent.get("/deals/board").get_data(as_text=True)
    assert agent.post(f"/deals/{deal_id}/move",
                      {"stage_id": _stage_id(app, "intent")}).status_code == 403
    assert login("chenjing").get(f"/deals/{deal_id}").status_code == 404


def _bulk_deals(app, n):
    with app.app_context():
        customer_id = db.session.scalar(select(Deal.customer_id))
        owner = _user_id("zhangwei")
        stages = [s.id for s in funnel.board_stages()]
        db.session.execute(insert(Deal), [
            {"title": f"商机{i}", "customer_id": customer_id, "owner_id": owner,
             "stage_id": stages[i % len(stages)], "expected_value": Decimal(1000 + i)}
            for i in range(n)])
        db.session.commit()


def test_board_and_list_run_a_fixed_number_of_queries(app, login):
    make_deal(app)
    rep, manager = login("zhangwei"), login("wangqiang")
    _bulk_deals(app, 10)

    def counts():
        found = []
        for user in (rep, manager):
            for url in ("/deals/board", "/deals"):
                user.get(url)
                with count_queries(app) as counter:
                    assert user.get(url).status_code == 200
                found.append(counter.n)
        return found

    small = counts()
    _bulk_deals(app, 990)
    large = counts()
    assert small == large
    assert max(large[:2]) <= 8 and max(large) <= 10, large  # + owners and teams to filter by
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Deal)) == 1001
    board = rep.get("/deals/board").get_data(as_text=True)
    assert board.count('<article class="deal-card') == 150  # 50 latest per column
    assert '/deals?stage=potential">全部 335 条，在列表中查看' in board


def test_a_deal_is_lost_only_with_a_reason(app, login):
    deal_id = make_deal(app)
    rep = login("zhangwei")
    lost = _stage_id(app, "lost")
    refused = rep.post(f"/deals/{deal_id}/move", {"stage_id": lost}, follow_redirects=True)
    assert "请选择流失原因" in refused.get_data(as_text=True)
    with app.app_context():
        reason = funnel.lost_reasons()[1]
    done = rep.post(f"/deals/{deal_id}/move", {"stage_id": lost, "lost_reason_id": reason.id},
                    follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "选择了竞争对手" in page and "潜在客户 → <strong>已流失</strong>" in page
    with app.app_context():
        assert db.session.get(Lead, db.session.get(Deal, deal_id).lead_id).stage_id == lost


def _board_totals(client) -> dict[str, str]:
    html = client.get("/deals/board").get_data(as_text=True)
    return dict(re.findall(r'id="stage-total-(\d+)" class="stage-total"[^>]*>([^<]+)<', html))


def test_board_totals_follow_every_kind_of_write_and_each_viewers_scope(app, login):
    """The column totals come from per-owner rows the database keeps: creating, moving,
    re-valuing, reassigning and deleting deals (by the app or by plain SQL) keeps them equal to
    counting the deals each viewer may see."""
    ids = [make_deal(app, f"测试公司{i}", owner) for i, owner in
           enumerate(["zhangwei", "zhangwei", "liuyang", "chenjing"])]
    rep, manager, director = login("zhangwei"), login("wangqiang"), login("zhaomin")
    intent = _stage_id(app, "intent")
    rep.post(f"/deals/{ids[0]}/move", {"stage_id": intent})
    with app.app_context():
        db.session.execute(Deal.__table__.update().where(Deal.id == ids[1])
                           .values(expected_value=Decimal("1234.50")))
        db.session.execute(Deal.__table__.update().where(Deal.id == ids[2])
                           .values(owner_id=_user_id("chenjing")))
        db.session.execute(Deal.__table__.delete().where(Deal.id == ids[3]))
        db.session.commit()
    for client, username in ((rep, "zhangwei"), (manager, "wangqiang"), (director, "zhaomin")):
        with app.app_context():
            viewer = db.session.scalar(select(User).where(User.username == username))
            expected = db.session.execute(
                select(Deal.stage_id, func.count(), func.sum(Deal.expected_value))
                .where(visible_filter(Deal, viewer)).group_by(Deal.stage_id)).all()
        shown = _board_totals(client)
        assert {int(k): v for k, v in shown.items() if not v.startswith("0 ")} == {
            stage: f"{n} 个商机 · ¥{Decimal(total):,.2f}" for stage, n, total in expected}
    potential = str(_stage_id(app, "potential"))
    assert _board_totals(rep)[potential] == "1 个商机 · ¥1,234.50"  # ids[0] moved on
    assert _board_totals(manager)[potential] == "1 个商机 · ¥1,234.50"  # ids[2] left the team
    assert _board_totals(director)[potential] == "2 个商机 · ¥1,234.50"


# Issue 11, defect 1: the inline amount editor must not corrupt amounts.
def _edit_amount(rep, deal_id, value, version="1"):
    return rep.post(f"/deals/{deal_id}/value/expected_value/edit",
                    {"value": value, "version": version}, htmx=True)


def test_implausible_amounts_are_refused_beside_the_field_and_typed_ones_read(app, login):
    deal_id = make_deal(app)
    rep, admin = login("zhangwei"), login("admin")
    editor = rep.get(f"/deals/{deal_id}/value/expected_value/edit", htmx=True).get_data(
        as_text=True)
    assert 'type="text"' in editor and "<kbd>Enter</kbd> 保存" in editor
    for typed, message in (("-1", "不能为负数"), ("150000.125", "最多两位小数"),
                           ("150000135280", "不能超过 ¥1,000,000,000.00"),
                           ("NaN", "请输入以元为单位的金额"), ("12万", "")):
        refused = _edit_amount(rep, deal_id, typed)
        html = refused.get_data(as_text=True)
        assert refused.status_code == 422, typed
        assert f'id="inline-{deal_id}-expected_value-error"' in html and message in html
        assert 'aria-invalid="true"' in html and f'value="{typed}"' in html  # typed, kept
    assert _edit_amount(rep, deal_id, "¥150,000.50").status_code == 200
    with app.app_context():
        assert db.session.get(Deal, deal_id).expected_value == Decimal("150000.50")
    settings = admin.get("/admin/settings").get_data(as_text=True)
    assert 'name="deal_amount_ceiling"' in settings
    form = dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', settings))
    form.update(dict(re.findall(r'name="(\w+)"[^>]*>([^<]*)</textarea>', settings)))
    form["deal_amount_ceiling"] = "100000"
    assert admin.post("/admin/settings", form).status_code == 303
    over = _edit_amount(rep, deal_id, "150000", version="2")
    assert over.status_code == 422 and "不能超过 ¥100,000.00" in over.get_data(as_text=True)


def test_an_inline_edit_posted_without_htmx_lands_on_the_board(app, login):
    """Issue 19: a key that beats htmx to a fresh editor posts it natively; the answer must be
    a page, never the bare fragment."""
    deal_id = make_deal(app)
    rep = login("zhangwei")
    saved = rep.post(f"/deals/{deal_id}/value/expected_value/edit",
                     {"value": "360000", "version": "1"})
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/deals/board")
    refused = rep.post(f"/deals/{deal_id}/value/expected_value/edit",
                       {"value": "-3", "version": "2"})
    assert refused.status_code == 422 and "<html" in refused.get_data(as_text=True)


# Issue 11, defect 2: signed only through the signing form, whatever the path.
def test_every_path_into_the_signed_stage_goes_through_the_signing_form(app, login):
    deal_id = make_deal(app)
    rep = login("zhangwei")
    signed, intent = _stage_id(app, "signed"), _stage_id(app, "intent")
    with app.app_context():
        lead_id = db.session.get(Deal, deal_id).lead_id
    lead_page = rep.get(f"/leads/{lead_id}").get_data(as_text=True)
    stage_select = lead_page.split('name="stage_id"')[1].split("</select>")[0]
    assert "签约客户" not in stage_select  # not offered on the lead
    refused = rep.post(f"/leads/{lead_id}/stage", {"stage_id": signed})
    assert refused.status_code == 422
    no_js = rep.post(f"/deals/{deal_id}/move", {"stage_id": signed})
    assert no_js.status_code == 303 and no_js.headers["Location"].endswith(f"/deals/{deal_id}/sign")
    asked = rep.post(f"/deals/{deal_id}/move", {"stage_id": signed}, htmx=True,
                     headers={"HX-Target": f"deal-{deal_id}"})
    assert asked.headers["HX-Retarget"] == "#sign-dialog-body"
    with app.app_context():  # a lead at 签约 (from older data): its new deal starts open
        db.session.get(Lead, lead_id).stage_id = signed
        db.session.commit()
    created = rep.post(f"/leads/{lead_id}/deal", {"title": "二期改造", "expected_value": ""})
    assert created.status_code == 303
    with app.app_context():
        second = db.session.scalar(select(Deal).where(Deal.title == "二期改造"))
        assert second.stage.code == "potential"
        assert db.session.get(Lead, lead_id).stage.code == "potential"
        unsigned = db.session.scalar(select(func.count()).select_from(Deal).where(
            Deal.stage_id == signed, ~Deal.id.in_(select(Contract.deal_id))))
        assert unsigned == 0
    _sign(rep, deal_id)
    back = rep.post(f"/deals/{deal_id}/move", {"stage_id": intent}, htmx=True,
                    headers={"HX-Target": f"deal-{deal_id}"})
    event = json.loads(back.headers["HX-Trigger"])
    assert event["deal-placed"]["stage"] == signed and "已签约的商机" in event["toast"]["text"]
    with app.app_context():
        assert db.session.get(Deal, deal_id).stage_id == signed


def _sign(rep, deal_id, **values):
    form = {"price": "1280000", "payment_method": "installments",
            "payment_terms": "签约付30%，验收付70%", "breach_liability": "按日万分之五",
            "signed_at": "2026-11-23", **values}
    return rep.post(f"/deals/{deal_id}/sign", form, htmx=True,
                    headers={"HX-Target": "sign-dialog-body"})


# Issue 11, defect 9: the signing dialog.
def test_the_signing_dialog_suggests_the_terms_and_focuses_the_first_field_in_error(app, login):
    deal_id = make_deal(app)
    rep = login("zhangwei")
    asked = rep.post(f"/deals/{deal_id}/move", {"stage_id": _stage_id(app, "signed")},
                     htmx=True, headers={"HX-Target": f"deal-{deal_id}"}).get_data(as_text=True)
    assert "签约后付合同总价的30%" in asked and "逾期付款的，每日按应付未付金额的万分之五" in asked
    assert re.search(r'<input[^>]*autofocus[^>]*id="price"|id="price"[^>]*autofocus', asked)
    invalid = _sign(rep, deal_id, price="-1", breach_liability="").get_data(as_text=True)
    assert re.search(r'id="price"[^>]*autofocus|autofocus[^>]*id="price"', invalid)
    assert not re.search(r'id="breach_liability"[^>]*autofocus', invalid)
    later = _sign(rep, deal_id, breach_liability="").get_data(as_text=True)
    assert re.search(r'autofocus[^>]*id="breach_liability"|id="breach_liability"[^>]*autofocus',
                     later)


# Issue 11, defect 4: a deal starts in a short dialog with a title, an amount and a date.
def test_a_deal_starts_in_a_dialog_with_a_suggested_title_amount_and_date(app, login):
    rep = login("zhangwei")
    with app.test_request_context():
        lead = leads.save_lead(None, {"company_name": "宁波舜宇光学科技有限公司",
                                         "source": "trade_show"}, owner_id=_user_id("zhangwei"))
        product = Product(name="工业网关 G200", category="硬件", price=Decimal("8800"))
        db.session.add(product)
        db.session.commit()
        lead_id, product_id = lead.id, product.id
    dialog = rep.get(f"/leads/{lead_id}/deal", htmx=True, target="deal-dialog-body")
    html = dialog.get_data(as_text=True)
    assert "<html" not in html and 'id="deal-dialog-title"' in html
    title = re.search(r'id="title"[^>]*value="([^"]+)"', html).group(1)
    assert title.startswith("宁波舜宇光学科技 ") and title.endswith(" 商机")
    assert 'name="customer_id"' not in html  # the lead's customer
    invalid = rep.post(f"/leads/{lead_id}/deal", {"title": title, "expected_value": "-5"},
                       htmx=True, headers={"HX-Target": "deal-dialog-body"})
    assert invalid.status_code == 422
    assert re.search(r'autofocus[^>]*id="expected_value"|id="expected_value"[^>]*autofocus',
                     invalid.get_data(as_text=True))
    done = rep.post(f"/leads/{lead_id}/deal", {
        "title": title, "expected_value": "", "close_date": "2026-12-31",
        "lines-0-product_id": product_id, "lines-0-quantity": "3"},
        htmx=True, headers={"HX-Target": "deal-dialog-body"})
    with app.app_context():
        deal = db.session.scalar(select(Deal))
        assert (deal.title, deal.expected_value, str(deal.close_date)) == (
            title, Decimal("26400.00"), "2026-12-31")
    assert done.headers["HX-Redirect"] == f"/deals/{deal.id}"
    with app.app_context():
        me = _user_id("zhangwei")
    from_board = rep.post("/deals/new", {
        "title": "二期", "customer_id": deal.customer_id, "owner_id": me,
        "expected_value": "50000"}, htmx=True,
        headers={"HX-Target": "deal-dialog-body", "HX-Current-URL": "http://x/deals/board"})
    assert from_board.headers["HX-Reswap"].startswith("afterbegin")
    assert "deal-created" in json.loads(from_board.headers["HX-Trigger"])
    assert "¥50,000.00" in from_board.get_data(as_text=True)


# Issue 11, defect 8: owners and filters for those who oversee others.
def test_overseers_see_owners_and_filter_the_board_by_owner_and_team(app, login):
    mine, theirs = make_deal(app, "舜宇光学", "zhangwei"), make_deal(app, "海康威视", "chenjing")
    rep, director = login("zhangwei"), login("zhaomin")
    rep_board = rep.get("/deals/board").get_data(as_text=True)
    assert "owner-chip" not in rep_board and 'name="owner"' not in rep_board
    everyone = director.get("/deals/board").get_data(as_text=True)
    assert 'class="owner-chip" title="张伟"' in everyone and f'id="deal-{theirs}"' in everyone
    with app.app_context():
        me, team = _user_id("zhangwei"), db.session.get(User, _user_id("chenjing")).team_id
    narrowed = director.get(f"/deals/board?owner={me}").get_data(as_text=True)
    assert f'id="deal-{mine}"' in narrowed and f'id="deal-{theirs}"' not in narrowed
    assert re.search(r'class="stage-total"\s*>1 个商机', narrowed)
    by_team = director.get(f"/deals/board?team={team}").get_data(as_text=True)
    assert f'id="deal-{theirs}"' in by_team and f'id="deal-{mine}"' not in by_team
