"""The customer file service: validation, collisions, history, reassignment, attachments."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desktop_crm.models import AuditEntry, Customer
from desktop_crm.services import customers, staff
from desktop_crm.services.customers import CollisionFound, ContactInput
from desktop_crm.services.errors import Conflict, ValidationError

VALID_CODE = "91110000600037341L"


def count(session) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(Customer))


def test_create_generates_code_and_records_registration(session, admin) -> None:  # noqa: ANN001
    first = customers.save_customer(
        session, admin, {"name": "河北工程集团有限公司", "credit_code": VALID_CODE}
    )
    second = customers.save_customer(session, admin, {"name": "西安华盛建材有限公司"})
    assert (first.code, second.code) == ("KH000001", "KH000002")
    assert first.owner_id == admin.id and first.status == "潜在客户"
    rows = customers.history(session, admin, first.id)
    assert [(r.field, r.new_value) for r in rows] == [("登记", "KH000001 河北工程集团有限公司")]


def test_wrong_check_digit_is_refused_with_reason_and_nothing_written(session, admin) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as refused:
        customers.save_customer(
            session, admin, {"name": "甲公司", "credit_code": "91110000600037341X"}
        )
    assert "校验位" in refused.value.by_field["credit_code"]
    assert count(session) == 0


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"name": ""}, "name", "必须填写"),
        ({"name": "甲" * 201}, "name", "最多 200"),
        ({"name": "甲", "first_contact_date": "26/11/2026"}, "first_contact_date", "2026-11-26"),
        ({"name": "甲", "category": "不存在的类别"}, "category", "不在可选列表"),
        ({"name": "甲", "owner_id": "查无此人"}, "owner_id", "人员名单里没有"),
        ({"name": "甲", "business_scope": "很" * 5_000_000}, "business_scope", "最多 2000"),
    ],
)
def test_bad_values_are_refused_per_field(session, admin, values, field, words) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as refused:
        customers.save_customer(session, admin, values)
    assert words in refused.value.by_field[field]
    assert count(session) == 0


def test_dates_in_several_written_forms_are_read(session, admin) -> None:  # noqa: ANN001
    for text in ("2026-11-26", "2026/11/26", "2026年11月26日", "20261126"):
        customer = customers.save_customer(
            session,
            admin,
            {"name": f"客户{text}", "first_contact_date": text},
            accept_collisions=True,
        )
        assert customer.first_contact_date.isoformat() == "2026-11-26"


def test_name_collision_shows_owner_and_can_be_accepted(session, admin) -> None:  # noqa: ANN001
    existing = customers.save_customer(session, admin, {"name": "河北工程（集团）有限责任公司"})
    with pytest.raises(CollisionFound) as clash:
        customers.save_customer(session, admin, {"name": "河北工程(集团)有限公司"})
    found = clash.value.collisions[0]
    assert (found.code, found.owner_name, found.hard) == (existing.code, "系统管理员", False)
    assert "名称相同" in found.reason
    assert count(session) == 1
    second = customers.save_customer(
        session, admin, {"name": "河北工程(集团)有限公司"}, accept_collisions=True
    )
    assert any(r.field == "客户冲撞" for r in customers.history(session, admin, second.id))


def test_credit_code_collision_cannot_be_overridden(session, admin) -> None:  # noqa: ANN001
    customers.save_customer(session, admin, {"name": "甲公司", "credit_code": VALID_CODE})
    with pytest.raises(CollisionFound) as clash:
        customers.save_customer(
            session, admin, {"name": "乙公司", "credit_code": VALID_CODE}, accept_collisions=True
        )
    assert clash.value.hard
    assert count(session) == 1


def test_phone_collision_on_edit(session, admin) -> None:  # noqa: ANN001
    customers.save_customer(session, admin, {"name": "甲公司", "phone": "029-8765 4321"})
    other = customers.save_customer(session, admin, {"name": "乙公司", "phone": "029-11112222"})
    with pytest.raises(CollisionFound) as clash:
        customers.save_customer(session, admin, {"phone": "02987654321"}, customer_id=other.id)
    assert "电话相同" in clash.value.collisions[0].reason


def test_edit_records_each_changed_field_and_stale_save_is_refused(session, admin) -> None:  # noqa: ANN001
    customer = customers.save_customer(session, admin, {"name": "甲公司", "grade": "B"})
    version = customer.version
    customers.save_customer(
        session,
        admin,
        {"grade": "A", "is_key": True},
        customer_id=customer.id,
        expected_version=version,
    )
    changes = {
        (r.field, r.old_value, r.new_value) for r in customers.history(session, admin, customer.id)
    }
    assert ("客户等级", "B", "A") in changes
    assert ("指定为重点客户", "否", "是") in changes
    with pytest.raises(Conflict):
        customers.save_customer(
            session, admin, {"grade": "C"}, customer_id=customer.id, expected_version=version
        )
    session.refresh(customer)
    assert customer.grade == "A"


def test_contacts_one_primary_and_changes_in_history(session, admin) -> None:  # noqa: ANN001
    customer = customers.save_customer(
        session,
        admin,
        {"name": "甲公司"},
        contacts=[
            ContactInput(name="王建国", mobile="13812345678"),
            ContactInput(name="李娜", title="采购"),
        ],
    )
    assert [c.is_primary for c in customer.contacts] == [True, False]
    with pytest.raises(ValidationError):
        customers.save_customer(
            session,
            admin,
            {},
            customer_id=customer.id,
            contacts=[
                ContactInput(name="甲", is_primary=True),
                ContactInput(name="乙", is_primary=True),
            ],
        )
    kept = customers.get_customer(session, admin, customer.id).contacts[1]
    customers.save_customer(
        session,
        admin,
        {},
        customer_id=customer.id,
        contacts=[ContactInput(name=kept.name, title="采购经理", id=kept.id, is_primary=True)],
    )
    fields = [
        (r.field, r.old_value, r.new_value) for r in customers.history(session, admin, customer.id)
    ]
    assert ("联系人", "王建国 13812345678（主要联系人）", None) in fields
    assert any(f == "联系人" and new and "采购经理" in new for f, _, new in fields)


def test_reassign_moves_customers_and_writes_history(session, admin) -> None:  # noqa: ANN001
    a = staff.save_staff(
        session, admin, staff.StaffInput(name="张伟", department_id=None, roles=["客户开发专员"])
    )
    b = staff.save_staff(
        session, admin, staff.StaffInput(name="王芳", department_id=None, roles=["客户开发专员"])
    )
    ids = [
        customers.save_customer(session, admin, {"name": f"客户{i}", "owner_id": a.id}).id
        for i in range(3)
    ]
    assert customers.reassign_customers(session, admin, a.id, b.id, "离职") == 3
    owners = set(session.scalars(select(Customer.owner_id).where(Customer.id.in_(ids))))
    assert owners == {b.id}
    moved = session.scalars(select(AuditEntry).where(AuditEntry.field == "客户经理")).all()
    assert len(moved) == 3 and moved[0].old_value == "张伟" and moved[0].new_value == "王芳（离职）"


def test_attachment_kept_in_store_and_too_big_refused(session, admin, tmp_path) -> None:  # noqa: ANN001
    customer = customers.save_customer(session, admin, {"name": "甲公司"})
    scan = tmp_path / "营业执照.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    item = customers.add_attachment(session, admin, customer.id, scan, "营业执照")
    scan.unlink()  # the store keeps its own copy
    assert customers.attachment_data(session, admin, item.id)[1] == b"%PDF-1.4 scan"
    big = tmp_path / "big.bin"
    big.write_bytes(b"0" * (customers.MAX_ATTACHMENT_BYTES + 1))
    with pytest.raises(ValidationError, match="太大"):
        customers.add_attachment(session, admin, customer.id, big, "其他")
    assert len(customers.attachments(session, admin, customer.id)) == 1


def test_the_last_administrator_cannot_be_stopped_or_demoted(session, admin) -> None:  # noqa: ANN001
    from desktop_crm.services.errors import ValidationError as Refused

    with pytest.raises(Refused, match="至少要保留一位在职的系统管理员"):
        staff.save_staff(
            session,
            admin,
            staff.StaffInput(name=admin.name, department_id=None, roles=["总经理"]),
            admin.id,
        )
    with pytest.raises(Refused, match="至少要保留一位在职的系统管理员"):
        staff.save_staff(
            session,
            admin,
            staff.StaffInput(
                name=admin.name, department_id=None, roles=["系统管理员"], active=False
            ),
            admin.id,
        )
    second = staff.save_staff(
        session, admin, staff.StaffInput(name="李工", department_id=None, roles=["系统管理员"])
    )
    staff.save_staff(
        session,
        admin,
        staff.StaffInput(name=admin.name, department_id=None, roles=["总经理"]),
        admin.id,
    )
    assert second.active and "系统管理员" not in session.get(type(admin), admin.id).role_names
