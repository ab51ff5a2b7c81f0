"""Small shared tables: gap-free number sequences and office-local timestamps."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


def local_now() -> datetime:
    """Office-local wall-clock time without tzinfo (China has no daylight saving)."""
    return datetime.now().replace(microsecond=0)


class NumberSequence(Base):
    """The next number of a named series (客户编号, 投诉编号 per year, …).

    Taken inside the caller's transaction, so a rolled-back save gives its number back
    and two PCs on one server never get the same number.
    """

    __tablename__ = "number_sequence"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    next_value: Mapped[int] = mapped_column(Integer, default=1)
