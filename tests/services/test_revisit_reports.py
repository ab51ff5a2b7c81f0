"""客户回访报告表 (DOMAIN §3): written by the revisit's staff the next working day, late when
after that, reviewed with 指导意见 by the 客户服务主管, which locks it; the lists of reports to
write, overdue and to review; the period summary of revisits; 改期 of a plan; the report
lines of 今日待办; the data of the printed report, visit brief and plan list."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop_crm.models import AuditEntry, Contact, FollowUp, Purchase, Revisit, RevisitPlan, User
from desktop_crm.services import revisit_reports, revisits, today, workdays
from desktop_crm.services.errors import Conflict, PermissionDenied, ValidationError
from desktop_crm.services.revisit_reports import (
    FILTER_MINE,
    FILTER_OVERDUE,
    FILTER_REVIEWED,
    FILTER_TO_REVIEW,
    LATE,
    ON_TIME,
    OVERDUE,
    PENDING,
    report_timing,
)
from tests.services.test_revisits import customer, person

TODAY = date.today()


@pytest.fixture
def office(session: Session, admin: User) -> dict:
    """Two salespeople of 市场营销部 with a customer each, the service clerk, the 客户服务主管,
    the heads of 市场营销部 and 质检部."""
    wang = person(session, admin, "王芳", "YXB", "客户开发专员")
    zhang = person(session, admin, "张伟", "YXB", "客户开发专员")
    return {
        "wang": wang,
        "zhang": zhang,
        "yang": person(session, admin, "杨帆", "SHB", "客户服务专员"),
        "chen": person(session, admin, "陈静", "SHB", "客户服务主管"),
        "li": person(session, admin, "李明", "YXB", "部门负责人"),
        "zhao": person(session, admin, "赵磊", "ZJB", "部门负责人"),
        "wangs": customer(session, admin, "西安王氏建材有限公司", wang),
        "zhangs": customer(session, admin, "咸阳张兴商砼有限公司", zhang),
    }


def visit(
    session: Session,
    actor: User,
    customer_id: int,
    day: date,
    staff: User | None = None,
    kind: str = "定期回访",
    method: str | None = "电话",
    satisfaction: str | None = "满意",
) -> Revisit:
    return revisits.record_revisit(
        session,
        actor,
        {
            "customer_id": customer_id,
            "visited_on": day,
            "kind": kind,
            "method": method,
            "satisfaction": satisfaction,
            "staff_id": (staff or actor).id,
            "contact_name": "王建国",
            "discussion": "了解水泥使用情况",
        },
    )


def written_at(session: Session, revisit_id: int, moment: datetime) -> None:
    """The report as if written at `moment` (the service stamps the real time)."""
    session.execute(update(Revisit).where(Revisit.id == revisit_id).values(report_at=moment))
    session.commit()


def entries(session: Session, revisit_id: int) -> list[tuple[str, str | None, str | None]]:
    return [
        (e.act, e.field, e.new_value)
        for e in session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == "revisit", AuditEntry.object_id == str(revisit_id))
            .order_by(AuditEntry.seq)
        )
    ]


# ------------------------------------------------------------------ the deadline


@pytest.mark.parametrize(
    ("visited", "due"),
    [
        (date(2026, 11, 20), date(2026, 11, 23)),  # Friday → Monday
        (date(2026, 9, 30), date(2026, 10, 8)),  # before the National Day holiday
        (date(2026, 2, 13), date(2026, 2, 14)),  # Saturday 14 Feb is a 调休上班日
        (date(2026, 11, 22), date(2026, 11, 23)),  # a Sunday visit: due Monday
    ],
)
def test_the_report_is_due_the_next_working_day(visited: date, due: date) -> None:
    assert revisit_reports.due_on(visited) == due
    assert report_timing(visited, None, visited).state == PENDING
    assert report_timing(visited, None, due).state == PENDING
    late = report_timing(visited, None, due + timedelta(days=1))
    assert late.state == OVERDUE and late.late


def test_an_office_correction_moves_the_deadline() -> None:
    calendar = workdays.WorkCalendar({date(2026, 11, 23): False})  # Monday off
    assert revisit_reports.due_on(date(2026, 11, 20), calendar) == date(2026, 11, 24)


def test_written_reports_are_on_time_or_late_by_working_days() -> None:
    on_time = report_timing(date(2026, 9, 30), datetime(2026, 10, 8, 17, 55))
    assert (on_time.state, on_time.text) == (ON_TIME, "按时填写（期限 2026-10-08）")
    # Due Thursday 8 Oct; Friday, the 调休 Saturday and Monday are three working days.
    late = report_timing(date(2026, 9, 30), datetime(2026, 10, 12, 9, 0))
    assert (late.state, late.working_days_late) == (LATE, 3)
    assert late.text == "逾期 3 个工作日补写（期限 2026-10-08）"
    missing = report_timing(date(2026, 11, 19), None, date(2026, 11, 23))
    assert missing.text == "应于 2026-11-20 前填写，逾期 1 个工作日未写"
    # Past the deadline on a weekend, before another working day has gone by.
    weekend = report_timing(date(2026, 11, 19), None, date(2026, 11, 21))
    assert weekend.state == OVERDUE and "已过期限" in weekend.text


def test_overdue_before_is_the_last_working_day_before_today() -> None:
    assert revisit_reports.overdue_before(date(2026, 11, 23)) == date(2026, 11, 20)
    assert revisit_reports.overdue_before(date(2026, 11, 22)) == date(2026, 11, 20)
    assert revisit_reports.overdue_before(date(2026, 10, 8)) == date(2026, 9, 30)


# ------------------------------------------------------------------ writing and reviewing


def test_the_staff_writes_the_report_and_the_supervisor_reviews_it(session, office) -> None:  # noqa: ANN001
    wang, chen = office["wang"], office["chen"]
    revisit = visit(session, wang, office["wangs"].id, TODAY)
    form = revisit_reports.report_form_data(session, wang, revisit.id)
    assert form["state"] == PENDING and form["may_write"] and not form["may_review"]
    assert form["due_on"] == revisit_reports.due_on(TODAY, workdays.load_calendar(session))

    revisit_reports.write_report(
        session, wang, revisit.id, "  电话回访王建国，使用正常。 ", "客户满意，关系稳定。"
    )
    session.refresh(revisit)
    assert revisit.report_summary == "电话回访王建国，使用正常。"
    assert revisit.report_by_id == wang.id and revisit.report_at is not None
    assert ("修改", "回访报告·过程与结果概述", "电话回访王建国，使用正常。") in entries(
        session, revisit.id
    )
    form = revisit_reports.report_form_data(session, chen, revisit.id)
    assert form["state"] == "待审阅" and form["timing"] == ON_TIME and form["may_review"]
    assert form["report_by"] == "王芳"

    revisit_reports.review_report(
        session,
        chen,
        revisit.id,
        "继续跟进用量。",
        seen=("电话回访王建国，使用正常。", "客户满意，关系稳定。"),
    )
    session.refresh(revisit)
    assert (revisit.review_opinion, revisit.reviewed_by_id) == ("继续跟进用量。", chen.id)
    assert ("审批", "回访报告·指导意见", "继续跟进用量。") in entries(session, revisit.id)
    form = revisit_reports.report_form_data(session, wang, revisit.id)
    assert form["locked"] and not form["may_write"] and form["reviewed_by"] == "陈静"

    # The review locks the report: neither the staff nor the supervisor changes it now.
    with pytest.raises(Conflict, match="已由陈静于 .* 审阅，不能再修改"):
        revisit_reports.write_report(session, wang, revisit.id, "改一下", "改一下")
    with pytest.raises(Conflict):
        revisit_reports.review_report(session, chen, revisit.id, "再审一次")
    session.refresh(revisit)
    assert revisit.report_summary == "电话回访王建国，使用正常。"


def test_a_correction_keeps_the_first_writer_and_moment(session, office) -> None:  # noqa: ANN001
    wang, yang = office["wang"], office["yang"]
    revisit = visit(session, wang, office["wangs"].id, TODAY)
    revisit_reports.write_report(session, wang, revisit.id, "初稿", "一般")
    session.refresh(revisit)
    first_at = revisit.report_at
    # 杨帆 holds 回访·修改 over every customer: she may correct it.
    revisit_reports.write_report(
        session, yang, revisit.id, "初稿", "客户满意", seen=("初稿", "一般")
    )
    session.refresh(revisit)
    assert (revisit.report_evaluation, revisit.report_by_id) == ("客户满意", wang.id)
    assert revisit.report_at == first_at
    fields = [field for _act, field, _new in entries(session, revisit.id)]
    assert fields.count("回访报告·评价") == 2 and fields.count("回访报告·过程与结果概述") == 1


def test_a_stale_form_is_refused_not_overwritten(session, office) -> None:  # noqa: ANN001
    wang, yang, chen = office["wang"], office["yang"], office["chen"]
    revisit = visit(session, wang, office["wangs"].id, TODAY)
    revisit_reports.write_report(session, yang, revisit.id, "杨帆写的", "好")
    with pytest.raises(Conflict, match="刚被别人填写或修改过"):
        revisit_reports.write_report(session, wang, revisit.id, "王芳写的", "好", seen=(None, None))
    with pytest.raises(Conflict, match="阅读后被修改过"):
        revisit_reports.review_report(session, chen, revisit.id, "同意", seen=("旧的", "好"))
    session.refresh(revisit)
    assert (revisit.report_summary, revisit.reviewed_at) == ("杨帆写的", None)


def test_empty_or_long_texts_are_refused_and_nothing_changes(session, office) -> None:  # noqa: ANN001
    wang = office["wang"]
    revisit = visit(session, wang, office["wangs"].id, TODAY)
    with pytest.raises(ValidationError) as refused:
        revisit_reports.write_report(session, wang, revisit.id, " ", "评" * 4001)
    assert refused.value.by_field == {
        "report_summary": "过程与结果概述：必须填写。",
        "report_evaluation": "评价：最多 4000 个字（现有 4001 个）。",
    }
    session.refresh(revisit)
    assert revisit.report_at is None and entries(session, revisit.id)[-1][0] == "新建"
    with pytest.raises(ValidationError, match="还没有填写回访报告"):
        revisit_reports.review_report(session, office["chen"], revisit.id, "同意")
    revisit_reports.write_report(session, wang, revisit.id, "概述", "评价")
    with pytest.raises(ValidationError) as refused:
        revisit_reports.review_report(session, office["chen"], revisit.id, "  ")
    assert refused.value.by_field == {"review_opinion": "指导意见：必须填写。"}


def test_who_may_write_and_review(session, office) -> None:  # noqa: ANN001
    wang, zhang = office["wang"], office["zhang"]
    revisit = visit(session, wang, office["wangs"].id, TODAY - timedelta(days=1))
    # Another salesperson is neither the staff nor holds 回访·修改.
    with pytest.raises(PermissionDenied, match="由回访人填写"):
        revisit_reports.write_report(session, zhang, revisit.id, "概述", "评价")
    revisit_reports.write_report(session, wang, revisit.id, "概述", "评价")
    seen = ("概述", "评价")
    # The clerk has no 回访·审批; the 质检部 head's 审批 reaches only 质检部's customers.
    for refused in (office["yang"], office["zhao"], wang):
        with pytest.raises(PermissionDenied, match="客户服务主管审阅"):
            revisit_reports.review_report(session, refused, revisit.id, "同意", seen)
    # The head of 市场营销部 reviews the reports of the department's customers.
    revisit_reports.review_report(session, office["li"], revisit.id, "同意", seen)
    assert session.get(Revisit, revisit.id).reviewed_by_id == office["li"].id


# ------------------------------------------------------------------ the lists


def test_the_report_lists_filter_mine_overdue_to_review_and_reviewed(session, office) -> None:  # noqa: ANN001
    wang, yang, chen = office["wang"], office["yang"], office["chen"]
    old = visit(session, wang, office["wangs"].id, TODAY - timedelta(days=20))
    new = visit(session, wang, office["wangs"].id, TODAY)
    theirs = visit(session, yang, office["zhangs"].id, TODAY - timedelta(days=20), yang)
    done = visit(session, yang, office["zhangs"].id, TODAY - timedelta(days=30), yang)
    revisit_reports.write_report(session, yang, theirs.id, "概述", "评价")
    revisit_reports.write_report(session, yang, done.id, "概述", "评价")
    revisit_reports.review_report(session, chen, done.id, "同意")

    def numbers(actor: User, which: str) -> list[str]:
        query = revisit_reports.report_query(session, actor, which)
        rows = query.page(session, 0, 100)
        assert query.count(session) == len(rows)
        position = [c.key for c in query.columns].index("number") + 1
        return [row[position] for row in rows]

    assert numbers(wang, FILTER_MINE) == [new.number, old.number]  # newest revisit first
    assert numbers(yang, FILTER_MINE) == []
    assert numbers(chen, FILTER_OVERDUE) == [old.number]
    assert numbers(chen, FILTER_TO_REVIEW) == [theirs.number]
    assert numbers(chen, FILTER_REVIEWED) == [done.number]
    # 王芳 sees her own customers only (回访·查看 本人).
    assert numbers(wang, revisit_reports.FILTER_ALL) == [new.number, old.number]
    query = revisit_reports.report_query(session, chen, revisit_reports.FILTER_ALL)
    keys = [c.key for c in query.columns]
    states = {
        row[keys.index("number") + 1]: row[keys.index("report_state") + 1]
        for row in query.page(session, 0, 10)
    }
    assert states == {
        new.number: "待写",
        old.number: "逾期未写",
        theirs.number: "待审阅",
        done.number: "已审阅",
    }
    with pytest.raises(ValidationError):
        revisit_reports.report_query(session, chen, "随便")


# ------------------------------------------------------------------ the period summary


def test_the_period_summary_counts_kinds_methods_levels_staff_and_timeliness(
    session, admin, office
) -> None:  # noqa: ANN001
    wang, yang, chen = office["wang"], office["yang"], office["chen"]
    mine, theirs = office["wangs"].id, office["zhangs"].id
    on_time = visit(session, admin, mine, date(2026, 9, 30), wang, "电话回访", "电话", "满意")
    late = visit(session, admin, theirs, date(2026, 10, 9), yang, "定期回访", "上门", "很满意")
    missing = visit(session, admin, mine, date(2026, 10, 12), yang, "上门拜访", "上门", "不满意")
    pending = visit(session, admin, mine, date(2026, 10, 19), wang, "定期回访", None, None)
    visit(session, admin, mine, date(2026, 11, 5), wang)  # outside the period
    for revisit, moment in (
        (on_time, datetime(2026, 10, 8, 17)),
        (late, datetime(2026, 10, 13, 9)),
    ):
        revisit_reports.write_report(session, admin, revisit.id, "概述", "评价")
        written_at(session, revisit.id, moment)
    revisit_reports.review_report(session, chen, on_time.id, "同意")
    assert missing.report_at is None and pending.report_at is None

    summary = revisit_reports.period_summary(
        session, admin, "2026-09-28", date(2026, 10, 31), today=date(2026, 10, 20)
    )
    assert summary.total == 4
    assert [(x.name, x.count) for x in summary.kinds] == [
        ("定期回访", 2), ("电话回访", 1), ("上门拜访", 1),
    ]  # fmt: skip
    assert [(x.name, x.count) for x in summary.methods] == [("电话", 1), ("上门", 2), ("未填", 1)]
    assert [(x.name, x.count) for x in summary.satisfaction] == [
        ("很满意", 1), ("满意", 1), ("不满意", 1), ("未评", 1),
    ]  # fmt: skip
    assert summary.kinds[0].share == 0.5
    # 满意度 (10 + 8 + 4) ÷ 30; 满意率 2 of 3 at 基本满意 or better (DOMAIN §4).
    assert round(summary.satisfaction_index, 4) == round(22 / 30, 4)
    assert round(summary.satisfaction_rate, 4) == round(2 / 3, 4)
    # Due 8 Oct (on time); due the 调休 Saturday 10 Oct, written the 13th (late); due the
    # 13th, missing on the 20th (overdue); visited the 19th, due the 20th (not yet due).
    assert (summary.on_time, summary.late, summary.overdue, summary.pending) == (1, 1, 1, 1)
    assert (summary.written, summary.reviewed, summary.to_review) == (2, 1, 1)
    assert summary.on_time_rate == pytest.approx(1 / 3)
    staff = {line.name: line for line in summary.staff}
    assert (staff["杨帆"].total, staff["杨帆"].late, staff["杨帆"].overdue) == (2, 1, 1)
    assert (staff["王芳"].on_time, staff["王芳"].pending, staff["王芳"].reviewed) == (1, 1, 1)
    assert summary.scope_text == "全部客户"

    # 王芳 sees her own customers' revisits only.
    own = revisit_reports.period_summary(
        session, wang, "2026-09-28", "2026-10-31", today=date(2026, 10, 20)
    )
    assert own.total == 3 and own.scope_text == "本人负责的客户（王芳）"
    assert revisit_reports.percent(own.review_rate) == "100.0%"


def test_the_period_summary_refuses_a_bad_period(session, admin) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as refused:
        revisit_reports.period_summary(session, admin, "2026-11-30", "2026-11-01")
    assert refused.value.by_field == {"end": "结束日期不能早于开始日期。"}
    with pytest.raises(ValidationError) as refused:
        revisit_reports.period_summary(session, admin, "30/11/2026", None)
    assert set(refused.value.by_field) == {"start", "end"}
    empty = revisit_reports.period_summary(session, admin, "2026-11-01", "2026-11-30")
    assert empty.total == 0 and empty.kinds == () and empty.on_time_rate is None


def test_summary_data_for_the_form_records_the_copy(session, admin, office) -> None:  # noqa: ANN001
    visit(session, admin, office["wangs"].id, date(2026, 10, 9), office["yang"])
    data = revisit_reports.summary_data(session, admin, "2026-10-01", "2026-10-31", "导出")
    assert data["period_text"] == "2026-10-01 至 2026-10-31"
    assert data["staff"][0]["name"] == "杨帆" and data["kinds"][0]["share"] == "100.0%"
    logged = session.scalars(select(AuditEntry.object_label).where(AuditEntry.act == "导出")).all()
    assert "客户回访汇总表 2026-10-01 至 2026-10-31" in logged


# ------------------------------------------------------------------ 改期


def test_a_plan_is_rescheduled_keeping_its_first_day_and_counting(session, admin, office) -> None:  # noqa: ANN001
    plan = revisits.plan_revisit(
        session, admin, {"customer_id": office["wangs"].id, "planned_on": TODAY}
    )
    revisits.reschedule_plan(session, admin, plan.id, TODAY + timedelta(days=3), "客户出差")
    revisits.reschedule_plan(session, admin, plan.id, TODAY + timedelta(days=5), "再次改约")
    session.refresh(plan)
    assert plan.planned_on == TODAY + timedelta(days=5)
    assert (plan.original_planned_on, plan.reschedule_count) == (TODAY, 2)
    assert plan.reschedule_reason == "再次改约"
    logged = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "revisit_plan", AuditEntry.field == "计划日期")
        .order_by(AuditEntry.seq)
    ).all()
    assert [(e.old_value, e.detail) for e in logged] == [
        (f"{TODAY:%Y-%m-%d}", "改期（第 1 次）：客户出差"),
        (f"{TODAY + timedelta(days=3):%Y-%m-%d}", "改期（第 2 次）：再次改约"),
    ]
    query = revisits.plan_query(session, admin)
    keys = [c.key for c in query.columns]
    (row,) = query.page(session, 0, 10)
    assert row[keys.index("rescheduled") + 1] == "改期 2 次"


def test_rescheduling_needs_a_day_a_reason_and_an_open_plan(session, admin, office) -> None:  # noqa: ANN001
    plan = revisits.plan_revisit(
        session, admin, {"customer_id": office["wangs"].id, "planned_on": TODAY}
    )
    for day, reason, field, words in (
        (None, "原因", "planned_on", "必须填写"),
        (TODAY - timedelta(days=1), "原因", "planned_on", "不能早于今天"),
        (TODAY, "原因", "planned_on", "相同"),
        (TODAY + timedelta(days=1), " ", "reschedule_reason", "改期原因：必须填写"),
    ):
        with pytest.raises(ValidationError) as refused:
            revisits.reschedule_plan(session, admin, plan.id, day, reason)
        assert words in refused.value.by_field[field]
    session.refresh(plan)
    assert (plan.planned_on, plan.reschedule_count, plan.original_planned_on) == (TODAY, 0, None)
    # A salesperson without 回访·修改 cannot move it; a cancelled plan cannot move.
    with pytest.raises(PermissionDenied):
        revisits.reschedule_plan(session, office["wang"], plan.id, TODAY, "原因")
    revisits.cancel_plan(session, admin, plan.id, "客户停工")
    with pytest.raises(ValidationError, match="已取消，不能改期"):
        revisits.reschedule_plan(session, admin, plan.id, TODAY + timedelta(days=1), "原因")


# ------------------------------------------------------------------ 今日待办


def test_today_lists_my_reports_to_write_and_the_ones_to_review(session, admin, office) -> None:  # noqa: ANN001
    wang, chen, li, yang = office["wang"], office["chen"], office["li"], office["yang"]
    clerks = customer(session, admin, "渭南杨氏建材经销部", yang)  # a 售后服务部 customer
    fresh = visit(session, wang, office["wangs"].id, TODAY)
    late = visit(session, wang, office["wangs"].id, TODAY - timedelta(days=10))
    visit(session, wang, office["wangs"].id, TODAY - timedelta(days=200))  # before the look-back
    written = visit(session, wang, office["wangs"].id, TODAY - timedelta(days=2))
    revisit_reports.write_report(session, wang, written.id, "概述", "评价")
    other = visit(session, yang, clerks.id, TODAY, yang)
    revisit_reports.write_report(session, yang, other.id, "概述", "评价")

    lists = today.today_items(session, wang, TODAY)
    section = lists.section(today.REPORTS_TO_WRITE)
    assert section.title == "回访报告待写/逾期" and section.kind == today.REVISIT
    assert [item.id for item in section.items] == [late.id, fresh.id]
    first, second = section.items
    assert first.overdue and "逾期" in first.extra and first.code == late.number
    assert not second.overdue and "截止" in second.extra
    assert lists.section(today.REPORTS_TO_REVIEW) is None  # 王芳 reviews nothing

    review = today.today_items(session, chen, TODAY).section(today.REPORTS_TO_REVIEW)
    assert {item.id for item in review.items} == {written.id, other.id}
    assert all(item.kind == today.REVISIT for item in review.items)
    # The head of 市场营销部 reviews his department's customers only.
    mine = today.today_items(session, li, TODAY).section(today.REPORTS_TO_REVIEW)
    assert [item.id for item in mine.items] == [written.id]


# ------------------------------------------------------------------ the printed forms' data


def test_the_printed_reports_data(session, admin, office) -> None:  # noqa: ANN001
    revisit = visit(session, admin, office["wangs"].id, date(2026, 9, 30), office["wang"])
    revisit_reports.write_report(session, admin, revisit.id, "电话回访", "满意")
    written_at(session, revisit.id, datetime(2026, 10, 9, 9))
    revisit_reports.review_report(session, office["chen"], revisit.id, "按时写报告")
    data = revisit_reports.revisit_report_data(session, admin, revisit.id, "打印")
    assert data["number"] == revisit.number and data["customer_name"] == "西安王氏建材有限公司"
    assert data["report_due_on"] == date(2026, 10, 8)
    assert data["report_timing"] == "逾期 1 个工作日补写（期限 2026-10-08）"
    assert (data["report_by_name"], data["reviewed_by_name"]) == ("系统管理员", "陈静")
    assert data["satisfaction_text"] == "满意（8 分）"
    assert ("打印", None, None) in entries(session, revisit.id)


def test_the_visit_brief_gathers_the_customers_file(session, admin, office) -> None:  # noqa: ANN001
    buyer = office["wangs"]
    session.add_all(
        [
            Contact(customer_id=buyer.id, name="王建国", title="经理", mobile="13800000000",
                    is_primary=True),
            Purchase(customer_id=buyer.id, year=2025, tons=1200, amount=480000),
            FollowUp(customer_id=buyer.id, followed_on=date(2026, 10, 1), way="电话",
                     content="了解用量", result="有意向"),
        ]
    )  # fmt: skip
    session.commit()
    visit(session, admin, buyer.id, date(2026, 10, 9), office["yang"], satisfaction="很满意")
    plan = revisits.plan_revisit(
        session,
        admin,
        {"customer_id": buyer.id, "planned_on": TODAY, "purpose": "礼节性拜访",
         "content": "节前拜访", "place": "西安工地", "method": "上门"},
    )  # fmt: skip
    revisits.reschedule_plan(session, admin, plan.id, TODAY + timedelta(days=2), "客户出差")
    data = revisit_reports.visit_brief_data(session, admin, plan.id, "打印")
    assert data["customer_name"] == "西安王氏建材有限公司" and data["owner_name"] == "王芳"
    assert data["contacts"][0]["name"] == "王建国（主要）"
    assert data["purchases"] == [{"year": "2025 年", "tons": 1200, "amount": 480000}]
    assert data["followups"][0]["content"] == "了解用量"
    assert data["revisits"][0]["satisfaction"] == "很满意"
    assert (data["plan_purpose"], data["plan_place"]) == ("礼节性拜访", "西安工地")
    assert data["plan_rescheduled"] == f"改期 1 次（原定 {TODAY:%Y-%m-%d}）"
    # The brief copies the customer's file: the copy is recorded against the customer.
    assert session.scalar(
        select(AuditEntry.detail).where(
            AuditEntry.object_type == "customer", AuditEntry.act == "打印"
        )
    ).startswith("客户拜访简报")


def test_the_plan_lists_data_keeps_to_the_period_and_scope(session, admin, office) -> None:  # noqa: ANN001
    for customer_id, days in ((office["wangs"].id, 1), (office["zhangs"].id, 2)):
        revisits.plan_revisit(
            session,
            admin,
            {"customer_id": customer_id, "planned_on": TODAY + timedelta(days=days)},
        )
    revisits.plan_revisit(
        session, admin, {"customer_id": office["wangs"].id, "planned_on": TODAY + timedelta(40)}
    )
    end = TODAY + timedelta(days=10)
    data = revisit_reports.plan_list_data(session, admin, TODAY, end)
    assert [row["customer"] for row in data["rows"]] == [
        "西安王氏建材有限公司",
        "咸阳张兴商砼有限公司",
    ]
    assert (data["total"], data["planned"], data["done"]) == (2, 2, 0)
    own = revisit_reports.plan_list_data(session, office["wang"], TODAY, end)
    assert [row["customer"] for row in own["rows"]] == ["西安王氏建材有限公司"]
    # Printing needs 回访·打印 (the archivist has no right in 回访 at all).
    archivist = person(session, admin, "孙丽", "ZHB", "档案管理员")
    with pytest.raises(PermissionDenied):
        revisit_reports.plan_list_data(session, archivist, TODAY, end, "打印")
    assert session.scalar(select(RevisitPlan.id).limit(1)) is not None
