"""Configurable value lists (客户类别, 等级, 来源渠道, …) that classification fields pick from."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class LookupValue(Base):
    __tablename__ = "lookup_value"
    __table_args__ = (UniqueConstraint("list_key", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_key: Mapped[str] = mapped_column(String(40), index=True)
    value: Mapped[str] = mapped_column(String(60))
    help_text: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # what the program does with the value beyond showing it, e.g. "服务" on a complaint
    # category makes it a service complaint with the service deadlines
    tag: Mapped[str | None] = mapped_column(String(20))
