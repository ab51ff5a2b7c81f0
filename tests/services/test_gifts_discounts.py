"""礼品登记 (市场营销部负责人 consents) and 客户优惠申请表 (the customer's department head)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from desktop_crm.models import Approval, Customer, DiscountRequest, GiftRecord
from desktop_crm.services import approvals, gifts_discounts
from desktop_crm.services.errors import NotFound, PermissionDenied, ValidationError
from tests.services.test_approvals import People, approval_audit, make_customer, make_people

TODAY = date.today()


@pytest.fixture
def people(session, admin) -> People:  # noqa: ANN001
    return make_people(session, admin)


def test_a_gift_waits_for_the_marketing_head_and_the_card_shows_its_state(session, people) -> None:  # noqa: ANN001
    # A customer of 售后服务部: still the 市场营销部负责人 consents to gifts.
    customer = make_customer(session, people.service_sales, "西安城投建材有限公司")
    gift = gifts_discounts.request_gift(
        session, people.service_sales, customer.id, "月饼礼盒", "300", TODAY, "中秋走访"
    )
    assert (gift.value, gift.planned_on, gift.created_by_id) == (
        Decimal("300.00"),
        TODAY,
        people.service_sales.id,
    )
    approval = session.get(Approval, gift.approval_id)
    assert (approval.kind, approval.customer_id, approval.object_type, approval.object_id) == (
        "礼品登记",
        customer.id,
        "gift",
        str(gift.id),
    )
    assert approval.title == "西安城投建材有限公司：月饼礼盒（300.00 元）"
    assert approvals.pending_for(session, people.service_head) == []
    (pending,) = approvals.pending_for(session, people.marketing_head)
    assert pending.reason == "中秋走访"

    (row,) = gifts_discounts.customer_gifts(session, people.service_sales, customer.id)
    assert (row.gift, row.state, row.requested_by) == ("月饼礼盒", "待审批", "刘洋")
    approvals.decide(session, people.marketing_head, pending.open_step_id, True, "同意")
    (row,) = gifts_discounts.customer_gifts(session, people.service_sales, customer.id)
    assert row.state == "已批准" and "李部长" in row.steps_summary
    assert [e.new_value for e in approval_audit(session, approval.id)] == ["待审批", "已批准"]


def test_a_discount_goes_to_the_head_of_the_customers_department(session, people) -> None:  # noqa: ANN001
    customer = make_customer(session, people.service_sales)
    request = gifts_discounts.request_discount(
        session,
        people.service_sales,
        customer.id,
        "P·O 42.5 袋装",
        "每吨优惠 10 元",
        "5000.5",
        "年度大单",
    )
    assert request.amount == Decimal("5000.50")
    approval = session.get(Approval, request.approval_id)
    assert approval.kind == "客户优惠申请" and approval.object_id == str(request.id)
    assert approvals.pending_for(session, people.marketing_head) == []
    (pending,) = approvals.pending_for(session, people.service_head)
    with pytest.raises(PermissionDenied):
        approvals.decide(session, people.marketing_head, pending.open_step_id, True)
    approvals.decide(session, people.service_head, pending.open_step_id, False, "幅度过大")
    (row,) = gifts_discounts.customer_discounts(session, people.service_head, customer.id)
    assert (row.product, row.content, row.state) == ("P·O 42.5 袋装", "每吨优惠 10 元", "已拒绝")


def test_a_head_asking_for_their_own_department_is_approved_at_once(session, people) -> None:  # noqa: ANN001
    customer = make_customer(session, people.sales)
    request = gifts_discounts.request_discount(
        session, people.marketing_head, customer.id, None, "免运费", None, "老客户"
    )
    assert session.get(Approval, request.approval_id).state == "已批准"


def test_only_customers_within_reach_and_with_the_create_right(session, people) -> None:  # noqa: ANN001
    theirs = make_customer(session, people.service_sales)
    with pytest.raises(PermissionDenied, match="请向总经理申请授权"):
        gifts_discounts.request_gift(session, people.sales, theirs.id, "茶叶", 100, None, "拜访")
    with pytest.raises(PermissionDenied, match="请向总经理申请授权"):
        gifts_discounts.request_discount(session, people.sales, theirs.id, None, "优惠", 1, "r")
    with pytest.raises(PermissionDenied, match="请向总经理申请授权"):
        gifts_discounts.customer_gifts(session, people.sales, theirs.id)
    # 质检员 may read every file but not add to one.
    with pytest.raises(PermissionDenied, match="客户档案·新建"):
        gifts_discounts.request_gift(session, people.inspector, theirs.id, "茶叶", 1, None, "r")
    with pytest.raises(NotFound):
        gifts_discounts.request_gift(session, people.sales, 9999, "茶叶", 1, None, "r")
    assert session.scalars(select(GiftRecord)).all() == []
    assert session.scalars(select(DiscountRequest)).all() == []
    assert session.scalars(select(Approval)).all() == []


@pytest.mark.parametrize(
    ("gift", "value", "planned_on", "reason", "field", "words"),
    [
        ("", 100, None, "r", "gift", "请填写礼品"),
        ("茶叶", "一百", None, "r", "value", "不是数字"),
        ("茶叶", -1, None, "r", "value", "不能是负数"),
        ("茶叶", "1.005", None, "r", "value", "最多两位小数"),
        ("茶叶", 10**10, None, "r", "value", "太大"),
        ("茶叶", 1, TODAY - timedelta(days=1), "r", "planned_on", "不能早于今天"),
        ("茶叶", 1, "下周", "r", "planned_on", "不是有效日期"),
        ("茶叶", 1, None, " ", "reason", "请填写赠送理由"),
    ],
)
def test_a_gift_is_checked_field_by_field(
    session, people, gift, value, planned_on, reason, field, words
) -> None:  # noqa: ANN001
    customer = make_customer(session, people.sales)
    with pytest.raises(ValidationError) as invalid:
        gifts_discounts.request_gift(
            session, people.sales, customer.id, gift, value, planned_on, reason
        )
    assert words in invalid.value.by_field[field]
    assert session.scalars(select(Approval)).all() == []


def test_a_discount_needs_content_and_reason_and_a_department(session, people) -> None:  # noqa: ANN001
    customer = make_customer(session, people.sales)
    with pytest.raises(ValidationError) as invalid:
        gifts_discounts.request_discount(session, people.sales, customer.id, "x" * 201, "", "", "")
    assert set(invalid.value.by_field) == {"product", "content", "reason"}
    orphan = make_customer(session, people.admin, "无主客户")
    session.get(Customer, orphan.id).owner_id = None
    session.commit()
    with pytest.raises(ValidationError, match="无法确定由哪位部门负责人审批"):
        gifts_discounts.request_discount(session, people.admin, orphan.id, None, "优惠", None, "r")
