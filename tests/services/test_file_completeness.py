"""合作客户 files must be complete: what is missing, and the list of incomplete files."""

from __future__ import annotations

from desktop_crm.services import customers, staff
from desktop_crm.services.customer_list import INCOMPLETE_FILTER, customer_query
from desktop_crm.services.customers import ContactInput
from desktop_crm.services.file_completeness import missing_for_partner

COMPLETE = {
    "status": "合作客户",
    "credit_code": "91110000600037341L",
    "address": "西安市长安路1号",
    "phone": "029-88886666",
    "customer_head": "张总",
    "category": "商混站",
    "settlement": "月结客户",
    "grade": "A",
    "payment_method": "银行转账",
}


def test_missing_fields_named_only_for_partners() -> None:
    assert missing_for_partner(COMPLETE, contact_count=1) == []
    lacking = {**COMPLETE, "credit_code": None, "address": ""}
    assert missing_for_partner(lacking, 0) == ["统一社会信用代码或组织机构代码", "地址", "联系人"]
    assert missing_for_partner({**lacking, "status": "潜在客户"}, 0) == []


def test_list_of_incomplete_partner_files_per_owner(session, admin) -> None:  # noqa: ANN001
    seller = staff.save_staff(
        session, admin, staff.StaffInput(name="张伟", department_id=None, roles=["客户开发专员"])
    )
    customers.save_customer(
        session,
        admin,
        {**COMPLETE, "name": "完整公司", "owner_id": seller.id},
        contacts=[ContactInput(name="王建国")],
    )
    customers.save_customer(
        session,
        admin,
        {
            **COMPLETE,
            "name": "缺联系人公司",
            "phone": "029-1",
            "credit_code": None,
            "owner_id": seller.id,
        },
    )
    customers.save_customer(session, admin, {"name": "缺地址公司", "status": "合作客户"})
    customers.save_customer(session, admin, {"name": "潜在公司", "status": "潜在客户"})

    def names(filters) -> list[str]:  # noqa: ANN001
        return sorted(
            row[2] for row in customer_query(session, admin, "", filters).page(session, 0, 50)
        )

    assert names({INCOMPLETE_FILTER: True}) == ["缺地址公司", "缺联系人公司"]
    assert names({INCOMPLETE_FILTER: True, "owner_id": seller.id}) == ["缺联系人公司"]
