"""查看授权: another department's customer files open only through the 总经理's grant."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from desktop_crm.models import AccessGrant, AuditEntry
from desktop_crm.services import access, approvals, grants
from desktop_crm.services.errors import Conflict, PermissionDenied, ValidationError
from tests.services.test_approvals import People, department_id, make_customer, make_people

TODAY = date.today()


@pytest.fixture
def people(session, admin) -> People:  # noqa: ANN001
    return make_people(session, admin)


@pytest.fixture
def service_customer(session, people):  # noqa: ANN001, ANN201
    """A customer of 售后服务部's staff."""
    return make_customer(session, people.service_sales, "陕西建工第五建设集团有限公司")


def sees(session, user, customer) -> bool:  # noqa: ANN001
    return access.owner_in_reach(session, user, "customers", "view", customer.owner_id)


def grant_audit(session) -> list[AuditEntry]:  # noqa: ANN001
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "grant").order_by(AuditEntry.seq)
        )
    )


def test_a_salesperson_sees_another_departments_customer_once_the_grant_is_approved(
    session, people, service_customer
) -> None:  # noqa: ANN001
    sales, shb = people.sales, department_id(session, "SHB")
    assert not sees(session, sales, service_customer)
    with pytest.raises(PermissionDenied, match="请向总经理申请授权"):
        access.check(session, sales, "customers", "view", service_customer.owner_id, "客户")

    approval = grants.request_grant(
        session, sales, shb, TODAY, TODAY + timedelta(days=30), "协助售后处理投诉"
    )
    assert approval.kind == "查看授权" and approval.state == "待审批"
    assert [s.role for s in approval.steps] == ["总经理"]
    assert not sees(session, sales, service_customer)  # asking is not yet seeing
    assert session.scalars(select(AccessGrant)).all() == []

    pending = approvals.pending_for(session, people.manager)
    assert [r.title for r in pending] == [
        f"张伟查看售后服务部客户档案（{TODAY} 至 {TODAY + timedelta(days=30)}）"
    ]
    approvals.decide(session, people.manager, approval.steps[0].id, True, "同意，限一个月")

    grant = session.scalars(select(AccessGrant)).one()
    assert (grant.grantee_id, grant.department_id, grant.approval_id) == (
        sales.id,
        shb,
        approval.id,
    )
    assert grant.created_by_id == people.manager.id and grant.reason == "协助售后处理投诉"
    assert sees(session, sales, service_customer)
    access.check(session, sales, "customers", "view", service_customer.owner_id, "客户")
    # A grant opens files for reading, never for changing them.
    assert not access.owner_in_reach(session, sales, "customers", "edit", service_customer.owner_id)
    assert not sees(session, people.other_sales, service_customer)  # to a person, not a department

    (entry,) = grant_audit(session)
    assert (entry.act, entry.user_id, entry.object_id) == (
        "权限变更",
        people.manager.id,
        str(grant.id),
    )
    assert entry.object_label == "张伟：查看售后服务部客户档案" and "授权生效" in entry.detail
    rows = grants.grants_list(session, sales)
    assert [(r.department, r.state, r.granted_by) for r in rows] == [
        ("售后服务部", "生效中", "王总")
    ]


def test_a_refused_request_opens_nothing(session, people, service_customer) -> None:  # noqa: ANN001
    approval = grants.request_grant(
        session, people.sales, department_id(session, "SHB"), TODAY, TODAY, "想看看"
    )
    approvals.decide(session, people.manager, approval.steps[0].id, False, "没有必要")
    assert session.scalars(select(AccessGrant)).all() == []
    assert not sees(session, people.sales, service_customer)


def test_only_the_general_manager_decides_a_grant_request(session, people) -> None:  # noqa: ANN001
    approval = grants.request_grant(
        session, people.sales, department_id(session, "SHB"), TODAY, TODAY, "核对客户"
    )
    for who in (people.admin, people.marketing_head, people.service_head, people.other_sales):
        with pytest.raises(PermissionDenied):
            approvals.decide(session, who, approval.steps[0].id, True)
    assert session.scalars(select(AccessGrant)).all() == []


def test_expired_and_revoked_grants_stop_working(session, people, service_customer) -> None:  # noqa: ANN001
    shb = department_id(session, "SHB")
    grant = grants.grant_access(
        session, people.manager, people.sales.id, shb, TODAY, TODAY + timedelta(days=5), "交接"
    )
    assert grant.approval_id is not None
    decided = session.get(approvals.Approval, grant.approval_id)
    assert decided.state == "已批准" and decided.steps[0].decided_by_id == people.manager.id
    assert sees(session, people.sales, service_customer)
    # The day after the grant ends it no longer counts.
    assert access.granted_departments(session, people.sales, TODAY + timedelta(days=6)) == []

    grants.revoke_grant(session, people.manager, grant.id)
    assert not sees(session, people.sales, service_customer)
    assert grants.grants_list(session, people.sales) == []
    (row,) = grants.grants_list(session, people.sales, include_past=True)
    assert row.state == "已撤销"
    with pytest.raises(Conflict, match="已于"):
        grants.revoke_grant(session, people.admin, grant.id)
    assert [e.detail.split("；")[0] for e in grant_audit(session)] == ["授权生效", "撤销授权"]

    # A grant whose period has passed (written earlier, now out of date) opens nothing.
    other = grants.grant_access(session, people.manager, people.sales.id, shb, TODAY, TODAY, "一天")
    assert sees(session, people.sales, service_customer)
    session.execute(
        update(AccessGrant)
        .where(AccessGrant.id == other.id)
        .values(valid_from=TODAY - timedelta(days=20), valid_until=TODAY - timedelta(days=10))
    )
    session.commit()
    assert not sees(session, people.sales, service_customer)
    states = {r.id: r.state for r in grants.grants_list(session, people.manager, True)}
    assert states == {grant.id: "已撤销", other.id: "已过期"}


