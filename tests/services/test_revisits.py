"""回访 (DOMAIN §3): a complaint's revisit moves the complaint (重新处理 with a new round when
the customer is not satisfied), a problem found on a routine revisit becomes a complaint in
the same unit of work, routine plans come from the visit rhythm, overdue plans show, the
customers not served for three months are listed, and every list keeps to the user's scope."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from desktop_crm.models import (
    AuditEntry,
    Complaint,
    Customer,
    Department,
    FollowUp,
    NumberSequence,
    Revisit,
    RevisitPlan,
    User,
)
from desktop_crm.services import complaints, customers, revisits, rights, settings, staff
from desktop_crm.services.errors import NotFound, PermissionDenied, ValidationError

TODAY = date.today()


# ------------------------------------------------------------------ helpers


def department_id(session: Session, code: str) -> int:
    return session.scalar(select(Department.id).where(Department.code == code))


def person(session: Session, admin: User, name: str, code: str, *roles: str) -> User:
    data = staff.StaffInput(name=name, department_id=department_id(session, code), roles=roles)
    return staff.save_staff(session, admin, data)


def customer(
    session: Session,
    admin: User,
    name: str,
    owner: User | None = None,
    grade: str | None = "B",
    status: str = "合作客户",
    registered_days_ago: int = 400,
) -> Customer:
    saved = customers.save_customer(
        session,
        admin,
        {"name": name, "grade": grade, "status": status, "owner_id": (owner or admin).id},
    )
    # Old customers: registered long before the period 服务不到位 looks at.
    session.execute(
        update(Customer)
        .where(Customer.id == saved.id)
        .values(registered_at=datetime.now() - timedelta(days=registered_days_ago))
    )
    session.commit()
    return saved


def handled_complaint(session: Session, actor: User, customer_id: int) -> Complaint:
    """A product complaint driven to 已处理 through the complaint service."""
    complaint = complaints.register(
        session,
        actor,
        {"customer_id": customer_id, "category": "受潮结块", "content": "到货水泥结块"},
    )
    complaints.report(session, actor, complaint.id, [("市场营销部负责人 王经理", "电话")])
    complaints.find_cause(
        session, actor, complaint.id, "我方原因", responsible_department_id=department_id(
            session, "ZJB"
        ), responsible_person="张质检",
    )  # fmt: skip
    complaints.propose_solution(session, actor, complaint.id, "退换受潮的 20 袋")
    complaints.finish(session, actor, complaint.id, "已退换 20 袋，客户签收")
    assert complaint.state == complaints.HANDLED
    return complaint


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model))


def listed(session: Session, query, key: str) -> list:  # noqa: ANN001
    """A list's column `key` as the screen would show it, checking the count agrees."""
    rows = query.page(session, 0, 1000)
    assert query.count(session) == len(rows)
    position = [c.key for c in query.columns].index(key) + 1
    return [row[position] for row in rows]


# ------------------------------------------------------------------ a complaint's revisit


def test_unsatisfied_revisit_reopens_the_complaint_with_a_new_round(session, admin) -> None:  # noqa: ANN001
    buyer = customer(session, admin, "西安华盛商混站")
    complaint = handled_complaint(session, admin, buyer.id)
    revisit = revisits.record_revisit(
        session,
        admin,
        {
            "complaint_id": complaint.id,
            "visited_on": TODAY,
            "method": "电话",
            "contact_name": "王建国",
            "discussion": "询问退换后的使用情况",
            "satisfaction": "不满意",
        },
    )
    session.refresh(complaint)
    assert revisit.number == f"HF{TODAY.year}-0001"
    assert (revisit.customer_id, revisit.kind) == (buyer.id, "投诉回访")
    assert revisit.complaint_round == 1
    assert revisit.staff_id == admin.id
    assert (complaint.state, complaint.round) == ("重新处理", 2)
    assert complaint.escalation == "部门负责人"
    assert complaint.steps[-1].note.startswith(f"回访 {revisit.number}：客户不满意")
    # The reopened complaint, handled again, is revisited in its second round.
    complaints.find_cause(
        session, admin, complaint.id, "我方原因",
        responsible_department_id=department_id(session, "ZJB"),
    )  # fmt: skip
    complaints.propose_solution(session, admin, complaint.id, "整车更换")
    complaints.finish(session, admin, complaint.id, "已整车更换")
    second = revisits.record_revisit(
        session,
        admin,
        {"complaint_id": complaint.id, "visited_on": TODAY, "satisfaction": "很满意"},
    )
    session.refresh(complaint)
    assert (second.number, second.complaint_round) == (f"HF{TODAY.year}-0002", 2)
    assert complaint.state == "已回访"


