"""Turning what a user typed or a spreadsheet held into typed values, with Chinese reasons."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc

from .text_keys import normalise_text

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "重点"}
_FALSE = {"否", "n", "no", "false", "0", "", "×"}


class ParseError(ValueError):
    """A value that cannot be read; the message is Chinese and names the expected form."""


def parse_date(value: object) -> date | None:
    """A date from a date/datetime or text like 2026-11-26, 2026/11/26, 2026年11月26日."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = normalise_text(str(value)).split(" ")[0]
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise ParseError(f"「{value}」不是有效日期，请写成 2026-11-26 的形式。")


_TIME_PATTERN = re.compile(r"^(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$")


def parse_datetime(value: object) -> datetime | None:
    """A moment from a datetime or text like 2026-11-26 09:30 (a date alone is 00:00)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = normalise_text(str(value)).replace("T", " ")
    day_text, _, time_text = text.partition(" ")
    day = parse_date(day_text)
    assert day is not None
    if not time_text.strip():
        return datetime(day.year, day.month, day.day)
    match = _TIME_PATTERN.match(time_text.strip())
    if match:
        hour, minute, second = (int(part or 0) for part in match.groups())
        if hour < 24 and minute < 60 and second < 60:
            return datetime(day.year, day.month, day.day, hour, minute, second)
    raise ParseError(f"「{value}」不是有效时间，请写成 2026-11-26 09:30 的形式。")


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = normalise_text(str(value)).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ParseError(f"「{value}」应填“是”或“否”。")


def parse_decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(normalise_text(str(value)).replace(",", ""))
    except InvalidOperation:
        raise ParseError(f"「{value}」不是数字。") from None
    if not number.is_finite():
        raise ParseError(f"「{value}」不是数字。")
    return number


def clean_credit_code(value: object) -> str | None:
    """A valid 统一社会信用代码 (GB 32100-2015) in upper case, or the reason it is refused."""
    if value is None:
        return None
    code = normalise_text(str(value)).replace(" ", "").upper()
    if not code:
        return None
    try:
        return uscc.validate(code)
    except stdnum_errors.InvalidLength:
        raise ParseError(f"应为 18 位，「{code}」是 {len(code)} 位。") from None
    except stdnum_errors.InvalidChecksum:
        raise ParseError(f"「{code}」的校验位（最后一位）不对，请核对营业执照。") from None
    except stdnum_errors.InvalidComponent:
        raise ParseError(f"「{code}」的登记管理部门代码或机构类别代码无效。") from None
    except stdnum_errors.ValidationError:
        raise ParseError(
            f"「{code}」含有不允许的字符（只能是数字和除 I、O、Z、S、V 以外的大写字母）。"
        ) from None