def test_grant_directly_and_revoke_only_by_the_general_manager_or_administrator(
    session, people
) -> None:  # noqa: ANN001
    shb = department_id(session, "SHB")
    for who in (people.admin, people.marketing_head, people.sales):
        with pytest.raises(PermissionDenied):
            grants.grant_access(session, who, people.sales.id, shb, TODAY, TODAY, "x")
    grant = grants.grant_access(session, people.manager, people.sales.id, shb, TODAY, TODAY, "x")
    for who in (people.marketing_head, people.sales):
        with pytest.raises(PermissionDenied, match="总经理或系统管理员"):
            grants.revoke_grant(session, who, grant.id)
    grants.revoke_grant(session, people.admin, grant.id)
    assert session.get(AccessGrant, grant.id).revoked_at is not None


def test_grants_list_shows_everyone_to_the_manager_and_own_to_others(session, people) -> None:  # noqa: ANN001
    shb, zjb = department_id(session, "SHB"), department_id(session, "ZJB")
    grants.grant_access(session, people.manager, people.sales.id, shb, TODAY, TODAY, "a")
    grants.grant_access(session, people.manager, people.other_sales.id, zjb, TODAY, TODAY, "b")
    assert {r.grantee for r in grants.grants_list(session, people.manager)} == {"张伟", "陈静"}
    assert {r.grantee for r in grants.grants_list(session, people.admin)} == {"张伟", "陈静"}
    assert [r.department for r in grants.grants_list(session, people.sales)] == ["售后服务部"]
    assert grants.grants_list(session, people.service_head) == []


@pytest.mark.parametrize(
    ("department", "start", "end", "reason", "field", "words"),
    [
        (
            "SHB",
            TODAY + timedelta(days=3),
            TODAY + timedelta(days=1),
            "r",
            "valid_until",
            "不能早于开始",
        ),
        ("SHB", TODAY, TODAY + timedelta(days=366), "r", "valid_until", "最长一年"),
        ("SHB", TODAY - timedelta(days=1), TODAY, "r", "valid_from", "不能早于今天"),
        ("SHB", TODAY, "明天", "r", "valid_until", "不是有效日期"),
        ("YXB", TODAY, TODAY, "r", "department_id", "本来就在市场营销部"),
        ("SHB", TODAY, TODAY, "  ", "reason", "请写明为什么需要查看"),
        (None, TODAY, TODAY, "r", "department_id", "请选择要查看的部门"),
    ],
)
def test_a_request_is_checked_field_by_field(
    session, people, department, start, end, reason, field, words
) -> None:  # noqa: ANN001
    dept = department_id(session, department) if department else None
    with pytest.raises(ValidationError) as invalid:
        grants.request_grant(session, people.sales, dept, start, end, reason)
    assert words in invalid.value.by_field[field]
    assert session.scalars(select(approvals.Approval)).all() == []


def test_a_year_is_the_longest_period(session, people) -> None:  # noqa: ANN001
    start = TODAY + timedelta(days=1)
    end = grants._one_year_after(start) - timedelta(days=1)
    approval = grants.request_grant(
        session, people.sales, department_id(session, "SHB"), start, end, "全年协作"
    )
    assert approval.state == "待审批"


def test_a_second_request_while_one_waits_and_pointless_requests_are_refused(
    session, people
) -> None:  # noqa: ANN001
    shb = department_id(session, "SHB")
    grants.request_grant(session, people.sales, shb, TODAY, TODAY, "一")
    with pytest.raises(Conflict, match="还在等待审批"):
        grants.request_grant(session, people.sales, shb, TODAY, TODAY, "二")
    with pytest.raises(ValidationError, match="已能查看所有部门"):
        grants.grant_access(session, people.manager, people.inspector.id, shb, TODAY, TODAY, "x")
    with pytest.raises(ValidationError, match="请选择授权给谁"):
        grants.grant_access(session, people.manager, None, shb, TODAY, TODAY, "x")  # type: ignore[arg-type]
    assert len(session.scalars(select(approvals.Approval)).all()) == 1


def test_a_request_whose_period_has_passed_cannot_be_approved(session, people) -> None:  # noqa: ANN001
    approval = grants.request_grant(
        session, people.sales, department_id(session, "SHB"), TODAY, TODAY, "当天核对"
    )
    detail = approvals.detail_of(approval)
    detail["valid_until"] = (TODAY - timedelta(days=1)).isoformat()
    approval.detail = json.dumps(detail, ensure_ascii=False)  # the request waited too long
    session.commit()
    with pytest.raises(Conflict, match="期限已经过去"):
        approvals.decide(session, people.manager, approval.steps[0].id, True)
    session.expire_all()
    assert session.get(approvals.Approval, approval.id).state == "待审批"
    assert session.scalars(select(AccessGrant)).all() == []
    approvals.decide(session, people.manager, approval.steps[0].id, False, "已过期")
