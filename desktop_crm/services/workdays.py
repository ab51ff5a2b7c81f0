"""Chinese working days (DOMAIN §2): the deadlines of complaints count these.

A day is a working day by, in this order: the office's own entry (table `work_calendar_day`),
the official calendar of the `chinese_calendar` library (statutory holidays off, the adjusted
working weekends 调休上班日 on) and, for a year neither knows, plain Monday–Friday.

Build a `WorkCalendar` once per session with `load_calendar` (one query, cached in the
session) and ask it as often as needed: each year's working days are kept as a sorted tuple,
so `add_working_days` and `working_days_between` are a few bisections, not a loop over days.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import chinese_calendar
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop_crm.models import User, WorkCalendarDay, local_now

from . import audit, rights
from .errors import Conflict, ValidationError

NOTE_MAX = 200
WORK, REST = "上班", "休息"
OBJECT_TYPE = "work_calendar"
_CACHE_KEY = "work_calendar"

# The library's own range: it refuses dates outside the years its data spans.
LIBRARY_FIRST_YEAR = min(chinese_calendar.holidays).year
LIBRARY_LAST_YEAR = max(chinese_calendar.holidays).year

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _holiday_name(name: str) -> str:
    return HOLIDAY_NAMES.get(name, name)


def _as_date(day: date) -> date:
    """A datetime counts as its calendar day (dict lookups need a plain date)."""
    return day.date() if isinstance(day, datetime) else day


def library_covers(year: int) -> bool:
    """Whether the holiday library has the State Council's arrangement for `year`."""
    return LIBRARY_FIRST_YEAR <= year <= LIBRARY_LAST_YEAR


def _default_is_workday(day: date) -> bool:
    """The library's answer, or Monday–Friday for a year it does not know."""
    if day in chinese_calendar.workdays:
        return True
    if day in chinese_calendar.holidays:
        return False
    return day.weekday() < 5


def _year_bounds(year: int) -> tuple[int, int]:
    if not 1 <= year <= 9999:
        raise ValidationError("日期超出可以计算的范围。", field="day")
    return date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()


@functools.cache
def _default_year(year: int) -> tuple[int, ...]:
    """The ordinals of `year`'s working days without office entries (shared, immutable)."""
    first, last = _year_bounds(year)
    return tuple(o for o in range(first, last + 1) if _default_is_workday(date.fromordinal(o)))


class WorkCalendar:
    """Working days: the office's entries over the library over Monday–Friday.

    Immutable once built; cheap to ask. `overrides` maps a day to True (上班) or False (休息).
    """

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self._overrides: dict[date, bool] = dict(overrides or {})
        self._office_years = frozenset(day.year for day in self._overrides)
        self._years: dict[int, tuple[int, ...]] = {}

    @property
    def office_years(self) -> frozenset[int]:
        """Years the office has entered at least one day for."""
        return self._office_years

    def office_setting(self, day: date) -> bool | None:
        """What the office entered for `day` (True 上班, False 休息), None when nothing."""
        return self._overrides.get(_as_date(day))

    def is_workday(self, day: date) -> bool:
        day = _as_date(day)
        found = self._overrides.get(day)
        return _default_is_workday(day) if found is None else found

    def reason(self, day: date) -> str:
        """Why `day` is what it is, in Chinese: 本单位设置, 国庆节放假, 春节调休上班, 周末, …"""
        day = _as_date(day)
        if day in self._overrides:
            return "本单位设置"
        if day in chinese_calendar.workdays:
            return LibraryDay(day, True, _holiday_name(chinese_calendar.workdays[day])).description
        if day in chinese_calendar.holidays:
            return LibraryDay(day, False, _holiday_name(chinese_calendar.holidays[day])).description
        return "周末" if day.weekday() >= 5 else "工作日"

    def _year(self, year: int) -> tuple[int, ...]:
        days = self._years.get(year)
        if days is None:
            if year in self._office_years:
                first, last = _year_bounds(year)
                days = tuple(
                    o for o in range(first, last + 1) if self.is_workday(date.fromordinal(o))
                )
            else:
                days = _default_year(year)
            self._years[year] = days
        return days

    def working_days_between(self, a: date, b: date) -> int:
        """Working days after `a` up to and including `b`; negative (mirrored) when b < a."""
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        if a.year == b.year:
            days = self._year(a.year)
            return bisect.bisect_right(days, b.toordinal()) - bisect.bisect_right(
                days, a.toordinal()
            )
        first = self._year(a.year)
        count = len(first) - bisect.bisect_right(first, a.toordinal())
        count += sum(len(self._year(year)) for year in range(a.year + 1, b.year))
        return count + bisect.bisect_right(self._year(b.year), b.toordinal())

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (start not counted); before it when n < 0."""
        start = _as_date(start)
        if n == 0:
            return start
        if n > 0:
            return self._forward(start, n)
        return self._backward(start, -n)

    def _forward(self, start: date, n: int) -> date:
        year = start.year
        days = self._year(year)
        index = bisect.bisect_right(days, start.toordinal())
        for _ in range(_years_to_scan(n)):
            if index + n <= len(days):
                return date.fromordinal(days[index + n - 1])
            n -= len(days) - index
            year, index = year + 1, 0
            days = self._year(year)
        raise _no_working_days()

    def _backward(self, start: date, n: int) -> date:
        year = start.year
        days = self._year(year)
        index = bisect.bisect_left(days, start.toordinal())  # working days before start
        for _ in range(_years_to_scan(n)):
            if n <= index:
                return date.fromordinal(days[index - n])
            n -= index
            year -= 1
            days = self._year(year)
            index = len(days)
        raise _no_working_days()

    def uncovered_years(self, years: Iterable[int]) -> list[int]:
        """Those of `years` neither the library nor the office's entries cover (Monday–Friday)."""
        return sorted({y for y in years if not library_covers(y) and y not in self._office_years})


