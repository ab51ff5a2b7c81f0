"""How values read as text — on screen, in the history, on printed forms — in one place."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any


def text_of(value: Any, *, false_text: str = "否", group_decimals: bool = False) -> str:
    """date → 2026-11-26, datetime → 2026-11-26 14:05, bool → 是/否, None → "",
    Decimal → plain digits (or 12,345.00 with `group_decimals`, as lists show money)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else false_text
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, Decimal):
        if not value.is_finite():
            return ""
        if group_decimals:
            return f"{value:,.2f}"
        text = format(value, "f")
        return "0" if text in ("-0", "") else text
    return str(value)
