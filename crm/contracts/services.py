"""Use cases of contracts. No commits here."""

from datetime import date
from decimal import Decimal

from crm.contracts.models import Contract
from crm.contracts.signals import contract_signed
from crm.extensions import db


def record_signed_contract(deal, *, price: Decimal, payment_method: str, payment_terms: str,
                           breach_liability: str, signed_at: date) -> Contract:
    """R-15: the contract of a deal just won, with its terms; tells the other domains."""
    contract = Contract(deal_id=deal.id, customer_id=deal.customer_id, owner_id=deal.owner_id,
                        price=price, payment_method=payment_method,
                        payment_terms=payment_terms.strip(),
                        breach_liability=breach_liability.strip(), signed_at=signed_at)
    db.session.add(contract)
    db.session.flush()
    contract_signed.send(contract)
    return contract