@pytest.mark.parametrize(("given", "stored"), [("满意", "满意"), ("一般", "基本满意")])
def test_satisfied_revisit_moves_the_complaint_to_revisited(session, admin, given, stored) -> None:  # noqa: ANN001
    buyer = customer(session, admin, "西安华盛商混站")
    complaint = handled_complaint(session, admin, buyer.id)
    revisit = revisits.record_revisit(
        session, admin, {"complaint_id": complaint.id, "visited_on": TODAY, "satisfaction": given}
    )
    session.refresh(complaint)
    assert revisit.satisfaction == stored
    assert (complaint.state, complaint.round) == ("已回访", 1)
    entries = session.scalars(
        select(AuditEntry.object_type).where(AuditEntry.object_id == str(revisit.id))
    ).all()
    assert "revisit" in entries


def test_a_complaint_not_yet_handled_cannot_be_revisited(session, admin) -> None:  # noqa: ANN001
    buyer = customer(session, admin, "西安华盛商混站")
    complaint = complaints.register(
        session, admin, {"customer_id": buyer.id, "category": "袋重异议", "content": "袋重不足"}
    )
    with pytest.raises(ValidationError) as refused:
        revisits.record_revisit(
            session,
            admin,
            {"complaint_id": complaint.id, "visited_on": TODAY, "satisfaction": "满意"},
        )
    assert refused.value.by_field["complaint_id"].startswith(
        f"投诉 {complaint.number}：现在是「已登记」"
    )
    assert count(session, Revisit) == 0
    assert session.get(Complaint, complaint.id).state == "已登记"


def test_a_complaint_revisit_needs_the_satisfaction(session, admin) -> None:  # noqa: ANN001
    buyer = customer(session, admin, "西安华盛商混站")
    complaint = handled_complaint(session, admin, buyer.id)
    with pytest.raises(ValidationError) as refused:
        revisits.record_revisit(session, admin, {"complaint_id": complaint.id, "visited_on": TODAY})
    assert "满意度" in refused.value.by_field["satisfaction"]
    assert session.get(Complaint, complaint.id).state == "已处理"


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"visited_on": TODAY + timedelta(days=1)}, "visited_on", "不能晚于今天"),
        ({"visited_on": "26/11/2026"}, "visited_on", "2026-11-26"),
        ({"visited_on": None}, "visited_on", "必须填写"),
        ({"next_visit_on": TODAY - timedelta(days=1)}, "next_visit_on", "应晚于本次"),
        ({"satisfaction": "还行"}, "satisfaction", "很满意、满意、基本满意、不满意、很不满意"),
        ({"discussion": "谈" * 4001}, "discussion", "最多 4000"),
        ({"needs": "要" * 4001}, "needs", "最多 4000"),
        ({"problems": "坏" * 4001}, "problems", "最多 4000"),
        ({"kind": "闲聊"}, "kind", "定期回访"),
        ({"kind": "投诉回访"}, "complaint_id", "须选择所回访的投诉"),
        ({"method": "飞鸽传书"}, "method", "电话"),
    ],
)
def test_bad_values_are_refused_beside_their_field(session, admin, values, field, words) -> None:  # noqa: ANN001
    buyer = customer(session, admin, "西安华盛商混站")
    with pytest.raises(ValidationError) as refused:
        revisits.record_revisit(
            session, admin, {"customer_id": buyer.id, "visited_on": TODAY, **values}
        )
    assert words in refused.value.by_field[field]
    assert count(session, Revisit) == 0


# ------------------------------------------------------------------ a problem becomes a complaint


