"""The office's own working-day calendar: days it declares 上班 or 休息 against the library."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .common import local_now
from .user import User


class WorkCalendarDay(Base):
    """One day the office has set by hand; it wins over the official holiday library.

    Entered because the State Council publishes next year's holidays late, or for the
    office's own arrangements. Removing the row gives the day back to the library.
    """

    __tablename__ = "work_calendar_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(200))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)

    updated_by: Mapped[User | None] = relationship()
