"""Revisits (回访, DOMAIN §3): plans (客户回访计划) and records (客户回访记录表)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .common import local_now
from .customer import Customer
from .user import User


class RevisitPlan(Base):
    """客户回访计划: a visit or call planned for a day; 计划 / 已完成 / 已取消."""

    __tablename__ = "revisit_plan"
    __table_args__ = (
        Index("ix_revisit_plan_state_day", "state", "planned_on"),
        Index("ix_revisit_plan_customer", "customer_id", "planned_on"),
        # the plan list in day order, every state: a page read along it, not a sort
        Index("ix_revisit_plan_planned_on", "planned_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    kind: Mapped[str] = mapped_column(String(20))  # 投诉回访 / 定期回访 / 大客户特定回访 / …
    planned_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(200))
    purpose: Mapped[str | None] = mapped_column(String(20))  # 有事相访 / 礼节性拜访
    content: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str | None] = mapped_column(String(20))  # 电话 / 上门 / …
    assigned_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"))
    state: Mapped[str] = mapped_column(String(10), default="计划")
    # 改期: the first planned day, why it moved and how often (the plan keeps its row)
    original_planned_on: Mapped[date | None] = mapped_column(Date)
    reschedule_reason: Mapped[str | None] = mapped_column(Text)
    reschedule_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)

    customer: Mapped[Customer] = relationship()
    assigned: Mapped[User | None] = relationship(foreign_keys=[assigned_id])


class Revisit(Base):
    """客户回访记录表: what happened on one revisit, and how satisfied the customer was."""

    __tablename__ = "revisit"
    __table_args__ = (
        Index("ix_revisit_customer_day", "customer_id", "visited_on"),
        Index("ix_revisit_complaint", "complaint_id", "complaint_round"),
        Index("ix_revisit_visited_on", "visited_on"),
        Index("ix_revisit_report_at", "report_at", "visited_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # HF2026-0001
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    kind: Mapped[str] = mapped_column(String(20))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"))
    complaint_round: Mapped[int | None] = mapped_column(Integer)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("revisit_plan.id"))
    visited_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str | None] = mapped_column(String(20))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    contact_name: Mapped[str | None] = mapped_column(String(40))
    discussion: Mapped[str | None] = mapped_column(Text)  # 回访内容
    needs: Mapped[str | None] = mapped_column(Text)  # 客户需求与意见
    satisfaction: Mapped[str | None] = mapped_column(String(10))  # the five levels of §4
    problems: Mapped[str | None] = mapped_column(Text)
    next_visit_on: Mapped[date | None] = mapped_column(Date)
    new_complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"))
    # 客户回访报告表 (DOMAIN §3): written the day after the revisit, reviewed by the
    # 客户服务主管 with 指导意见
    report_summary: Mapped[str | None] = mapped_column(Text)  # 过程与结果概述
    report_evaluation: Mapped[str | None] = mapped_column(Text)  # 评价
    report_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    report_at: Mapped[datetime | None] = mapped_column(DateTime)
    review_opinion: Mapped[str | None] = mapped_column(Text)  # 指导意见
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)

    customer: Mapped[Customer] = relationship()
    staff: Mapped[User | None] = relationship(foreign_keys=[staff_id])
