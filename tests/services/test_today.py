"""今日待办: complaints due today, tomorrow (and up to the next working day), overdue ones,
unreported ones, open major accidents, revisit plans — each within the actor's reach."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop_crm.models import Customer, Department, RevisitPlan, User
from desktop_crm.services import complaints, customers, settings, staff, today
from desktop_crm.services.today import today_items

THURSDAY = date(2026, 11, 19)
FRIDAY = date(2026, 11, 20)


def person(session: Session, admin: User, name: str, code: str, *roles: str) -> User:
    department = session.scalar(select(Department.id).where(Department.code == code))
    return staff.save_staff(
        session, admin, staff.StaffInput(name=name, department_id=department, roles=roles)
    )


def customer(session: Session, admin: User, name: str, owner: User | None = None) -> int:
    values = {"name": name, "owner_id": owner.id if owner else None}
    return customers.save_customer(session, admin, values).id


def complaint(
    session: Session,
    admin: User,
    customer_id: int,
    received: datetime,
    category: str = "产品质量",
    reported: bool = False,
    accident: str | None = None,
) -> complaints.Complaint:
    values = {
        "customer_id": customer_id,
        "received_at": received,
        "category": category,
        "content": "客户反映水泥受潮结块，要求退换。",
        "accident": accident,
    }
    found = complaints.register(session, admin, values)
    if reported:
        found = complaints.report(
            session, admin, found.id, [("市场营销部负责人 李明", "电话")], reported_at=received
        )
    return found


def lines(lists: today.TodayLists, key: str) -> list[str]:
    section = lists.section(key)
    assert section is not None, f"no section {key}"
    return [item.code for item in section.items]


@pytest.fixture
def office(session: Session, admin: User) -> dict[str, object]:
    """Two salespeople's customers, and complaints at every kind of deadline."""
    wang = person(session, admin, "王芳", "YXB", "客户开发专员")
    zhang = person(session, admin, "张伟", "YXB", "客户开发专员")
    mine = customer(session, admin, "西安王氏建材有限公司", wang)
    other = customer(session, admin, "咸阳张兴商砼有限公司", zhang)
    # Service complaints reported on the day: due to start investigating 1 working day later.
    due_today = complaint(session, admin, mine, datetime(2026, 11, 18, 9), "服务态度", True)
    due_friday = complaint(session, admin, other, datetime(2026, 11, 19, 10), "服务效率", True)
    overdue = complaint(session, admin, mine, datetime(2026, 11, 13, 15), "服务态度", True)
    unreported_old = complaint(session, admin, other, datetime(2026, 11, 17, 8, 30))
    unreported_new = complaint(session, admin, mine, datetime(2026, 11, 19, 8, 30))
    accident = complaint(
        session, admin, mine, datetime(2026, 11, 16, 11), reported=True, accident="重大质量事故"
    )
    return {
        "wang": wang,
        "zhang": zhang,
        "mine": mine,
        "other": other,
        "due_today": due_today.number,
        "due_friday": due_friday.number,
        "overdue": overdue.number,
        "unreported_old": unreported_old.number,
        "unreported_new": unreported_new.number,
        "accident": accident.number,
    }


def test_complaints_by_deadline(session: Session, admin: User, office: dict) -> None:
    lists = today_items(session, admin, THURSDAY)

    # Received today and not yet reported: due today for 上报领导.
    assert lines(lists, today.DUE_TODAY) == [office["due_today"], office["unreported_new"]]
    assert lines(lists, today.DUE_TOMORROW) == [office["due_friday"]]
    # Unreported complaints are overdue for 上报领导 too (the list's overdue filter agrees).
    assert set(lines(lists, today.OVERDUE)) == {office["overdue"], office["unreported_old"]}
    overdue = lists.section(today.OVERDUE).items
    assert all(item.overdue and item.kind == today.COMPLAINT for item in overdue)
    first = next(i for i in overdue if i.code == office["overdue"])
    assert first.title == "西安王氏建材有限公司"
    assert first.day == date(2026, 11, 16)  # the 13th was a Friday: due Monday
    assert "开始调查" in first.extra and "逾期 3 个工作日" in first.extra
    assert lists.section(today.OVERDUE).total == 2
    today_line, report_line = lists.section(today.DUE_TODAY).items
    assert not today_line.overdue and "今天到期" in today_line.extra
    assert "上报领导" in report_line.extra