def test_a_routine_revisits_problem_becomes_a_new_complaint_in_one_step(session, admin) -> None:  # noqa: ANN001
    buyer = customer(session, admin, "咸阳宏达建材有限公司")
    revisit = revisits.record_revisit(
        session,
        admin,
        {
            "customer_id": buyer.id,
            "kind": "定期回访",
            "visited_on": TODAY,
            "method": "上门",
            "contact_name": "李工",
            "discussion": "了解本月用量",
            "satisfaction": "基本满意",
            "problems": "最近两车散装水泥亏吨约 0.5 吨",
            "make_complaint": True,
            "complaint_category": "散装亏吨超标",
        },
    )
    assert revisit.new_complaint_id is not None
    new = session.get(Complaint, revisit.new_complaint_id)
    assert new.number == f"TS{TODAY.year}-0001"
    assert (new.customer_id, new.category, new.state) == (buyer.id, "散装亏吨超标", "已登记")
    assert new.content == "最近两车散装水泥亏吨约 0.5 吨"
    assert new.contact_name == "李工" and new.channel == "其他"
    assert revisit.number in new.narrative
    assert revisit.complaint_id is None  # it answers no complaint; it raised one


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"complaint_category": "不存在的类别"}, "complaint_category", "应为"),
        ({"complaint_category": None}, "complaint_category", "必须选择"),
        ({"problems": ""}, "problems", "请先写下发现的问题"),
    ],
)
def test_nothing_is_written_when_the_complaint_part_is_invalid(
    session, admin, values, field, words
) -> None:  # noqa: ANN001
    buyer = customer(session, admin, "咸阳宏达建材有限公司")
    plan = revisits.plan_revisit(session, admin, {"customer_id": buyer.id, "planned_on": TODAY})
    with pytest.raises(ValidationError) as refused:
        revisits.record_revisit(
            session,
            admin,
            {
                "plan_id": plan.id,
                "visited_on": TODAY,
                "satisfaction": "满意",
                "problems": "包装破损",
                "make_complaint": True,
                "complaint_category": "破损过大",
                "next_visit_on": TODAY + timedelta(days=7),
                **values,
            },
        )
    assert words in refused.value.by_field[field]
    assert (count(session, Revisit), count(session, Complaint)) == (0, 0)
    assert count(session, RevisitPlan) == 1 and session.get(RevisitPlan, plan.id).state == "计划"
    assert session.get(NumberSequence, f"revisit-{TODAY.year}") is None


def test_a_refusal_inside_the_complaint_service_rolls_the_revisit_back(
    session, admin, monkeypatch
) -> None:  # noqa: ANN001
    buyer = customer(session, admin, "咸阳宏达建材有限公司")

    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        session.flush()  # the revisit and its number are in the transaction by now
        raise ValidationError("投诉内容：最多 4000 个字。", field="content")

    monkeypatch.setattr(complaints, "register", refuse)
    with pytest.raises(ValidationError) as refused:
        revisits.record_revisit(
            session,
            admin,
            {"customer_id": buyer.id, "visited_on": TODAY, "problems": "破损",
             "make_complaint": True, "complaint_category": "破损过大"},
        )  # fmt: skip
    assert refused.value.by_field["problems"].startswith("新投诉：")
    assert count(session, Revisit) == 0
    # The number given back: the next revisit takes 0001.
    monkeypatch.undo()
    again = revisits.record_revisit(session, admin, {"customer_id": buyer.id, "visited_on": TODAY})
    assert again.number == f"HF{TODAY.year}-0001"


def test_without_the_right_to_register_complaints_the_problem_is_refused(session, admin) -> None:  # noqa: ANN001
    clerk = person(session, admin, "赵销售", "YXB", "客户开发专员")
    buyer = customer(session, admin, "咸阳宏达建材有限公司", owner=clerk)
    rights.set_right(session, admin, "客户开发专员", "complaints", "create", None)
    with pytest.raises(ValidationError) as refused:
        revisits.record_revisit(
            session,
            clerk,
            {"customer_id": buyer.id, "visited_on": TODAY, "problems": "破损",
             "make_complaint": True, "complaint_category": "破损过大"},
        )  # fmt: skip
    assert "投诉·新建" in refused.value.by_field["make_complaint"]
    assert count(session, Revisit) == 0


# ------------------------------------------------------------------ plans


