"""The demo archive room: volumes over fifteen years, numbers that run on, some secrets."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from desktop_crm.models import ArchiveItem, ArchiveVolume
from desktop_crm.services import (
    archive_list,
    archive_receipts,
    archives,
    demo_archives,
    demo_data,
)


def test_demo_data_fills_an_archive_room(session, admin) -> None:  # noqa: ANN001
    demo_data.fill_demo_data(session, admin, 30, with_archives=True, with_surveys=False)
    assert session.scalar(select(func.count()).select_from(ArchiveVolume)) == 300
    years = session.scalars(select(ArchiveVolume.year).distinct()).all()
    assert len(years) == demo_archives.YEARS_BACK
    assert session.scalar(select(func.count()).select_from(ArchiveItem)) >= 600
    levels = set(session.scalars(select(ArchiveVolume.secrecy).distinct()))
    assert {"机密", "绝密"} & levels
    assert session.scalar(
        select(func.count())
        .select_from(ArchiveVolume)
        .where(ArchiveVolume.customer_id.is_not(None))
    )
    # filing by hand runs on after the demo's numbers
    last = session.scalar(
        select(ArchiveVolume).where(ArchiveVolume.category_code == "WS").order_by(
            ArchiveVolume.id.desc()).limit(1)
    )  # fmt: skip
    filed = archives.file_volume(
        session, admin,
        {"title": "新卷", "category_code": "WS", "year": last.year, "period_code": last.period_code,
         "department_id": last.department_id, "pages": 3},
    )  # fmt: skip
    assert filed.case_no == session.scalar(
        select(func.max(ArchiveVolume.case_no)).where(
            ArchiveVolume.category_code == "WS", ArchiveVolume.year == last.year,
            ArchiveVolume.period_code == last.period_code,
            ArchiveVolume.department_id == last.department_id)
    )  # fmt: skip
    assert archive_list.due_query(session, admin, date.today()).count(session) > 0


def test_demo_hand_overs_mostly_on_time_one_late_one_incomplete(session, admin) -> None:  # noqa: ANN001
    today = date(2026, 11, 27)
    made = demo_archives.demo_receipts(session, admin, today)
    rows = archive_receipts.receipts(session, admin)
    assert made == len(rows) > 6
    assert {row.month for row in rows} == {"2026-08", "2026-09", "2026-10"}
    late = [row for row in rows if not row.on_time]
    assert len(late) == 1 and late[0].month == "2026-10"
    states = [row.state for row in rows]
    assert states.count("不完整") == 1 and states.count("完整") == len(rows) - 1
    assert next(row for row in rows if row.state == "不完整").missing