def test_unreported_complaints_are_flagged_when_received_before_today(
    session: Session, admin: User, office: dict
) -> None:
    section = today_items(session, admin, THURSDAY).section(today.NOT_REPORTED)
    assert [i.code for i in section.items] == [office["unreported_old"], office["unreported_new"]]
    old, new = section.items
    assert old.overdue and "未在受理当日上报" in old.extra
    assert not new.overdue and "未在受理当日上报" not in new.extra


def test_friday_lists_everything_up_to_monday(session: Session, admin: User, office: dict) -> None:
    monday_due = complaint(
        session, admin, office["mine"], datetime(2026, 11, 20, 9), "服务态度", True
    )
    lists = today_items(session, admin, FRIDAY)
    assert lists.next_working_day == date(2026, 11, 23)
    soon = lists.section(today.DUE_TOMORROW)
    assert "11月23日" in soon.title
    assert [i.code for i in soon.items] == [monday_due.number]
    assert lines(lists, today.DUE_TODAY) == [office["due_friday"]]
    assert office["unreported_new"] in lines(lists, today.OVERDUE)


def test_major_accidents_go_to_heads_not_to_clerks(
    session: Session, admin: User, office: dict
) -> None:
    head = person(session, admin, "李明", "YXB", "部门负责人")
    clerk = person(session, admin, "杨帆", "SHB", "客户服务专员")
    section = today_items(session, admin, THURSDAY).section(today.ACCIDENTS)
    assert [i.code for i in section.items] == [office["accident"]]
    assert "重大质量事故" in section.items[0].extra
    assert "待生产技术部界定" in section.items[0].extra
    assert today_items(session, head, THURSDAY).section(today.ACCIDENTS) is not None
    clerk_lists = today_items(session, clerk, THURSDAY)
    assert clerk_lists.section(today.ACCIDENTS) is None
    assert clerk_lists.section(today.OVERDUE).total == 2  # clerks see every complaint


def test_a_salesperson_sees_only_their_customers(
    session: Session, admin: User, office: dict
) -> None:
    lists = today_items(session, office["wang"], THURSDAY)
    assert lines(lists, today.OVERDUE) == [office["overdue"]]
    assert lines(lists, today.DUE_TOMORROW) == []
    assert lines(lists, today.NOT_REPORTED) == [office["unreported_new"]]
    assert lists.section(today.ACCIDENTS) is None
    theirs = today_items(session, office["zhang"], THURSDAY)
    assert lines(theirs, today.OVERDUE) == [office["unreported_old"]]
    assert lines(theirs, today.DUE_TOMORROW) == [office["due_friday"]]


def test_closed_and_handled_complaints_are_not_listed(
    session: Session, admin: User, office: dict
) -> None:
    listed = complaint(session, admin, office["mine"], datetime(2026, 11, 18, 9), "服务态度", True)
    complaints.find_cause(
        session, admin, listed.id, complaints.CAUSE_UNFOUNDED, explanation="经核实投诉不成立"
    )
    lists = today_items(session, admin, THURSDAY)
    shown = {i.code for s in lists.sections if s.kind == today.COMPLAINT for i in s.items}
    assert listed.number not in shown