def test_routine_plans_follow_the_rhythm_by_grade(session, admin) -> None:  # noqa: ANN001
    clerk = person(session, admin, "赵销售", "YXB", "客户开发专员")
    by_grade = {g: customer(session, admin, f"{g}级合作客户", owner=clerk, grade=g) for g in "ABCD"}
    prospect = customer(session, admin, "潜在A级客户", grade="A", status="潜在客户")
    ungraded = customer(session, admin, "未分级合作客户", grade=None)
    monday = date(2026, 9, 28)  # the week before National Day: Mon–Wed are working days
    made = revisits.generate_routine_plans(session, admin, monday + timedelta(days=2))
    plans = session.scalars(select(RevisitPlan).order_by(RevisitPlan.customer_id)).all()
    per_customer = {c.id: [p for p in plans if p.customer_id == c.id] for c in by_grade.values()}
    assert made == len(plans) == 5
    assert [len(per_customer[by_grade[g].id]) for g in "ABCD"] == [2, 1, 1, 1]
    assert not [p for p in plans if p.customer_id in (prospect.id, ungraded.id)]
    assert {p.planned_on for p in plans} <= {
        date(2026, 9, 28),
        date(2026, 9, 29),
        date(2026, 9, 30),
    }
    assert len({p.planned_on for p in per_customer[by_grade["A"].id]}) == 2
    assert {(p.kind, p.state, p.assigned_id) for p in plans} == {("定期回访", "计划", clerk.id)}
    # Generating again makes nothing: every customer is planned that week.
    assert revisits.generate_routine_plans(session, admin, monday) == 0
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "revisit_plan").order_by(AuditEntry.seq)
    ).all()[-1]
    assert "生成 5 条" in entry.detail


@pytest.mark.parametrize(
    ("today", "days"),
    [
        (date(2026, 9, 30), {date(2026, 9, 30)}),  # Wednesday: the week's last working day
        (date(2026, 10, 3), {date(2026, 10, 3), date(2026, 10, 4)}),  # none left: the weekend
        (date(2026, 10, 12), {date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30)}),
    ],
)
def test_the_current_week_is_planned_from_today_on(session, admin, today, days) -> None:  # noqa: ANN001
    for grade in "ABCD":
        customer(session, admin, f"{grade}级", grade=grade)
    made = revisits.generate_routine_plans(session, admin, date(2026, 9, 28), today=today)
    assert made == 5
    assert set(session.scalars(select(RevisitPlan.planned_on))) <= days


def test_generation_skips_customers_planned_that_week_and_follows_the_settings(
    session, admin
) -> None:  # noqa: ANN001
    a_grade = customer(session, admin, "甲A", grade="A")
    b_grade = customer(session, admin, "乙B", grade="B")
    monday, _ = revisits.week_of(TODAY + timedelta(days=7))
    revisits.plan_revisit(
        session, admin, {"customer_id": a_grade.id, "planned_on": monday + timedelta(days=3)}
    )
    settings.set_value(session, admin, "visits.per_week.B", 3)
    made = revisits.generate_routine_plans(session, admin, monday)
    assert made == 3
    planned = session.scalars(
        select(RevisitPlan.planned_on).where(RevisitPlan.customer_id == b_grade.id)
    ).all()
    assert len(set(planned)) == 3 and all(
        monday <= day < monday + timedelta(days=7) for day in planned
    )


def test_overdue_plans_show_and_a_recorded_plan_is_done(session, admin) -> None:  # noqa: ANN001
    buyer = customer(session, admin, "西安华盛商混站", grade="D")
    last_week, _ = revisits.week_of(TODAY - timedelta(days=7))
    assert revisits.generate_routine_plans(session, admin, last_week) == 1
    overdue = revisits.plan_query(session, admin, overdue=True)
    assert listed(session, overdue, "customer") == ["西安华盛商混站"]
    assert listed(session, revisits.plan_query(session, admin), "overdue") == ["逾期"]
    plan_id = overdue.page(session, 0, 1)[0][0]
    revisit = revisits.record_revisit(
        session,
        admin,
        {"plan_id": plan_id, "visited_on": TODAY, "satisfaction": "满意",
         "next_visit_on": TODAY + timedelta(days=14)},
    )  # fmt: skip
    assert (revisit.customer_id, revisit.kind, revisit.plan_id) == (buyer.id, "定期回访", plan_id)
    assert session.get(RevisitPlan, plan_id).state == "已完成"
    assert listed(session, revisits.plan_query(session, admin, overdue=True), "customer") == []
    ahead = listed(session, revisits.plan_query(session, admin, state="计划"), "planned_on")
    assert ahead == [TODAY + timedelta(days=14)]
    done = revisits.plan_query(session, admin, state="已完成", date_from=last_week)
    assert listed(session, done, "state") == ["已完成"]
    with pytest.raises(ValidationError) as refused:
        revisits.record_revisit(session, admin, {"plan_id": plan_id, "visited_on": TODAY})
    assert "已完成" in refused.value.by_field["plan_id"]