def _years_to_scan(n: int) -> int:
    # A normal year has ~250 working days; the margin allows for years the office emptied.
    return n // 100 + 3


def _no_working_days() -> ValidationError:
    return ValidationError("工作日历中连续多年没有上班日，无法计算期限。请检查工作日历。")


LIBRARY_CALENDAR = WorkCalendar()  # without office entries: for tests and callers with no store


def load_calendar(session: Session) -> WorkCalendar:
    """The calendar with the office's entries: one query, then cached for the session."""
    calendar = session.info.get(_CACHE_KEY)
    if calendar is None:
        rows = session.execute(select(WorkCalendarDay.day, WorkCalendarDay.is_workday))
        calendar = WorkCalendar({day: is_workday for day, is_workday in rows})
        session.info[_CACHE_KEY] = calendar
    return calendar


def add_working_days(start: date, n: int, calendar: WorkCalendar | None = None) -> date:
    """The n-th working day after `start` on `calendar` (default: the library's alone)."""
    return (calendar or LIBRARY_CALENDAR).add_working_days(start, n)


def working_days_between(a: date, b: date, calendar: WorkCalendar | None = None) -> int:
    """Working days after `a` up to and including `b` on `calendar` (default: the library's)."""
    return (calendar or LIBRARY_CALENDAR).working_days_between(a, b)


def uncovered_years(years: Iterable[int], calendar: WorkCalendar | None = None) -> list[int]:
    """Years counted as plain Monday–Friday: the user should be told once."""
    return (calendar or LIBRARY_CALENDAR).uncovered_years(years)


# ---------------------------------------------------------------- what the screen lists


@dataclass(frozen=True, slots=True)
class LibraryDay:
    """A day the official calendar treats specially: a holiday, or a 调休 working weekend."""

    day: date
    is_workday: bool
    holiday: str  # 国庆节, 春节, …

    @property
    def description(self) -> str:
        return f"{self.holiday}调休上班" if self.is_workday else f"{self.holiday}放假"


@dataclass(frozen=True, slots=True)
class OfficeDay:
    """One of the office's entries, as the settings screen shows it."""

    day: date
    is_workday: bool
    note: str | None
    updated_by: str | None
    updated_at: datetime


def library_days(year: int) -> list[LibraryDay]:
    """The library's holidays and adjusted working days of `year`, by date (empty if unknown)."""
    found = [
        LibraryDay(day, False, _holiday_name(name))
        for day, name in chinese_calendar.holidays.items()
        if day.year == year
    ]
    found += [
        LibraryDay(day, True, _holiday_name(name))
        for day, name in chinese_calendar.workdays.items()
        if day.year == year
    ]
    return sorted(found, key=lambda entry: entry.day)


def office_days(session: Session, year: int) -> list[OfficeDay]:
    """The office's entries of `year`, by date, with who entered them and when."""
    rows = session.execute(
        select(WorkCalendarDay, User.name)
        .outerjoin(User, User.id == WorkCalendarDay.updated_by_id)
        .where(WorkCalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
        .order_by(WorkCalendarDay.day)
    )
    return [
        OfficeDay(row.day, row.is_workday, row.note, name, row.updated_at) for row, name in rows
    ]


# ---------------------------------------------------------------- the office's entries


def _clean_note(note: str | None) -> str | None:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(f"备注最多 {NOTE_MAX} 个字，现在有 {len(note)} 个。", field="note")
    return note or None


def _describe(is_workday: bool, note: str | None) -> str:
    state = WORK if is_workday else REST
    return f"{state}（{note}）" if note else state


def _describe_default(day: date) -> str:
    return f"默认（{WORK if _default_is_workday(day) else REST}）"


def _record(session: Session, actor: User, day: date, old: str, new: str) -> None:
    audit.record(
        session,
        actor,
        audit.EDIT,
        OBJECT_TYPE,
        object_id=day.isoformat(),
        object_label=f"工作日历 {day}",
        field="上班/休息",
        old=old,
        new=new,
    )


def _flush(session: Session) -> None:
    """Write now, so two PCs entering the same day at once get a clear refusal."""
    try:
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise Conflict("这一天刚被别人设置过。请重新打开工作日历后再试。") from error


def _done(session: Session) -> None:
    session.commit()
    session.info.pop(_CACHE_KEY, None)


def set_day(
    session: Session, actor: User, day: date, is_workday: bool, note: str | None = None
) -> None:
    """The office declares `day` 上班 or 休息 (wins over the library); audited. Commits."""
    rights.require(session, actor, "settings", "edit")
    day, note = _as_date(day), _clean_note(note)
    row = session.get(WorkCalendarDay, day)
    if row is not None and row.is_workday == is_workday and row.note == note:
        return
    old = _describe(row.is_workday, row.note) if row else _describe_default(day)
    if row is None:
        row = WorkCalendarDay(day=day)
        session.add(row)
    row.is_workday, row.note = bool(is_workday), note
    row.updated_by_id, row.updated_at = actor.id, local_now()
    _flush(session)
    _record(session, actor, day, old, _describe(is_workday, note))
    _done(session)


def clear_day(session: Session, actor: User, day: date) -> None:
    """Remove the office's entry for `day`: the library (or Monday–Friday) decides again."""
    rights.require(session, actor, "settings", "edit")
    day = _as_date(day)
    row = session.get(WorkCalendarDay, day)
    if row is None:
        return
    old = _describe(row.is_workday, row.note)
    session.delete(row)
    _flush(session)
    _record(session, actor, day, old, _describe_default(day))
    _done(session)
