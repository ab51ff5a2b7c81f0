"""重点客户: marked by hand, plus the 20 largest purchasers of the last calendar year
(DOMAIN §1, 000 L181). The top-20 part is computed in SQL, so lists, filters and exports
always agree with the purchases on file."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, bindparam, or_, select
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


def is_key_customer(session: Session, customer_id: int) -> bool:
    return bool(session.scalar(select(is_key_expr()).where(Customer.id == customer_id)))


def key_customer_ids(session: Session, year: int | None = None) -> list[int]:
    """Every 重点客户: hand-marked ones and the top purchasers of `year` (last year if None)."""
    marked = set(session.scalars(select(Customer.id).where(Customer.is_key.is_(True))))
    return sorted(marked | set(session.scalars(top_purchasers(year))))