def test_a_cancelled_plan_needs_a_reason_and_cannot_be_recorded(session, admin) -> None:  # noqa: ANN001
    buyer = customer(session, admin, "西安华盛商混站")
    plan = revisits.plan_revisit(
        session,
        admin,
        {"customer_id": buyer.id, "planned_on": TODAY, "purpose": "有事相访", "place": "搅拌站"},
    )
    with pytest.raises(ValidationError):
        revisits.cancel_plan(session, admin, plan.id, " ")
    revisits.cancel_plan(session, admin, plan.id, "客户停工")
    assert session.get(RevisitPlan, plan.id).state == "已取消"
    with pytest.raises(ValidationError):
        revisits.record_revisit(session, admin, {"plan_id": plan.id, "visited_on": TODAY})
    assert listed(session, revisits.plan_query(session, admin, state="已取消"), "place") == [
        "搅拌站"
    ]


def test_plan_values_are_checked(session, admin) -> None:  # noqa: ANN001
    buyer = customer(session, admin, "西安华盛商混站")
    with pytest.raises(ValidationError) as refused:
        revisits.plan_revisit(
            session,
            admin,
            {"customer_id": buyer.id, "planned_on": TODAY - timedelta(days=1), "purpose": "闲逛"},
        )
    assert set(refused.value.by_field) == {"planned_on", "purpose"}
    plan = revisits.plan_revisit(session, admin, {"customer_id": buyer.id, "planned_on": TODAY})
    assert plan.assigned_id == buyer.owner_id and plan.kind == "定期回访"


def test_filters_of_the_plan_list(session, admin) -> None:  # noqa: ANN001
    clerk = person(session, admin, "赵销售", "YXB", "客户服务专员")
    first = customer(session, admin, "甲公司")
    second = customer(session, admin, "乙公司")
    revisits.plan_revisit(session, admin, {"customer_id": first.id, "planned_on": TODAY})
    revisits.plan_revisit(
        session,
        admin,
        {"customer_id": second.id, "planned_on": TODAY + timedelta(days=3),
         "assigned_id": clerk.id, "kind": "电话回访"},
    )  # fmt: skip
    assert listed(
        session, revisits.plan_query(session, admin, assigned_id=clerk.id), "customer"
    ) == ["乙公司"]
    assert listed(session, revisits.plan_query(session, admin, kind="电话回访"), "customer") == [
        "乙公司"
    ]
    in_days = revisits.plan_query(
        session, admin, date_from=TODAY, date_to=TODAY + timedelta(days=1)
    )
    assert listed(session, in_days, "customer") == ["甲公司"]
    assert listed(session, revisits.plan_query(session, admin, search="乙"), "customer") == [
        "乙公司"
    ]


# ------------------------------------------------------------------ the record list


def test_revisit_list_filters_by_kind_satisfaction_and_period(session, admin) -> None:  # noqa: ANN001
    buyer = customer(session, admin, "西安华盛商混站")
    complaint = handled_complaint(session, admin, buyer.id)
    revisits.record_revisit(
        session,
        admin,
        {"complaint_id": complaint.id, "visited_on": TODAY, "satisfaction": "很不满意"},
    )
    revisits.record_revisit(
        session,
        admin,
        {"customer_id": buyer.id, "visited_on": TODAY - timedelta(days=40), "kind": "电话回访",
         "satisfaction": "满意"},
    )  # fmt: skip
    everything = revisits.revisit_query(session, admin)
    assert listed(session, everything, "kind") == ["投诉回访", "电话回访"]  # newest first
    assert listed(session, everything, "complaint") == [complaint.number, None]
    unhappy = revisits.revisit_query(session, admin, satisfaction=revisits.UNSATISFIED_FILTER)
    assert listed(session, unhappy, "satisfaction") == ["很不满意"]
    assert listed(
        session, revisits.revisit_query(session, admin, kind="电话回访"), "satisfaction"
    ) == ["满意"]
    recent = revisits.revisit_query(session, admin, date_from=TODAY - timedelta(days=7))
    assert listed(session, recent, "kind") == ["投诉回访"]
    by_number = revisits.revisit_query(session, admin, search=complaint.number)
    assert listed(session, by_number, "kind") == ["投诉回访"]
    assert listed(session, revisits.revisit_query(session, admin, search="华盛"), "kind") == [
        "投诉回访",
        "电话回访",
    ]
    found = revisits.get_by_number(session, admin, f"hf{TODAY.year}-0001")
    assert found.complaint_id == complaint.id
    with pytest.raises(NotFound):
        revisits.get_by_number(session, admin, "HF1999-0001")


