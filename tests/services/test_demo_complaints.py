"""Demo complaints and revisits: two years of real workflow in every state, numbered without
gaps, with an intact audit log and something on every line of 今日待办."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_crm.models import Complaint, ComplaintStep, Revisit, RevisitPlan, User, local_now
from desktop_crm.services import audit, complaints, demo_data, today
from desktop_crm.services.demo_complaints import fill_demo_complaints


def gap_free(numbers: list[str], prefix: str) -> None:
    by_year: dict[str, list[int]] = defaultdict(list)
    for number in numbers:
        match = re.fullmatch(rf"{prefix}(\d{{4}})-(\d{{4}})", number)
        assert match, number
        by_year[match.group(1)].append(int(match.group(2)))
    for year, found in by_year.items():
        assert sorted(found) == list(range(1, len(found) + 1)), f"{prefix}{year} has gaps"


@pytest.fixture
def demo(session: Session, admin: User) -> tuple[int, int]:
    demo_data.fill_demo_data(session, admin, 120)
    return fill_demo_complaints(session, admin, 40, seed=3)


def test_every_state_cause_and_round_over_two_years(
    session: Session, admin: User, demo: tuple[int, int]
) -> None:
    made, revisited = demo
    assert made == session.scalar(select(func.count(Complaint.id))) == 40
    assert revisited == session.scalar(select(func.count(Revisit.id)))
    assert revisited >= 40 + 30  # the complaints' own revisits and the routine ones

    states = set(session.scalars(select(Complaint.state)))
    assert states == set(complaints.STATES)
    causes = set(session.scalars(select(Complaint.cause).where(Complaint.cause.is_not(None))))
    assert causes == set(complaints.CAUSES)
    assert session.scalar(select(func.max(Complaint.round))) >= 2
    assert session.scalar(
        select(func.count()).where(Complaint.state == complaints.CLOSED, Complaint.round > 1)
    )
    accidents = set(
        session.scalars(select(Complaint.accident).where(Complaint.accident.is_not(None)))
    )
    assert accidents == set(complaints.ACCIDENTS)

    first, last = session.execute(
        select(func.min(Complaint.received_at), func.max(Complaint.received_at))
    ).one()
    assert (last - first).days > 365 and (date.today() - last.date()).days <= 1
    kinds = set(session.scalars(select(Revisit.kind)))
    assert {"投诉回访", "定期回访", "电话回访"} <= kinds
    assert session.scalar(select(func.max(Revisit.visited_on))) <= date.today()
    assert session.scalar(select(func.count()).where(Revisit.new_complaint_id.is_not(None))) == 1


def test_numbers_are_gap_free_and_the_audit_log_is_intact(
    session: Session, demo: tuple[int, int]
) -> None:
    gap_free(list(session.scalars(select(Complaint.number))), "TS")
    gap_free(list(session.scalars(select(Revisit.number))), "HF")
    assert audit.verify_chain(session) is None
    # Numbers run with the dates within a year.
    rows = session.execute(select(Complaint.number, Complaint.received_at)).all()
    for year in {number[2:6] for number, _ in rows}:
        in_year = sorted((n, r) for n, r in rows if n[2:6] == year)
        moments = [r for _, r in in_year]
        assert moments == sorted(moments)


def test_the_past_is_dated_back(session: Session, demo: tuple[int, int]) -> None:
    now = local_now()
    steps: dict[int, list] = defaultdict(list)
    for complaint_id, at in session.execute(
        select(ComplaintStep.complaint_id, ComplaintStep.at).order_by(ComplaintStep.id)
    ):
        steps[complaint_id].append(at)
    for complaint in session.scalars(select(Complaint)):
        times = steps[complaint.id]
        assert times == sorted(times) and times[0] == complaint.received_at
        assert times[-1] <= now
        if complaint.state == complaints.CLOSED:
            assert complaint.closed_at == times[-1]
        if complaint.handled_at is not None:
            assert complaint.handled_at >= complaint.received_at
    old = session.scalar(
        select(func.count()).where(Complaint.received_at < now - timedelta(days=200))
    )
    assert (
        old
        and session.scalar(
            select(func.count()).where(
                Complaint.received_at < now - timedelta(days=200),
                Complaint.state != complaints.CLOSED,
            )
        )
        <= 2
    )


def test_today_has_something_on_every_line(
    session: Session, admin: User, demo: tuple[int, int]
) -> None:
    lists = today.today_items(session, admin)
    for key in (
        today.OVERDUE,
        today.DUE_TODAY,
        today.DUE_TOMORROW,
        today.NOT_REPORTED,
        today.ACCIDENTS,
        today.PLANS_TODAY,
        today.PLANS_OVERDUE,
    ):
        assert lists.section(key).total > 0, key
    plans = set(session.scalars(select(RevisitPlan.state)))
    assert plans == {"计划", "已完成", "已取消"}
    unreported = lists.section(today.NOT_REPORTED).items
    assert any(i.overdue for i in unreported) and any(not i.overdue for i in unreported)


def test_a_few_complaints_take_the_most_needed_stories(session: Session, admin: User) -> None:
    demo_data.fill_demo_data(session, admin, 20)
    assert fill_demo_complaints(session, admin, 0) == (0, 0)
    made, _revisits = fill_demo_complaints(session, admin, 3)
    assert made == 3
    assert set(session.scalars(select(Complaint.state))) == {"已登记", "已上报"}
    assert audit.verify_chain(session) is None


def test_an_empty_store_gets_nothing(session: Session, admin: User) -> None:
    assert fill_demo_complaints(session, admin, 10) == (0, 0)


def test_past_revisits_have_reports_mostly_on_time_and_reviewed(
    session: Session, demo: tuple[int, int]
) -> None:
    from desktop_crm.services import revisit_reports, workdays

    calendar = workdays.load_calendar(session)
    now = local_now()
    states: dict[str, int] = defaultdict(int)
    reviewed = 0
    for revisit in session.scalars(select(Revisit)):
        timing = revisit_reports.report_timing(
            revisit.visited_on, revisit.report_at, now.date(), calendar
        )
        states[timing.state] += 1
        if revisit.report_at is not None:
            assert revisit.report_at.date() >= revisit.visited_on and revisit.report_at <= now
            assert revisit.report_summary and revisit.report_evaluation
        if revisit.reviewed_at is not None:
            reviewed += 1
            assert revisit.reviewed_at >= revisit.report_at and revisit.review_opinion
    written = states[revisit_reports.ON_TIME] + states[revisit_reports.LATE]
    due = written + states[revisit_reports.OVERDUE]
    assert states[revisit_reports.ON_TIME] >= 0.7 * due  # most on the next working day
    assert (
        states[revisit_reports.LATE] and states[revisit_reports.OVERDUE]
    )  # some late, some missing
    assert reviewed >= 0.7 * written  # most reviewed
    assert audit.verify_chain(session) is None

    # 今日待办 shows the clerk a report to write and the 客户服务主管 one to review.
    clerk = session.scalar(select(User).where(User.name == "杨帆"))
    supervisor = session.scalar(select(User).where(User.name == "陈静"))
    assert today.today_items(session, clerk).section(today.REPORTS_TO_WRITE).total > 0
    assert today.today_items(session, supervisor).section(today.REPORTS_TO_REVIEW).total > 0
    # One coming plan was moved once (改期), keeping its first day.
    moved = session.scalars(select(RevisitPlan).where(RevisitPlan.reschedule_count > 0)).all()
    assert len(moved) == 1 and moved[0].original_planned_on < moved[0].planned_on
