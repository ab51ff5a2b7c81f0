"""Satisfaction surveys (客户满意度调查, DOMAIN §4): the survey, its questionnaire items and
competitors, the planned respondents, each returned questionnaire with its answers, and
the improvement actions (改进计划) for the items customers were dissatisfied with."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .common import local_now
from .customer import Customer
from .user import User


class Survey(Base):
    """One survey: 常规 (重点客户 quarterly, 普通客户 half-yearly) or 特殊. `state` moves
    准备 → 进行中 → 已完成 by services.surveys."""

    __tablename__ = "survey"
    __table_args__ = (
        # the survey list in date order, and the trend over earlier surveys of one kind
        Index("ix_survey_kind_period", "kind", "period_from"),
        Index("ix_survey_period_from", "period_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # 调查编号 MY2026-01
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # 常规-重点客户 / 常规-普通客户 / 特殊
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    method: Mapped[str | None] = mapped_column(String(40))  # 调查方式
    agency: Mapped[str | None] = mapped_column(String(200))  # 受托单位 (an outsourced survey)
    state: Mapped[str] = mapped_column(String(10), default="准备")
    # 指标 (percent) for 满意度 and 满意率, and the top-20 group's 满意率 target
    target_degree: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    target_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    target_top20: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    # 企业基准 (a company benchmark to compare with), optional
    benchmark_degree: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    benchmark_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    purchase_year: Mapped[int | None] = mapped_column(Integer)  # year of the top-20 list
    # the analysis meeting (分析会)
    meeting_on: Mapped[date | None] = mapped_column(Date)
    meeting_attendees: Mapped[str | None] = mapped_column(Text)
    meeting_notes: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)

    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    created_by: Mapped[User | None] = relationship()
    items: Mapped[list[SurveyItem]] = relationship(
        cascade="all, delete-orphan", order_by="SurveyItem.sort_order", lazy="selectin"
    )
    competitors: Mapped[list[SurveyCompetitor]] = relationship(
        cascade="all, delete-orphan", order_by="SurveyCompetitor.sort_order", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}


class SurveyItem(Base):
    """One question of the survey's questionnaire (产品功能, 可靠性, …), in its order. An
    item that has answers is retired (`active` off) rather than removed."""

    __tablename__ = "survey_item"
    __table_args__ = (UniqueConstraint("survey_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SurveyCompetitor(Base):
    """A competitor (竞争对手) the survey asks customers about."""

    __tablename__ = "survey_competitor"
    __table_args__ = (UniqueConstraint("survey_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class SurveyRespondent(Base):
    """A customer on the survey's planned respondent list, with the group it was chosen
    for (重点客户, 普通客户, 前20名) and how it got there (生成 / 手工)."""

    __tablename__ = "survey_respondent"
    __table_args__ = (
        UniqueConstraint("survey_id", "customer_id"),
        Index("ix_survey_respondent_customer", "customer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    respondent_group: Mapped[str] = mapped_column(String(10))
    added_how: Mapped[str] = mapped_column(String(10), default="手工")
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    added_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)

    customer: Mapped[Customer] = relationship()


class SurveyQuestionnaire(Base):
    """One returned questionnaire: from a customer or dealer (调查部分) or a member of the
    sales staff rating themselves (自评部分); about us (`competitor_id` NULL) or about one
    competitor."""

    __tablename__ = "survey_questionnaire"
    __table_args__ = (
        # the figures' GROUP BY reads a survey's questionnaires from this index alone
        Index("ix_survey_questionnaire_survey", "survey_id", "respondent_type", "competitor_id"),
        Index("ix_survey_questionnaire_customer", "customer_id"),
        Index("ix_survey_questionnaire_staff", "staff_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    respondent_type: Mapped[str] = mapped_column(String(6))  # 客户 / 经销商 / 自评
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    competitor_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_competitor.id", ondelete="CASCADE")
    )
    # the customer's group on the planned list (重点客户 / 普通客户 / 前20名) when saved; the
    # list is fixed while answers are entered, so it stays true
    respondent_group: Mapped[str | None] = mapped_column(String(10))
    returned_on: Mapped[date | None] = mapped_column(Date)  # 回收日期
    feedback: Mapped[str | None] = mapped_column(Text)  # 反馈 (free text)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    answers: Mapped[list[SurveyAnswer]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}


class SurveyAnswer(Base):
    """One item's rating on one questionnaire: `level` 1 很满意 … 5 很不满意 (the order of
    DOMAIN §4); `reason` why, mostly for 不满意 and 很不满意. A missing answer has no row.

    The questionnaire's survey, respondent type, competitor and group are copied onto each
    answer (services.survey_answers keeps them equal): the figures are then one GROUP BY
    read in the order of ix_survey_answer_figures, 15 ms for 50,000 answers instead of
    50–80 ms for the join with its temporary sort."""

    __tablename__ = "survey_answer"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "item_id"),
        Index(
            "ix_survey_answer_figures",
            "survey_id",
            "respondent_type",
            "competitor_id",
            "respondent_group",
            "item_id",
            "level",
        ),
        Index("ix_survey_answer_item", "item_id"),
        CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questionnaire.id", ondelete="CASCADE")
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("survey_item.id", ondelete="CASCADE"))
    level: Mapped[int] = mapped_column(SmallInteger)
    reason: Mapped[str | None] = mapped_column(Text)
    # copies of the questionnaire's (see above)
    survey_id: Mapped[int] = mapped_column(Integer)
    respondent_type: Mapped[str] = mapped_column(String(6))
    competitor_id: Mapped[int | None] = mapped_column(Integer)
    respondent_group: Mapped[str | None] = mapped_column(String(10))


class SurveyImprovement(Base):
    """改进计划: for an item customers were dissatisfied with, a responsible person, a
    corrective and a preventive action, a due date, and later the verification result.
    进行中 until verified effective (已验证)."""

    __tablename__ = "survey_improvement"
    __table_args__ = (
        Index("ix_survey_improvement_survey", "survey_id", "item_id"),
        # overdue actions for 今日待办
        Index("ix_survey_improvement_state_due", "state", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("survey_item.id", ondelete="CASCADE"))
    dissatisfied_count: Mapped[int] = mapped_column(Integer, default=0)
    reasons: Mapped[str | None] = mapped_column(Text)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    corrective_action: Mapped[str] = mapped_column(Text)
    preventive_action: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    verification: Mapped[str | None] = mapped_column(Text)  # 验证结果
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    state: Mapped[str] = mapped_column(String(10), default="进行中")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    responsible: Mapped[User | None] = relationship(foreign_keys=[responsible_id])

    __mapper_args__ = {"version_id_col": version}
