"""The demo archive room: volumes over fifteen years with their documents, files of closed
complaints, numbers that run on, some secrets; hand-overs; loans in every state (some
overdue, on the keeper's 今日待办); an appraisal with 延长 and one executed destruction."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from stdnum.cn import ric

from desktop_crm.config import sqlite_store
from desktop_crm.models import (
    ArchiveItem,
    ArchiveNote,
    ArchiveVolume,
    Complaint,
    Department,
    User,
)
from desktop_crm.models.db import make_engine, make_session_factory
from desktop_crm.services import (
    archive_appraisal,
    archive_list,
    archive_loans,
    archive_receipts,
    archive_settings,
    archives,
    bootstrap,
    demo_archives,
    demo_data,
    today,
)
from desktop_crm.services.errors import ValidationError

TODAY = date.today()


@pytest.fixture(scope="module")
def demo(
    _sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[sessionmaker]:
    """One store filled as `desktop-crm demo-data --customers 30` fills it (complaints
    included), shared by the tests that only read it."""
    target = tmp_path_factory.mktemp("demo") / "crm.sqlite3"
    shutil.copyfile(_sqlite_template, target)
    engine = make_engine(sqlite_store(target).url)
    factory = make_session_factory(engine)
    with factory() as session:
        admin = bootstrap.administrator(session)
        demo_data.fill_demo_data(session, admin, 30, with_complaints=True, with_surveys=False)
    yield factory
    engine.dispose()


def person(session: Session, name: str) -> User:
    return session.scalars(select(User).where(User.name == name)).one()


def test_volumes_over_fifteen_years_each_with_documents(demo) -> None:  # noqa: ANN001
    with demo() as session:
        volumes = session.scalar(select(func.count()).select_from(ArchiveVolume))
        assert volumes >= 300
        years = set(session.scalars(select(ArchiveVolume.year).distinct()))
        assert years == set(range(TODAY.year - demo_archives.YEARS_BACK + 1, TODAY.year + 1))
        assert session.scalar(select(func.count()).select_from(ArchiveItem)) >= 2 * volumes
        empty = select(ArchiveVolume.id).where(~ArchiveVolume.id.in_(select(ArchiveItem.volume_id)))
        assert session.scalars(empty).all() == []
        assert {"机密", "绝密"} & set(session.scalars(select(ArchiveVolume.secrecy).distinct()))
        # customer files belong to customers; some hold a closed complaint's papers
        assert session.scalar(select(func.count()).where(ArchiveVolume.customer_id.is_not(None)))
        linked = session.execute(
            select(ArchiveVolume, Complaint)
            .join(Complaint, Complaint.id == ArchiveVolume.complaint_id)
        ).all()  # fmt: skip
        assert linked
        for volume, complaint in linked:
            assert complaint.state == "已结案"
            assert complaint.number in volume.title
            assert volume.customer_id == complaint.customer_id
            titles = [item.title for item in volume.items]
            assert "顾客投诉处理报告表" in titles and "客户投诉回访记录" in titles


def test_filing_by_hand_runs_on_after_the_demo_numbers(session, admin) -> None:  # noqa: ANN001
    departments = [(d.id, d.code) for d in session.scalars(select(Department))]
    defaults = {c.code: c.default_period_code for c in archive_settings.categories(session, False)}
    specs = demo_archives.demo_specs(random.Random(3), 120, departments, [], [], defaults, TODAY)
    demo_archives.insert_volumes(session, admin, specs)
    session.commit()
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
    assert filed.case_no > last.case_no


def test_loans_in_every_state_with_every_kind_of_borrower(demo) -> None:  # noqa: ANN001
    with demo() as session:
        keeper = person(session, "孙丽")
        rows = archive_loans.loans(session, keeper)
        assert {row.state for row in rows} == set(archive_loans.STATES)
        assert {row.use for row in rows} == {"查阅", "借出"}
        assert {row.borrower_kind for row in rows} == set(archive_loans.BORROWER_KINDS)
        for row in rows:
            assert row.volumes
            if row.borrower_kind == "外部人员":
                assert row.unit and row.letter and ric.is_valid(row.id_number)
            if row.state in ("已借出", "已归还"):
                # lent as of its day: before the due date it had then
                assert row.lent_at is not None
                assert (
                    row.requested_on
                    <= row.lent_at.date()
                    <= (row.extensions[0][0] if row.extensions else row.due_on)
                )
            if row.state == "已归还":
                assert row.returned_at >= row.lent_at
        # the approvals were given by the staff holding the roles
        approved = " ".join(row.approvals for row in rows)
        for name in ("李明", "周强", "吴刚", "赵磊"):
            assert f"（{name} " in approved
        # three overdue, one extended and still out, one waiting for the 总经理
        overdue = archive_loans.overdue_loans(session, keeper)
        assert len(overdue) >= 2 and all(row.due_on < TODAY for row in overdue)
        assert {row.state for row in overdue} == {"已借出"}
        extended = [row for row in rows if row.extensions and row.state == "已借出"]
        assert extended and all(row.due_on >= TODAY for row in extended)
        waiting = [row for row in rows if row.state == "申请中"]
        assert any("批准（李明" in row.approvals and "总经理：待审批" in row.approvals
                   for row in waiting)  # fmt: skip
        refused = next(row for row in rows if row.state == "已拒绝")
        assert "拒绝（李明" in refused.approvals
        # the 借阅登记簿 of the last two years is kept too
        assert archive_loans.loan_book(session, keeper, TODAY.year - 1)
        assert archive_loans.loan_book(session, keeper, TODAY.year - 2)


def test_a_damaged_return_is_noted_and_told_to_the_head(demo) -> None:  # noqa: ANN001
    with demo() as session:
        keeper = person(session, "孙丽")
        damaged = [row for row in archive_loans.loans(session, keeper) if row.condition == "缺损"]
        assert len(damaged) == 1
        row = damaged[0]
        assert "少 1 页" in row.return_note
        lent = row.volumes[0]
        assert lent.pages_back == lent.pages_out - 1
        notes = session.scalars(
            select(ArchiveNote.text).where(
                ArchiveNote.volume_id == lent.volume_id, ArchiveNote.kind == "缺损"
            )
        ).all()
        assert any(row.number in text for text in notes)
        notices = archive_loans.notices_for(session, person(session, "李明"))
        assert any(row.number in notice.text for notice in notices)


def test_the_keepers_today_lists_the_overdue_loans(demo) -> None:  # noqa: ANN001
    with demo() as session:
        keeper = person(session, "孙丽")
        overdue = archive_loans.overdue_loans(session, keeper)
        section = today.today_items(session, keeper).section(today.LOANS_OVERDUE)
        assert section is not None and section.total == len(overdue) >= 2
        assert [item.code for item in section.items] == [row.number for row in overdue]
        assert all(item.extra.startswith("逾期 ") for item in section.items)


def test_one_destruction_carried_out_and_one_appraisal_extends(demo) -> None:  # noqa: ANN001
    with demo() as session:
        keeper = person(session, "孙丽")
        batches = archive_appraisal.destructions(session, keeper)
        assert len(batches) == 1
        register = batches[0]
        assert register.state == "已销毁" and register.batch_no.startswith("XH")
        assert register.reviewed_by == ("李明",) and register.approved_by == "周强"
        assert len(set(register.supervisors)) == 2
        assert register.destroyed_on is not None and register.place and register.method == "粉碎"
        assert register.rows
        for row in register.rows:
            volume = session.scalars(
                select(ArchiveVolume).where(ArchiveVolume.number == row.number)
            ).one()
            assert volume.state == "已销毁" and volume.destroyed_batch == register.batch_no
            assert volume.appraisal_due_on <= register.destroyed_on  # its 保管期限 had ended
            kinds = session.scalars(
                select(ArchiveNote.kind).where(ArchiveNote.volume_id == volume.id)
            ).all()
            assert "销毁" in kinds
        (appraisal,) = archive_appraisal.appraisals(session, keeper)
        entries = archive_appraisal.appraisal_entries(session, keeper, appraisal.id)
        kept = [e for e in entries if e.decision == "延长"]
        assert kept and all(e.new_period == "定期30年" and e.volume_state == "在库" for e in kept)
        assert {e.number for e in entries if e.decision == "销毁"} == {
            row.number for row in register.rows
        }
        assert appraisal.appraised_on < TODAY - timedelta(days=20)
        # what was not appraised yet is still due
        assert archive_list.due_query(session, keeper, TODAY).count(session) > 0


def test_lend_as_of_an_earlier_day_is_the_demo_s_only(session, admin) -> None:  # noqa: ANN001
    """Users get the same refusal of a past due date; the demo lends as of an earlier day."""
    assert demo_archives.demo_office(session, admin) is not None  # the demo's staff
    keeper = person(session, "孙丽")
    volume = archives.file_volume(
        session, keeper,
        {"title": "2024年质量检验记录", "category_code": "JS", "year": 2024,
         "period_code": "D30", "department_id": person(session, "赵磊").department_id,
         "pages": 12},
    )  # fmt: skip
    requested = TODAY - timedelta(days=20)
    loan = archive_loans.request_loan(
        session, keeper,
        {"borrower_kind": "本单位职工", "borrower_id": person(session, "郑洁").id,
         "purpose": "核对检验记录", "use": "借出", "requested_on": requested,
         "due_on": TODAY - timedelta(days=5)},
        [volume.id],
    )  # fmt: skip
    step = loan.approval.steps[0]
    from desktop_crm.services import approvals

    approvals.decide(session, person(session, "赵磊"), step.id, True)
    counts = {volume.id: (volume.pages, volume.pages)}
    with pytest.raises(ValidationError, match="应还日期已过，请先办理延期或重新申请。"):
        archive_loans.lend(session, keeper, loan.id, counts)
    archive_loans.lend(session, keeper, loan.id, counts, today=requested)
    (overdue,) = archive_loans.overdue_loans(session, keeper)
    assert overdue.number == loan.number and overdue.lent_at.date() == TODAY
    with pytest.raises(ValidationError, match="不能早于今天"):
        archive_loans.extend_loan(session, keeper, loan.id, TODAY - timedelta(days=1), "续借")
    archive_loans.extend_loan(
        session, keeper, loan.id, TODAY - timedelta(days=1), "续借", today=requested
    )


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
