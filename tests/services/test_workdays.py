"""Working days on the official Chinese calendar, corrected by the office (DOMAIN §2)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, select

from desktop_crm.models import AuditEntry, WorkCalendarDay
from desktop_crm.services import accounts, workdays
from desktop_crm.services.errors import PermissionDenied, ValidationError
from desktop_crm.services.workdays import (
    LIBRARY_CALENDAR,
    WorkCalendar,
    add_working_days,
    working_days_between,
)

D = date


# ---------------------------------------------------------------- the library's calendar


@pytest.mark.parametrize(
    ("day", "works"),
    [
        (D(2026, 10, 1), False),  # 国庆节 2026: 10-01 … 10-07 off
        (D(2026, 10, 7), False),
        (D(2026, 10, 8), True),
        (D(2026, 9, 20), True),  # Sunday, 调休上班
        (D(2026, 10, 10), True),  # Saturday, 调休上班
        (D(2026, 9, 25), False),  # 中秋节 2026 (a Friday)
        (D(2026, 2, 14), True),  # 春节 2026: Saturday 调休上班
        (D(2026, 2, 15), False),  # 春节 2026: 02-15 … 02-23 off
        (D(2026, 2, 23), False),
        (D(2026, 2, 24), True),
        (D(2026, 2, 28), True),  # Saturday 调休上班
        (D(2025, 1, 26), True),  # 春节 2025: Sunday 调休上班
        (D(2025, 1, 28), False),  # 春节 2025: 01-28 … 02-04 off
        (D(2025, 2, 4), False),
        (D(2025, 2, 8), True),  # Saturday 调休上班
        (D(2025, 9, 28), True),  # 国庆节 2025: Sunday 调休上班
        (D(2025, 10, 8), False),  # 国庆节 + 中秋节 2025: 10-01 … 10-08 off
        (D(2025, 10, 11), True),  # Saturday 调休上班
        (D(2026, 11, 28), False),  # an ordinary Saturday
        (D(2026, 11, 29), False),  # an ordinary Sunday
        (D(2026, 11, 27), True),  # an ordinary Friday
    ],
)
def test_official_calendar(day: date, works: bool) -> None:
    assert LIBRARY_CALENDAR.is_workday(day) is works


def test_national_day_2026() -> None:
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)  # the 调休 Saturday
    assert add_working_days(D(2026, 10, 1), 1) == D(2026, 10, 8)  # received on a holiday
    assert add_working_days(D(2026, 9, 18), 1) == D(2026, 9, 20)  # the 调休 Sunday
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 8)) == 1
    # 中秋节 09-25 and the week of 国庆节 off: 09-28, 09-29, 09-30, 10-08, 10-09
    assert working_days_between(D(2026, 9, 24), D(2026, 10, 9)) == 5
    assert add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)


def test_spring_festival_2026_and_2025() -> None:
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 24)) == 2
    assert add_working_days(D(2025, 1, 27), 1) == D(2025, 2, 5)
    assert add_working_days(D(2025, 1, 24), 3) == D(2025, 2, 5)  # Fri → 01-26 Sun, 01-27, 02-05


def test_weekends_and_day_zero() -> None:
    assert add_working_days(D(2026, 11, 27), 1) == D(2026, 11, 30)  # Friday → Monday
    assert add_working_days(D(2026, 11, 28), 0) == D(2026, 11, 28)  # day 0 is the day itself
    assert working_days_between(D(2026, 11, 27), D(2026, 11, 27)) == 0
    assert working_days_between(D(2026, 11, 27), D(2026, 11, 30)) == 1
    assert add_working_days(datetime(2026, 11, 27, 16, 30), 1) == D(2026, 11, 30)


def test_between_is_mirror_symmetric_and_inverts_add() -> None:
    start = D(2025, 12, 20)
    for n in (1, 2, 3, 10, 250, 400):
        end = add_working_days(start, n)
        assert working_days_between(start, end) == n
        assert working_days_between(end, start) == -n


def test_across_the_years_the_library_knows_and_does_not() -> None:
    # 2026-12-31 is a Thursday; 2027 is not in the library: 2027-01-01 counts as a Friday.
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)
    assert working_days_between(D(2026, 12, 25), D(2027, 1, 4)) == 6


def test_uncovered_years_are_monday_to_friday() -> None:
    assert LIBRARY_CALENDAR.is_workday(D(2031, 1, 1))  # a Wednesday, 元旦 unknown
    assert not LIBRARY_CALENDAR.is_workday(D(2031, 1, 4))  # Saturday
    assert add_working_days(D(2031, 1, 3), 1) == D(2031, 1, 6)
    assert working_days_between(D(2031, 1, 1), D(2031, 12, 31)) == 260
    assert workdays.uncovered_years([2025, 2026, 2031, 2031]) == [2031]
    assert workdays.library_covers(2026) and not workdays.library_covers(2031)


def test_library_days_name_the_holidays_in_chinese() -> None:
    days = {entry.day: entry for entry in workdays.library_days(2026)}
    assert days[D(2026, 10, 1)].description == "国庆节放假"
    assert days[D(2026, 10, 10)].description == "国庆节调休上班"
    assert days[D(2026, 2, 14)].description == "春节调休上班"
    assert workdays.library_days(2031) == []


def test_office_entries_win_and_cover_a_year() -> None:
    calendar = WorkCalendar({D(2026, 10, 8): False, D(2026, 10, 3): True, D(2031, 1, 1): False})
    assert not calendar.is_workday(D(2026, 10, 8))
    assert calendar.is_workday(D(2026, 10, 3))
    assert calendar.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 3)
    assert calendar.add_working_days(D(2026, 10, 3), 1) == D(2026, 10, 9)
    assert calendar.add_working_days(D(2030, 12, 31), 1) == D(2031, 1, 2)
    assert calendar.uncovered_years([2026, 2031, 2032]) == [2032]


def test_long_spans_stay_exact() -> None:
    calendar = WorkCalendar({D(2026, 12, 31): False, D(2027, 1, 2): True})

    def naive_add(start: date, n: int) -> date:
        day, step = start, 1 if n > 0 else -1
        for _ in range(abs(n)):
            day += timedelta(days=step)
            while not calendar.is_workday(day):
                day += timedelta(days=step)
        return day

    for start in (D(2025, 1, 1), D(2026, 9, 30), D(2026, 12, 30), D(2027, 1, 3)):
        for n in (-500, -300, -7, -1, 1, 3, 7, 260, 500):
            assert calendar.add_working_days(start, n) == naive_add(start, n)


# ---------------------------------------------------------------- the office's entries


@pytest.fixture
def seller(session, admin):  # noqa: ANN001, ANN201
    return accounts.add_account(session, admin, "zhangwei", "张伟", "市场营销部", ["客户开发专员"])


def test_office_day_overrides_the_library_and_is_audited(session, admin) -> None:  # noqa: ANN001
    workdays.set_day(session, admin, D(2026, 10, 8), False, "公司统一调休")
    calendar = workdays.load_calendar(session)
    assert not calendar.is_workday(D(2026, 10, 8))
    assert calendar.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 9)

    [entry] = workdays.office_days(session, 2026)
    assert (entry.day, entry.is_workday, entry.note, entry.updated_by) == (
        D(2026, 10, 8),
        False,
        "公司统一调休",
        admin.name,
    )
    row = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "work_calendar")).one()
    assert (row.object_id, row.object_label, row.act) == (
        "2026-10-08",
        "工作日历 2026-10-08",
        "修改",
    )
    assert (row.old_value, row.new_value) == ("默认（上班）", "休息（公司统一调休）")


def test_clear_day_gives_the_day_back_to_the_library(session, admin) -> None:  # noqa: ANN001
    workdays.set_day(session, admin, D(2026, 10, 3), True, "加班")
    assert workdays.load_calendar(session).is_workday(D(2026, 10, 3))
    workdays.clear_day(session, admin, D(2026, 10, 3))
    assert not workdays.load_calendar(session).is_workday(D(2026, 10, 3))
    assert workdays.office_days(session, 2026) == []
    audited = session.scalars(
        select(AuditEntry.new_value)
        .where(AuditEntry.object_type == "work_calendar")
        .order_by(AuditEntry.seq)
    ).all()
    assert audited == ["上班（加班）", "默认（休息）"]


def test_an_unchanged_entry_writes_nothing(session, admin) -> None:  # noqa: ANN001
    workdays.set_day(session, admin, D(2031, 1, 1), False, "元旦")
    workdays.set_day(session, admin, D(2031, 1, 1), False, " 元旦 ")
    workdays.clear_day(session, admin, D(2031, 1, 2))  # nothing to clear
    count = session.scalars(
        select(AuditEntry.id).where(AuditEntry.object_type == "work_calendar")
    ).all()
    assert len(count) == 1
    calendar = workdays.load_calendar(session)
    assert calendar.uncovered_years([2031, 2032]) == [2032]


def test_set_day_needs_the_settings_right(session, admin, seller) -> None:  # noqa: ANN001
    with pytest.raises(PermissionDenied, match="设置·修改"):
        workdays.set_day(session, seller, D(2026, 10, 8), False, "")
    with pytest.raises(PermissionDenied):
        workdays.clear_day(session, seller, D(2026, 10, 8))
    session.rollback()
    assert session.scalars(select(WorkCalendarDay)).all() == []


def test_note_too_long_is_refused_in_chinese(session, admin) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError, match="备注最多 200 个字") as refused:
        workdays.set_day(session, admin, D(2026, 10, 8), False, "长" * 201)
    assert refused.value.by_field.keys() == {"note"}
    session.rollback()
    assert session.scalars(select(WorkCalendarDay)).all() == []


def test_calendar_is_loaded_once_per_session(session, admin) -> None:  # noqa: ANN001
    workdays.set_day(session, admin, D(2026, 10, 8), False, None)
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        calendar = workdays.load_calendar(session)
        for offset in range(2000):
            start = D(2026, 1, 1) + timedelta(days=offset % 700)
            workdays.load_calendar(session).add_working_days(start, 3)
            calendar.working_days_between(start, D(2026, 12, 31))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1