def test_lists_sort_by_customer_name_read_customer_first(session, admin) -> None:  # noqa: ANN001
    for name in ("西安华盛商混站", "安康汉江建材", "咸阳宏达建材"):
        buyer = customer(session, admin, name)
        revisits.record_revisit(session, admin, {"customer_id": buyer.id, "visited_on": TODAY})
        revisits.plan_revisit(session, admin, {"customer_id": buyer.id, "planned_on": TODAY})
    by_name = revisits.revisit_query(session, admin, sort_key="customer", descending=False)
    assert listed(session, by_name, "customer") == [
        "安康汉江建材",
        "西安华盛商混站",
        "咸阳宏达建材",
    ]
    backwards = revisits.plan_query(session, admin, sort_key="customer", descending=True)
    assert listed(session, backwards, "customer") == [
        "咸阳宏达建材",
        "西安华盛商混站",
        "安康汉江建材",
    ]
    sql = str(by_name.select_rows().compile(session.get_bind()))
    if session.get_bind().dialect.name == "sqlite":
        assert "FROM customer CROSS JOIN revisit ON" in sql
    assert " CROSS JOIN " not in str(revisits.revisit_query(session, admin).select_rows())


# ------------------------------------------------------------------ 服务不到位


def test_customers_not_served_for_three_months_are_listed(session, admin) -> None:  # noqa: ANN001
    visited = customer(session, admin, "甲 最近回访")
    followed = customer(session, admin, "乙 最近跟进")
    long_ago = customer(session, admin, "丙 四个月前回访")
    customer(session, admin, "丁 从未服务")
    customer(session, admin, "戊 新登记", registered_days_ago=10)
    customer(session, admin, "己 已淘汰", status="已淘汰")
    no_status = customer(session, admin, "庚 无状态")
    session.execute(update(Customer).where(Customer.id == no_status.id).values(status=None))
    session.commit()
    revisits.record_revisit(
        session, admin, {"customer_id": visited.id, "visited_on": TODAY - timedelta(days=45)}
    )
    customers.add_followup(session, admin, followed.id, TODAY - timedelta(days=20), "电话", "问候")
    revisits.record_revisit(
        session, admin, {"customer_id": long_ago.id, "visited_on": TODAY - timedelta(days=125)}
    )
    query = revisits.customers_not_served(session, admin)
    assert listed(session, query, "name") == ["丙 四个月前回访", "丁 从未服务", "庚 无状态"]
    assert listed(session, query, "last_served") == [TODAY - timedelta(days=125), None, None]
    assert listed(session, revisits.customers_not_served(session, admin, months=6), "name") == [
        "丁 从未服务",
        "庚 无状态",
    ]
    settings.set_value(session, admin, "service.gap_months", 1)
    session.info.clear()
    shorter = revisits.customers_not_served(session, admin)
    assert listed(session, shorter, "name") == [
        "丙 四个月前回访",
        "丁 从未服务",
        "庚 无状态",
        "甲 最近回访",
    ]
    by_grade = revisits.customers_not_served(session, admin, filters={"grade": "A"})
    assert listed(session, by_grade, "name") == []


def test_the_five_levels_are_the_complaint_services_levels() -> None:
    assert revisits.SATISFACTION_LEVELS == complaints.SATISFACTION_LEVELS
    assert revisits.UNSATISFIED == complaints.UNSATISFIED


def test_months_before_keeps_the_day_or_takes_the_months_last() -> None:
    assert revisits.months_before(date(2026, 11, 26), 3) == date(2026, 8, 26)
    assert revisits.months_before(date(2026, 5, 31), 3) == date(2026, 2, 28)
    assert revisits.months_before(date(2026, 2, 15), 3) == date(2025, 11, 15)


