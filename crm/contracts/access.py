"""Who sees contracts (R-02, R-03): owners up their line, directors, admins, finance and legal.
A contract or document marked important (重要合同) only directors, finance and whoever marked or
uploaded it: to anyone else it does not exist (404, absent from lists, search and the ledger)."""

from sqlalchemy import and_, or_, select

from crm.auth import scopes
from crm.auth.models import User
from crm.contracts.models import Contract, ContractDocument, Instalment, Payment
from crm.extensions import db

CONTRACT_READER_ROLES = ("sales", "manager", "director", "admin", "finance", "legal")
FINANCE_ROLES = ("finance", "director", "admin")  # record schedules and payments
IMPORTANT_READERS = ("director", "finance")

ALL_CONTRACTS_ROLES = ("director", "admin", "finance", "legal")
_owned = scopes.owned_rule(Contract.owner_id, all_roles=ALL_CONTRACTS_ROLES)


def _both(first, second):
    return second if first is None else and_(first, second)


def contract_rule(user: User):
    if user.has_role(*IMPORTANT_READERS):
        return None
    not_secret = or_(Contract.important.is_(False), Contract.important_by_id == user.id)
    return _both(_owned(user), not_secret)


def _of_visible_contract(column, user: User):
    clause = contract_rule(user)
    return None if clause is None else column.in_(select(Contract.id).where(clause))


def ledger_scope(user: User):
    """`contract_rule` for totals kept per owner: the owners whose receivables the user sees
    (None: everyone's) and the contracts to take back out (important ones they may not read),
    or None. An instalment's owner is its contract's (copied when the schedule is saved)."""
    if user.has_role(*ALL_CONTRACTS_ROLES):
        owners = None
    elif user.has_role("manager"):
        owners = list(db.session.scalars(scopes.managed_user_ids(user)))
    else:
        owners = [user.id]
    if user.has_role(*IMPORTANT_READERS):
        return owners, None
    return owners, and_(Contract.important, or_(
        Contract.important_by_id.is_(None), Contract.important_by_id != user.id))


def document_rule(user: User):
    if user.has_role(*IMPORTANT_READERS):
        return None
    not_secret = or_(ContractDocument.important.is_(False),
                     ContractDocument.uploaded_by_id == user.id)
    return _both(_of_visible_contract(ContractDocument.contract_id, user), not_secret)


def register_scopes() -> None:
    scopes.register(Contract, contract_rule)
    scopes.register(ContractDocument, document_rule)
    scopes.register(Instalment, lambda user: _of_visible_contract(Instalment.contract_id, user))
    scopes.register(Payment, lambda user: _of_visible_contract(Payment.contract_id, user))
