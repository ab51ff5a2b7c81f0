"""One approval mechanism for the whole program: a request and the decisions it needs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .common import local_now
from .user import Department, User


class Approval(Base):
    """A request (a grant, a gift, a discount; later a loan, a destruction, a report).

    `state` is 待审批 until every step is approved (已批准) or one is refused (已拒绝);
    the requester may withdraw it while pending (已撤回).
    """

    __tablename__ = "approval"
    __table_args__ = (Index("ix_approval_state_kind", "state", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    object_type: Mapped[str | None] = mapped_column(String(30))
    object_id: Mapped[str | None] = mapped_column(String(40))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    state: Mapped[str] = mapped_column(String(10), default="待审批")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    detail: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    requested_by: Mapped[User | None] = relationship()
    steps: Mapped[list[ApprovalStep]] = relationship(
        cascade="all, delete-orphan", order_by="ApprovalStep.position", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}


class ApprovalStep(Base):
    """One decision the request needs (a role, perhaps of one department), and how it went.

    Decided in the program by a person holding the role, or recorded from paper by the
    clerk: who signed, on which date, and the scan of the signed paper.
    """

    __tablename__ = "approval_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    approval_id: Mapped[int] = mapped_column(
        ForeignKey("approval.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str] = mapped_column(String(40))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    decision: Mapped[str | None] = mapped_column(String(10))  # 批准 / 拒绝
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    comment: Mapped[str | None] = mapped_column(Text)
    paper_approver: Mapped[str | None] = mapped_column(String(40))
    paper_date: Mapped[date | None] = mapped_column(Date)
    paper_scan: Mapped[bytes | None] = mapped_column(LargeBinary)
    paper_scan_name: Mapped[str | None] = mapped_column(String(255))

    decided_by: Mapped[User | None] = relationship()
    department: Mapped[Department | None] = relationship()


class GiftRecord(Base):
    """礼品登记: a gift to a special customer, given once the 市场营销部负责人 approved it."""

    __tablename__ = "gift_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    gift: Mapped[str] = mapped_column(String(200))
    value: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    planned_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    approval_id: Mapped[int] = mapped_column(ForeignKey("approval.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)

    approval: Mapped[Approval] = relationship()


class DiscountRequest(Base):
    """客户优惠申请表: a discount for a customer, approved by the department head."""

    __tablename__ = "discount_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    product: Mapped[str | None] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    reason: Mapped[str | None] = mapped_column(Text)
    approval_id: Mapped[int] = mapped_column(ForeignKey("approval.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)

    approval: Mapped[Approval] = relationship()
