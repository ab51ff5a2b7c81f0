"""Gap-free numbers (客户编号 now; 投诉编号 and 档号 later) taken inside the caller's transaction."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop_crm.models import NumberSequence


def take_numbers(session: Session, series: str, count: int = 1) -> int:
    """Reserve `count` consecutive numbers of `series`; returns the first.

    The row is updated before it is read, so the write lock (SQLite) or row lock
    (PostgreSQL) is held until the caller commits: two PCs never get the same number, and
    a rolled-back save gives its numbers back, leaving no gap.
    """
    result = session.execute(
        update(NumberSequence)
        .where(NumberSequence.name == series)
        .values(next_value=NumberSequence.next_value + count)
        .returning(NumberSequence.next_value)
    ).scalar_one_or_none()
    if result is None:
        # First number of a new series (e.g. a new year): create the row, tolerating
        # another PC creating it at the same moment, then take the number as usual.
        try:
            with session.begin_nested():
                session.add(NumberSequence(name=series, next_value=1))
        except IntegrityError:
            pass
        return take_numbers(session, series, count)
    return result - count


def peek_next(session: Session, series: str) -> int:
    value = session.scalar(select(NumberSequence.next_value).where(NumberSequence.name == series))
    return value or 1
