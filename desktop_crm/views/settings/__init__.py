"""Settings dialogs of the office: the working-day calendar."""

from __future__ import annotations

from .calendar_dialog import CalendarDialog

__all__ = ["CalendarDialog"]
