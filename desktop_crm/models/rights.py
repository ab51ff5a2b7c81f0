"""Who may do what: the role × right table, and grants of other departments' files."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .common import local_now
from .user import Department, User


class RoleRight(Base):
    """A role may do `action` in `area` over the rows of `scope` (本人 / 本部门 / 全部).

    A right the table has no row for is not given. A fresh store is seeded from
    services.rights.DEFAULT_RIGHTS; the administrator edits it in the program.
    """

    __tablename__ = "role_right"
    __table_args__ = (UniqueConstraint("role", "area", "action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(40))
    area: Mapped[str] = mapped_column(String(30))
    action: Mapped[str] = mapped_column(String(30))
    scope: Mapped[str] = mapped_column(String(10), default="全部")


class AccessGrant(Base):
    """The 总经理's grant to one person to see another department's customer files."""

    __tablename__ = "access_grant"
    __table_args__ = (Index("ix_access_grant_grantee", "grantee_id", "valid_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grantee_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    approval_id: Mapped[int | None] = mapped_column(ForeignKey("approval.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    grantee: Mapped[User] = relationship(foreign_keys=[grantee_id])
    department: Mapped[Department] = relationship()
