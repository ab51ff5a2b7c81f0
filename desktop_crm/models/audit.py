"""The audit log: append-only, each row chained to the one before by a hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .common import local_now
from .user import User


class AuditEntry(Base):
    """One act: who, when, on which PC, what was done to which object.

    `seq` runs on without gaps; `entry_hash` covers this row's content and the previous
    row's hash, so any change to a stored row breaks the chain from there on.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_object", "object_type", "object_id", "seq"),
        Index("ix_audit_log_user_seq", "user_id", "seq"),
        Index("ix_audit_log_act_seq", "act", "seq"),
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_label", "object_label"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique index: the log's order, its default sort (newest first) and the chain walk.
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    user_name: Mapped[str | None] = mapped_column(String(40))
    workstation: Mapped[str | None] = mapped_column(String(80))
    act: Mapped[str] = mapped_column(String(20))
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str | None] = mapped_column(String(40))
    object_label: Mapped[str | None] = mapped_column(String(300))
    field: Mapped[str | None] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))

    user: Mapped[User | None] = relationship()

    @property
    def changed_at(self) -> datetime:
        """The card's 变更记录 reads the time under this name."""
        return self.at
