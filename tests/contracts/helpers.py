"""Contracts for the tests: a deal of `owner` signed at `price`, with an optional schedule."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from crm.auth.models import User
from crm.contracts import services
from crm.contracts.models import Contract, Instalment
from crm.extensions import db
from crm.sales import deals, leads


def user_id(username: str) -> int:
    return db.session.scalar(select(User.id).where(User.username == username))


def make_contract(app, *, owner: str = "zhangwei", price: str = "100000.00",
                  company: str = "宁德时代新能源科技股份有限公司",
                  signed_at: date = date(2026, 1, 5),
                  schedule: list[tuple[date, str]] | None = None) -> int:
    with app.test_request_context():
        lead = leads.save_lead(None, {"company_name": company, "source": "referral"},
                               owner_id=user_id(owner))
        deal = deals.convert_lead(lead)
        contract = deals.sign_deal(deal, price=Decimal(price), payment_method="bank_transfer",
                                   payment_terms="30% 预付，70% 验收后",
                                   breach_liability="每日万分之五",
                                   signed_at=signed_at)
        if schedule:
            services.save_schedule(contract, [(d, Decimal(a)) for d, a in schedule])
        db.session.commit()
        return contract.id


def instalment_ids(app, contract_id: int) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Instalment.id).where(
            Instalment.contract_id == contract_id).order_by(Instalment.due_on)))


def contract_of(app, contract_id: int) -> Contract:
    with app.app_context():
        return db.session.get(Contract, contract_id)
