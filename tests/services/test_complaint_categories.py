"""Service complaints by the category's tag in the office's list, not by its name: a renamed
service category stays one, the office can make any category a service category (and back),
open complaints follow, a new store starts with the four of DOMAIN §2 tagged."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm.models import AuditEntry, LookupValue, User
from desktop_crm.services import complaints, lookups
from desktop_crm.services.customer_fields import SERVICE_TAG
from desktop_crm.services.errors import PermissionDenied, ValidationError
from tests.services.test_complaint_handling_reports import (
    HEADS,
    Staff,
    make_staff,
    registered,
)


@pytest.fixture
def staff(session: Session, admin: User) -> Staff:
    return make_staff(session, admin)


def category(session: Session, name: str, list_key: str = "complaint_category") -> LookupValue:
    return next(v for v in lookups.values(session, list_key, active_only=False) if v.value == name)


def test_a_new_store_has_the_four_service_categories_tagged(session) -> None:  # noqa: ANN001
    tagged = {
        v.value
        for v in lookups.values(session, "complaint_category", active_only=False)
        if v.tag == SERVICE_TAG
    }
    assert tagged == {"服务态度", "专业素质", "服务效率", "其他服务"}
    assert complaints.service_categories(session) == tagged
    # the constant the demo data and the benchmark read is the same four
    assert set(complaints.SERVICE_CATEGORIES) == tagged


def test_a_renamed_service_category_stays_a_service_complaint(session, staff, admin) -> None:  # noqa: ANN001
    old = registered(session, staff, category="服务态度")
    lookups.rename_value(session, admin, category(session, "服务态度").id, "服务态度差")
    complaint = registered(session, staff, category="服务态度差")
    assert complaint.is_service is True
    # 已登记: the report to the heads; then the service deadlines run
    complaints.report(session, staff.clerk, complaint.id, HEADS)
    assert complaint.due_what == "开始调查"
    session.refresh(old)
    assert (old.category, old.is_service) == ("服务态度差", True)


def test_the_office_makes_a_category_a_service_category_and_open_complaints_follow(
    session, staff, admin
) -> None:  # noqa: ANN001
    reported = registered(session, staff, category="产品质量")
    complaints.report(session, staff.clerk, reported.id, HEADS)
    assert (reported.is_service, reported.due_what) == (False, None)

    value = category(session, "产品质量")
    assert complaints.set_service_category(session, admin, value.id, True) == 1
    session.refresh(reported)
    assert (reported.is_service, reported.due_what) == (True, "开始调查")
    assert registered(session, staff, category="产品质量").is_service is True
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.field == "服务类投诉").order_by(AuditEntry.seq)
    ).all()[-1]
    assert (entry.object_label, entry.old_value, entry.new_value) == (
        "投诉类别：产品质量",
        "否",
        "是",
    )
    assert entry.detail == "1 条未结案投诉随之改变期限"

    # asked again: nothing to do, nothing written
    assert complaints.set_service_category(session, admin, value.id, True) == 0
    assert complaints.set_service_category(session, admin, value.id, False) == 2
    assert registered(session, staff, category="产品质量").is_service is False
    session.refresh(reported)
    assert (reported.is_service, reported.due_what) == (False, None)


def test_a_closed_complaint_keeps_how_it_was_handled(session, staff, admin) -> None:  # noqa: ANN001
    complaint = registered(session, staff, category="袋重异议")
    complaints.report(session, staff.clerk, complaint.id, HEADS)
    complaints.find_cause(
        session, staff.clerk, complaint.id, complaints.CAUSE_UNFOUNDED, explanation="称重无误"
    )
    complaints.revisited(session, staff.clerk, complaint, "满意", "")
    complaints.close(session, staff.clerk, complaint.id)
    assert (
        complaints.set_service_category(session, admin, category(session, "袋重异议").id, True) == 0
    )
    session.refresh(complaint)
    assert complaint.is_service is False


def test_only_a_complaint_category_and_only_with_the_settings_right(session, staff, admin) -> None:  # noqa: ANN001
    grade = category(session, "A", "grade")
    with pytest.raises(ValidationError, match="只有投诉类别可以设为服务类投诉"):
        complaints.set_service_category(session, admin, grade.id, True)
    with pytest.raises(PermissionDenied, match="设置·修改"):
        complaints.set_service_category(
            session, staff.clerk, category(session, "产品质量").id, True
        )
    assert category(session, "产品质量").tag is None and grade.tag is None