def test_revisit_plans_today_and_overdue(session: Session, admin: User, office: dict) -> None:
    def plan(customer_id: int, day: date, state: str = "计划") -> int:
        row = RevisitPlan(
            customer_id=customer_id,
            kind="定期回访",
            planned_on=day,
            method="上门",
            purpose="礼节性拜访",
            assigned_id=office["wang"].id,
            state=state,
        )
        session.add(row)
        session.commit()
        return row.id

    due = plan(office["mine"], THURSDAY)
    late = plan(office["other"], date(2026, 11, 12))
    plan(office["mine"], date(2026, 11, 11), "已完成")
    plan(office["mine"], THURSDAY, "已取消")
    plan(office["mine"], FRIDAY)

    lists = today_items(session, admin, THURSDAY)
    todays = lists.section(today.PLANS_TODAY).items
    assert [i.id for i in todays] == [due]
    assert todays[0].kind == today.REVISIT_PLAN and not todays[0].overdue
    assert todays[0].title == "西安王氏建材有限公司"
    assert "定期回访" in todays[0].extra and "王芳" in todays[0].extra
    overdue = lists.section(today.PLANS_OVERDUE).items
    assert [i.id for i in overdue] == [late]
    assert overdue[0].overdue and "逾期 7 天" in overdue[0].extra
    # Scope: the plan for 张伟's customer is not 王芳's, although assigned to her.
    assert today_items(session, office["wang"], THURSDAY).section(today.PLANS_OVERDUE).total == 0


def test_long_sections_are_cut_and_counted(session: Session, admin: User) -> None:
    owner = customer(session, admin, "渭南李华路桥有限公司")
    for hour in range(8, 13):
        complaint(session, admin, owner, datetime(2026, 11, 13, hour), "服务态度", True)
    section = today_items(session, admin, THURSDAY, limit=3).section(today.OVERDUE)
    assert len(section.items) == 3 and section.total == 5 and section.more == 2


def test_nothing_to_do_is_empty(session: Session, admin: User) -> None:
    lists = today_items(session, admin, THURSDAY)
    assert lists.empty and lists.total == 0
    assert lists.section(today.OVERDUE) is not None  # the sections are there, with nothing


def test_no_right_no_section(session: Session, admin: User) -> None:
    archivist = person(session, admin, "孙丽", "ZHB", "档案管理员")
    lists = today_items(session, archivist, THURSDAY)
    # no complaint, revisit or survey lines; only the keeper's own: October not filed
    assert [s.key for s in lists.sections] == [today.FILING_LATE]
    assert "2026-10 的文件尚未移交档案室" in lists.sections[0].items[0].extra


def test_the_report_limit_of_the_office_decides_what_is_late(session: Session, admin: User) -> None:
    settings.set_value(session, admin, "complaint.report_days", 1)
    owner = customer(session, admin, "商洛周兴建材经销部")
    yesterday = complaint(session, admin, owner, datetime(2026, 11, 18, 16))
    older = complaint(session, admin, owner, datetime(2026, 11, 16, 9))
    section = today_items(session, admin, THURSDAY).section(today.NOT_REPORTED)
    lines_by_number = {item.code: item for item in section.items}
    assert not lines_by_number[yesterday.number].overdue
    assert lines_by_number[older.number].overdue
    assert "逾期未上报" in lines_by_number[older.number].extra


def test_customers_not_served_are_listed_and_counted_apart(session: Session, admin: User) -> None:
    names = ["铜川王氏建材有限公司", "延安李兴商砼有限公司", "榆林张达路桥有限公司"]
    ids = [customer(session, admin, name) for name in names]
    # Registered a year ago; one of them was called last week, the others never served.
    session.execute(update(Customer).values(registered_at=datetime.now() - timedelta(days=365)))
    session.commit()
    customers.add_followup(
        session, admin, ids[0], date.today() - timedelta(days=7), "电话", "了解用量"
    )
    later = date.today()
    lists = today_items(session, admin, later)
    section = lists.section(today.NOT_SERVED)
    assert section.total == 2 and {i.id for i in section.items} == set(ids[1:])
    assert all(i.kind == today.CUSTOMER and "从未服务" in i.extra for i in section.items)
    cut = today_items(session, admin, later, limit=1, count_not_served=False)
    section = cut.section(today.NOT_SERVED)
    assert section.total is None and section.more is None and len(section.items) == 1
    assert not cut.empty and cut.total >= 1
    assert today.not_served_count(session, admin, later) == 2
    assert cut.with_section(section.counted(2)).section(today.NOT_SERVED).more == 1