# ------------------------------------------------------------------ rights and scope


def test_a_sales_clerk_works_only_with_their_own_customers(session, admin) -> None:  # noqa: ANN001
    mine_owner = person(session, admin, "赵销售", "YXB", "客户开发专员")
    other_owner = person(session, admin, "钱销售", "YXB", "客户开发专员")
    mine = customer(session, admin, "赵的客户", owner=mine_owner, grade="A")
    theirs = customer(session, admin, "钱的客户", owner=other_owner, grade="A")
    for buyer in (mine, theirs):
        revisits.record_revisit(
            session, admin, {"customer_id": buyer.id, "visited_on": TODAY - timedelta(days=100)}
        )
    assert listed(session, revisits.revisit_query(session, mine_owner), "customer") == ["赵的客户"]
    assert listed(session, revisits.customers_not_served(session, mine_owner), "name") == [
        "赵的客户"
    ]
    monday, _ = revisits.week_of(TODAY + timedelta(days=7))
    assert revisits.generate_routine_plans(session, mine_owner, monday) == 2  # A: twice
    assert listed(session, revisits.plan_query(session, mine_owner), "customer") == ["赵的客户"] * 2
    assert listed(session, revisits.plan_query(session, admin), "customer") == ["赵的客户"] * 2
    with pytest.raises(PermissionDenied):
        revisits.record_revisit(
            session, mine_owner, {"customer_id": theirs.id, "visited_on": TODAY}
        )
    with pytest.raises(PermissionDenied):
        revisits.plan_revisit(session, mine_owner, {"customer_id": theirs.id, "planned_on": TODAY})
    theirs_revisit = session.scalar(select(Revisit.id).where(Revisit.customer_id == theirs.id))
    with pytest.raises(PermissionDenied):
        revisits.get_revisit(session, mine_owner, theirs_revisit)
    own = revisits.record_revisit(
        session, mine_owner, {"customer_id": mine.id, "visited_on": TODAY}
    )
    assert own.staff_id == mine_owner.id


def test_a_user_without_the_right_to_create_revisits_is_refused(session, admin) -> None:  # noqa: ANN001
    inspector = person(session, admin, "孙质检", "ZJB", "质检员")
    buyer = customer(session, admin, "西安华盛商混站")
    for call in (
        lambda: revisits.record_revisit(
            session, inspector, {"customer_id": buyer.id, "visited_on": TODAY}
        ),
        lambda: revisits.plan_revisit(
            session, inspector, {"customer_id": buyer.id, "planned_on": TODAY}
        ),
        lambda: revisits.generate_routine_plans(session, inspector, TODAY),
    ):
        with pytest.raises(PermissionDenied) as refused:
            call()
        assert "回访·新建" in refused.value.message
    assert (count(session, Revisit), count(session, RevisitPlan)) == (0, 0)


def test_cancelling_a_plan_needs_the_edit_right(session, admin) -> None:  # noqa: ANN001
    clerk = person(session, admin, "赵销售", "YXB", "客户开发专员")
    buyer = customer(session, admin, "赵的客户", owner=clerk)
    plan = revisits.plan_revisit(session, clerk, {"customer_id": buyer.id, "planned_on": TODAY})
    with pytest.raises(PermissionDenied):
        revisits.cancel_plan(session, clerk, plan.id, "客户停工")
    supervisor = person(session, admin, "李主管", "YXB", "客户服务主管")
    revisits.cancel_plan(session, supervisor, plan.id, "客户停工")
    assert session.get(RevisitPlan, plan.id).state == "已取消"


# ------------------------------------------------------------------ timeline and printed record


