"""Demo contracts and receivables, so finance's and legal's day looks real: a contract in each
status, payment schedules with partial payments and a refund, overdue instalments at each step
of the collection ladder (letter due, letter sent, the director's visit due, legal review due,
a legal decision taken) and a promise to pay. Runs after the sales demo (its customers)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from crm.audit.hooks import acting_user_id
from crm.auth.models import User
from crm.contracts import collection, services
from crm.contracts.models import Contract, Instalment
from crm.customers.models import Customer
from crm.extensions import db
from crm.sales import deals

ZONE = ZoneInfo("Asia/Shanghai")
FINANCE, LEGAL, DIRECTOR = "zhengshuang", "fenglv", "zhaomin"
TERMS = "签约付 30%，到货付 40%，验收后付 30%"
LIABILITY = "逾期付款按日万分之五支付违约金"


@dataclass(frozen=True)
class Demo:
    owner: str
    customer: str
    title: str
    price: str
    signed: int  # days before today
    status: str
    schedule: tuple[tuple[int, int], ...] = ()  # (due, days from today; percent)
    paid: int = 0  # the first instalments paid in full, five days after falling due
    important: bool = False


DEMOS = (
    Demo("zhangwei", "上海宏达汽车零部件股份有限公司", "冲压生产线改造", "1280000", 120,
         "delivered", ((-110, 30), (-35, 40), (40, 30)), paid=1),
    Demo("liuyang", "宁波港口物流集团有限公司", "智能仓储系统", "860000", 60, "in_delivery",
         ((-50, 30), (-18, 40), (60, 30)), paid=1),
    Demo("chenjing", "深圳市华信电子有限公司", "SMT 产线 MES 系统", "420000", 45, "signed",
         ((-8, 50), (30, 50))),
    Demo("yangfan", "珠海海洋能源股份有限公司", "储能监控平台", "650000", 90, "delivered",
         ((-80, 30), (-10, 30), (20, 40)), paid=1),
    Demo("zhangwei", "苏州精工机械制造有限公司", "数控设备联网", "300000", 200, "closed",
         ((-170, 100),), paid=1, important=True),
    Demo("chenjing", "惠州储能电池科技有限公司", "电芯检测线", "760000", 130, "in_delivery",
         ((-100, 40), (-75, 60)), paid=1),
    Demo("zhangwei", "上海浦江金融信息服务有限公司", "数据中台二期", "520000", 0, "draft"),
    Demo("liuyang", "杭州云栖信息技术有限公司", "机房改造", "180000", 80, "terminated"),
)


def _today() -> date:
    return datetime.now(ZONE).date()


def seed_contracts_demo() -> bool:
    """False if the demo people or customers are missing, or the demo ran already."""
    users = {u.username: u for u in db.session.scalars(select(User))}
    wanted = {demo.customer for demo in DEMOS}
    customers = {c.name: c for c in db.session.scalars(
        select(Customer).where(Customer.name.in_(wanted)))}
    if set(customers) != wanted or not {FINANCE, LEGAL, DIRECTOR} <= set(users) or \
            db.session.scalar(select(Instalment.id).limit(1)) is not None:
        return False
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        _schedule_recent(users)
        made = [_contract(demo, users, customers[demo.customer]) for demo in DEMOS]
        acting_user_id.set(users[FINANCE].id)
        collection.start_ladders(_today())
        _ladders(made, users)
    acting_user_id.set(None)
    return True


def _instalments(contract: Contract) -> list[Instalment]:
    return list(db.session.scalars(select(Instalment).where(
        Instalment.contract_id == contract.id).order_by(Instalment.due_on)))


def _schedule(contract: Contract, shares: tuple[tuple[int, int], ...]) -> None:
    today, price = _today(), contract.price
    amounts = [(price * percent / 100).quantize(Decimal("0.01")) for _d, percent in shares]
    amounts[-1] = price - sum(amounts[:-1])
    services.save_schedule(contract, [(today + timedelta(days=days), amount)
                                      for (days, _p), amount in zip(shares, amounts,
                                                                    strict=True)])


def _pay(instalment: Instalment, amount: Decimal, days: int, users, reason: str = "") -> None:
    services.record_payment(instalment, received_on=_today() + timedelta(days=days),
                            amount=amount, method="bank_transfer",
                            reference=f"银行回单 {instalment.id:05d}-{abs(days):03d}",
                            reason=reason, user=users[FINANCE])


def _schedule_recent(users) -> None:
    """The sales demo's contracts, signed in the last weeks: 30 % a week after signing (paid
    for half of them), the rest three months later."""
    for index, contract in enumerate(db.session.scalars(select(Contract).order_by(Contract.id))):
        acting_user_id.set(users[FINANCE].id)
        signed = (contract.signed_at - _today()).days
        _schedule(contract, ((signed + 7, 30), (signed + 97, 70)))
        if index % 2 == 0:
            first = _instalments(contract)[0]
            _pay(first, first.amount, min(signed + 7, 0), users)


def _contract(demo: Demo, users, customer: Customer) -> Contract:
    owner, today = users[demo.owner], _today()
    acting_user_id.set(owner.id)
    signed_at = today - timedelta(days=demo.signed)
    deal = deals.save_deal(None, {"title": f"{demo.title} 项目", "customer_id": customer.id,
                                  "owner_id": owner.id, "expected_value": Decimal(demo.price),
                                  "close_date": signed_at})
    contract = deals.sign_deal(deal, price=Decimal(demo.price), payment_method="installments",
                               payment_terms=TERMS, breach_liability=LIABILITY,
                               signed_at=signed_at)
    if demo.status == "draft":
        contract.status = "draft"  # being drawn up: not signed yet
    if demo.schedule:
        acting_user_id.set(users[FINANCE].id)
        _schedule(contract, demo.schedule)
        for instalment, (days, _p) in zip(_instalments(contract)[:demo.paid], demo.schedule,
                                          strict=False):
            _pay(instalment, instalment.amount, days + 5, users)
    acting_user_id.set(owner.id)
    for status in {"in_delivery": ("in_delivery",), "delivered": ("in_delivery", "delivered"),
                   "closed": ("in_delivery", "delivered", "closed"),
                   "terminated": ("terminated",)}.get(demo.status, ()):
        services.change_status(contract, status, delivered_on=today - timedelta(
            days=demo.signed // 3))
    if demo.important:
        services.set_important(contract, True, users[FINANCE])
    return contract


def _ladders(made: list[Contract], users) -> None:
    """Partial payments, a refund, each step of the ladder and a promise to pay."""
    today = _today()
    press, storage, _mes, energy, machines, cells, _draft, _ended = made
    step = collection.record_step
    finance, director, legal = users[FINANCE], users[DIRECTOR], users[LEGAL]
    # 冲压生产线: 35 days overdue, part paid; letter sent, visit made: the legal review is due.
    overdue = _instalments(press)[1]
    _pay(overdue, Decimal("200000"), -30, users)
    step(overdue, "letter", done_on=today - timedelta(days=27), user=finance, channel="courier")
    step(overdue, "visit", done_on=today - timedelta(days=19), user=director,
         outcome="客户称资金周转困难，承诺本月内付清，未见行动")
    # 智能仓储: 18 days overdue, letter sent: the director's visit is due.
    step(_instalments(storage)[1], "letter", done_on=today - timedelta(days=10), user=finance,
         channel="registered_mail")
    # MES: 8 days overdue, nothing done yet: the letter is due.
    # 储能监控: 10 days overdue, letter sent, then a promise to pay pauses the ladder.
    promised = _instalments(energy)[1]
    step(promised, "letter", done_on=today - timedelta(days=3), user=finance, channel="email")
    collection.record_promise(promised, promised_on=today + timedelta(days=6),
                              amount=promised.outstanding, promised_by="财务部 刘经理",
                              user=finance, today=today)
    # 数控设备联网 (closed): paid in full, a payment refunded and paid again.
    [paid] = _instalments(machines)
    _pay(paid, Decimal("-20000"), -150, users, reason="发票抬头有误，退回后重新开票付款")
    _pay(paid, Decimal("20000"), -140, users)
    # 电芯检测线: 75 days overdue, part paid, every step done: legal decided to wait.
    late = _instalments(cells)[1]
    _pay(late, Decimal("150000"), -40, users)
    step(late, "letter", done_on=today - timedelta(days=67), user=finance, channel="courier")
    step(late, "visit", done_on=today - timedelta(days=59), user=director,
         outcome="客户已部分付款，余款计划分两期支付")
    step(late, "legal", done_on=today - timedelta(days=44), user=legal, decision="hold",
         outcome="客户有还款行动，暂缓起诉，每月跟踪")
