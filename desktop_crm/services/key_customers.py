"""重点客户: marked by hand, plus the 20 largest purchasers of the last calendar year
(DOMAIN §1, 000 L181).

The flag in effect is stored in `customer.key_customer` so a million-row list sorts on an
index; `refresh_key_customers` brings it in line after a hand mark or a purchase changes,
and at every start (a new year changes who was "last year's" top 20)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, bindparam, or_, select, update
from sqlalchemy.orm import Session

from desktop_crm.models import Customer, Purchase

TOP_PURCHASERS = 20


def _last_year() -> int:
    return date.today().year - 1


def top_purchasers(year: Any = None, n: int = TOP_PURCHASERS) -> Select[Any]:
    """Ids of the `n` customers with the largest 购货金额 in `year` (default: last year)."""
    if year is None:
        # Bound at execution, in office-local time (the database's CURRENT_DATE may be UTC).
        year = bindparam("key_customer_year", callable_=_last_year, type_=Integer)
    return (
        select(Purchase.customer_id)
        .where(Purchase.year == year, Purchase.amount.is_not(None), Purchase.amount > 0)
        .order_by(Purchase.amount.desc(), Purchase.customer_id)
        .limit(n)
    )


def is_key_expr() -> ColumnElement[bool]:
    """True for a customer marked by hand or among last year's top purchasers."""
    return or_(Customer.is_key.is_(True), Customer.id.in_(top_purchasers()))


def refresh_key_customers(session: Session) -> int:
    """Set `key_customer` where it differs from the rule; returns how many rows changed.

    Two index-driven updates: cheap at a million customers, so it runs after every change
    that can move the top 20. The caller commits.
    """
    rule = is_key_expr()
    raised = session.execute(
        update(Customer).where(Customer.key_customer.is_(False), rule).values(key_customer=True)
    ).rowcount
    lowered = session.execute(
        update(Customer).where(Customer.key_customer.is_(True), ~rule).values(key_customer=False)
    ).rowcount
    return raised + lowered


def is_key_customer(session: Session, customer_id: int) -> bool:
    return bool(session.scalar(select(is_key_expr()).where(Customer.id == customer_id)))


def key_customer_ids(session: Session, year: int | None = None) -> list[int]:
    """Every 重点客户: hand-marked ones and the top purchasers of `year` (last year if None)."""
    marked = set(session.scalars(select(Customer.id).where(Customer.is_key.is_(True))))
    return sorted(marked | set(session.scalars(top_purchasers(year))))
