"""Complaints (顾客产品质量投诉调查处理记录, DOMAIN §2): the record, its reports to the heads,
and every step of its handling, round by round."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .common import local_now
from .customer import Customer
from .user import Department, User


class Complaint(Base):
    """One complaint. `state` moves by the workflow of services.complaints; `due_on` and
    `due_what` hold its next deadline (kept by the service on every step, so the list can
    filter and sort overdue complaints in SQL)."""

    __tablename__ = "complaint"
    __table_args__ = (
        Index("ix_complaint_received_at", "received_at"),
        Index("ix_complaint_state_due", "state", "due_on"),
        Index("ix_complaint_customer", "customer_id", "received_at"),
        Index("ix_complaint_category_received", "category", "received_at"),
        Index("ix_complaint_department_received", "responsible_department_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # TS2026-0001
    received_at: Mapped[datetime] = mapped_column(DateTime)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    channel: Mapped[str | None] = mapped_column(String(20))  # 投诉方式
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    contact_name: Mapped[str | None] = mapped_column(String(40))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    product: Mapped[str | None] = mapped_column(String(100))
    spec_batch: Mapped[str | None] = mapped_column(String(100))  # 规格/批号
    shipped_on: Mapped[date | None] = mapped_column(Date)  # 发货日期
    quantity: Mapped[str | None] = mapped_column(String(40))
    occurred_on: Mapped[date | None] = mapped_column(Date)  # 发生时间
    place: Mapped[str | None] = mapped_column(String(200))
    narrative: Mapped[str | None] = mapped_column(Text)  # 经过
    parties: Mapped[str | None] = mapped_column(String(200))  # 当事人
    category: Mapped[str] = mapped_column(String(40))  # 投诉类别
    is_service: Mapped[bool] = mapped_column(Boolean, default=False)  # a service complaint
    content: Mapped[str] = mapped_column(Text)  # 投诉内容
    demand: Mapped[str | None] = mapped_column(Text)  # 客户要求
    responsible_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    responsible_person: Mapped[str | None] = mapped_column(String(40))  # 责任人

    # 现场核实 and the finding
    site_checker: Mapped[str | None] = mapped_column(String(80))
    site_arrived_at: Mapped[datetime | None] = mapped_column(DateTime)
    findings: Mapped[str | None] = mapped_column(Text)
    customer_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    qc_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    cause: Mapped[str | None] = mapped_column(String(10))  # 我方原因 / 非我方原因 / 投诉不成立
    cause_found_at: Mapped[datetime | None] = mapped_column(DateTime)
    explanation: Mapped[str | None] = mapped_column(Text)  # to the customer, when not ours
    # 提出方案 and 处理完毕
    solution: Mapped[str | None] = mapped_column(Text)
    solution_at: Mapped[datetime | None] = mapped_column(DateTime)
    result: Mapped[str | None] = mapped_column(Text)
    handled_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    state: Mapped[str] = mapped_column(String(10), default="已登记")
    round: Mapped[int] = mapped_column(Integer, default=1)
    escalation: Mapped[str] = mapped_column(String(10), default="受理人")
    due_on: Mapped[date | None] = mapped_column(Date)
    due_what: Mapped[str | None] = mapped_column(String(40))

    # 重大质量事故 / 未遂质量事故 (reported to 生产技术部, which classifies it)
    accident: Mapped[str | None] = mapped_column(String(10))
    accident_class: Mapped[str | None] = mapped_column(String(40))  # 界定
    accident_opinion: Mapped[str | None] = mapped_column(Text)  # 处理意见

    created_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    customer: Mapped[Customer] = relationship()
    received_by: Mapped[User | None] = relationship(foreign_keys=[received_by_id])
    responsible_department: Mapped[Department | None] = relationship()
    reports: Mapped[list[ComplaintReport]] = relationship(
        cascade="all, delete-orphan", order_by="ComplaintReport.reported_at", lazy="selectin"
    )
    steps: Mapped[list[ComplaintStep]] = relationship(
        cascade="all, delete-orphan", order_by="ComplaintStep.id", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}


class ComplaintReport(Base):
    """上报: to whom the complaint was reported, how, and when (DOMAIN §2: on the day)."""

    __tablename__ = "complaint_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaint.id", ondelete="CASCADE"), index=True
    )
    recipient: Mapped[str] = mapped_column(String(80))  # 市场营销部负责人 王… / 质检部负责人 …
    way: Mapped[str] = mapped_column(String(20))  # 书面 / 电子邮件 / 电话
    reported_at: Mapped[datetime] = mapped_column(DateTime)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class ComplaintStep(Base):
    """One move of the workflow: who, when, which action, from and to which state, in
    which round, with the note the user wrote."""

    __tablename__ = "complaint_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaint.id", ondelete="CASCADE"), index=True
    )
    round: Mapped[int] = mapped_column(Integer, default=1)
    action: Mapped[str] = mapped_column(String(10))
    from_state: Mapped[str | None] = mapped_column(String(10))
    to_state: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    note: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User | None] = relationship()


class ComplaintHandlingReport(Base):
    """顾客投诉处理报告表 (DOMAIN §2): for a complaint with no rule or training behind it —
    cause, result and the rule or training recommended; signed by the department head,
    countersigned by the 市场营销部, approved by the 总经室 (the steps of `approval`)."""

    __tablename__ = "complaint_handling_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    cause: Mapped[str] = mapped_column(Text)  # 投诉原因
    result: Mapped[str] = mapped_column(Text)  # 处理结果
    recommendation: Mapped[str] = mapped_column(Text)  # 建议制定的制度或开展的培训
    approval_id: Mapped[int | None] = mapped_column(ForeignKey("approval.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)

    complaint: Mapped[Complaint] = relationship()
    department: Mapped[Department | None] = relationship()