def test_the_timeline_shows_complaints_and_revisits_newest_first(session, admin) -> None:  # noqa: ANN001
    buyer = customer(session, admin, "西安华盛商混站")
    early = revisits.record_revisit(
        session,
        admin,
        {"customer_id": buyer.id, "visited_on": TODAY - timedelta(days=30), "kind": "电话回访",
         "discussion": "了解使用情况", "satisfaction": "满意"},
    )  # fmt: skip
    complaint = handled_complaint(session, admin, buyer.id)
    answer = revisits.record_revisit(
        session,
        admin,
        {"complaint_id": complaint.id, "visited_on": TODAY, "satisfaction": "不满意"},
    )
    items = revisits.customer_timeline(session, admin, buyer.id)
    assert [(i.kind, i.number) for i in items] == [
        ("revisit", answer.number),
        ("complaint", complaint.number),
        ("revisit", early.number),
    ]
    assert items[0].kind_label == "投诉回访" and items[0].state == "不满意"
    assert complaint.number in items[0].summary
    assert items[1].state == "重新处理（第 2 轮）" and items[1].summary.startswith("受潮结块：")
    assert items[2].summary == "了解使用情况" and items[2].id == early.id
    # A 质检员 sees complaints, not revisits.
    inspector = person(session, admin, "孙质检", "ZJB", "质检员")
    assert [i.kind for i in revisits.customer_timeline(session, inspector, buyer.id)] == [
        "complaint"
    ]
    archivist = person(session, admin, "周档案", "BGS", "档案管理员")
    with pytest.raises(PermissionDenied):
        revisits.customer_timeline(session, archivist, buyer.id)


def test_within_one_second_the_timeline_keeps_cause_before_effect(session, admin) -> None:  # noqa: ANN001
    buyer = customer(session, admin, "西安华盛商混站")
    complaint = handled_complaint(session, admin, buyer.id)
    answer = revisits.record_revisit(
        session, admin, {"complaint_id": complaint.id, "visited_on": TODAY, "satisfaction": "满意"}
    )
    routine = revisits.record_revisit(
        session, admin,
        {"customer_id": buyer.id, "visited_on": TODAY, "problems": "包装破损",
         "make_complaint": True, "complaint_category": "破损过大"},
    )  # fmt: skip
    # The same second for all four, as on a fast PC.
    moment = datetime.now().replace(microsecond=0)
    session.execute(update(Complaint).values(received_at=moment))
    session.execute(update(Revisit).values(created_at=moment))
    session.commit()
    items = revisits.customer_timeline(session, admin, buyer.id)
    raised = session.get(Complaint, routine.new_complaint_id)
    assert [i.number for i in items][-2:] == [answer.number, complaint.number]
    assert [i.number for i in items][0] == raised.number


def test_the_printed_records_data(session, admin) -> None:  # noqa: ANN001
    buyer = customer(session, admin, "西安华盛商混站")
    complaint = handled_complaint(session, admin, buyer.id)
    revisit = revisits.record_revisit(
        session,
        admin,
        {"complaint_id": complaint.id, "visited_on": TODAY, "method": "电话",
         "contact_name": "王建国", "discussion": "退换后使用正常", "needs": "希望提前通知发货",
         "satisfaction": "很满意", "next_visit_on": TODAY + timedelta(days=30)},
    )  # fmt: skip
    data = revisits.revisit_record_data(session, admin, revisit.id, copy_act="打印")
    assert data["number"] == revisit.number and data["customer_name"] == "西安华盛商混站"
    assert data["complaint_number"] == complaint.number
    assert data["complaint_content"] == "到货水泥结块"
    assert data["complaint_result"] == "已退换 20 袋，客户签收"
    assert (data["visited_on"], data["method"], data["staff_name"]) == (TODAY, "电话", admin.name)
    assert (data["contact_name"], data["discussion"], data["needs"]) == (
        "王建国",
        "退换后使用正常",
        "希望提前通知发货",
    )
    assert (data["satisfaction"], data["satisfaction_score"]) == ("很满意", 10)
    assert data["next_visit_on"] == TODAY + timedelta(days=30)
    printed = session.scalar(
        select(AuditEntry).where(AuditEntry.object_type == "revisit", AuditEntry.act == "打印")
    )
    assert printed.detail == "客户投诉回访记录"
    # The next revisit is planned, as an ordinary call now that the customer is satisfied.
    plan = session.scalar(select(RevisitPlan))
    assert (plan.planned_on, plan.kind, plan.complaint_id) == (
        TODAY + timedelta(days=30),
        "定期回访",
        None,
    )


def test_follow_ups_count_as_service(session, admin) -> None:  # noqa: ANN001
    buyer = customer(session, admin, "甲公司")
    session.add(
        FollowUp(customer_id=buyer.id, followed_on=TODAY - timedelta(days=200), content="x")
    )
    session.commit()
    query = revisits.customers_not_served(session, admin)
    assert listed(session, query, "last_served") == [TODAY - timedelta(days=200)]
