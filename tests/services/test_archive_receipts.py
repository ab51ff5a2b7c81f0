"""档案签收簿: a hand-over ticked item by item, incomplete ones listed, and the monthly
rule (departments hand over by the 10th of the next month)."""

from __future__ import annotations

from datetime import date

import pytest

from desktop_crm.services import archive_receipts
from desktop_crm.services.errors import PermissionDenied, ValidationError

from .archive_office import file, make_office


@pytest.fixture
def office(session, admin):  # noqa: ANN001, ANN201
    return make_office(session, admin)


def test_hand_over_ticked_with_a_missing_item_is_incomplete(session, office) -> None:  # noqa: ANN001
    volume = file(session, office.keeper, office, title="2026年10月客户走访记录")
    receipt = archive_receipts.create_receipt(
        session,
        office.clerk,
        {"received_on": date(2026, 11, 5), "month": "2026-10"},
        [
            {"volume_id": volume.id},
            {"title": "销售例会纪要", "doc_number": "YX〔2026〕41号", "pages": 3},
            {"title": "客户来函", "pages": 2},
        ],
    )
    assert receipt.number == "QS2026-0001"
    assert (receipt.state, receipt.handed_by) == ("待清点", "钱程")
    items = receipt.items
    assert [i.doc_number for i in items] == [volume.number, "YX〔2026〕41号", None]
    # the department's archivist does not tick; the archive room does
    with pytest.raises(PermissionDenied, match="档案管理员"):
        archive_receipts.tick_items(session, office.clerk, receipt.id, {items[0].id: True})
    archive_receipts.tick_items(
        session, office.keeper, receipt.id, {items[0].id: True, items[1].id: True}
    )
    assert receipt.state == "待清点"
    archive_receipts.tick_items(
        session, office.keeper, receipt.id, {items[2].id: False}, {items[2].id: "未见原件"}
    )
    row = archive_receipts.receipts(session, office.keeper)[0]
    assert (row.state, row.received_by, row.on_time) == ("不完整", "孙丽", True)
    assert row.missing_text == "客户来函"
    assert row.missing[0].note == "未见原件"
    archive_receipts.tick_items(session, office.keeper, receipt.id, {items[2].id: True})
    assert archive_receipts.receipts(session, office.keeper)[0].state == "完整"


def test_hand_over_refusals(session, office) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as refused:
        archive_receipts.create_receipt(
            session, office.clerk, {"month": "2026-13"}, [{"title": "", "pages": "x"}]
        )
    assert set(refused.value.by_field) == {"month", "items.1.title", "items.1.pages"}
    with pytest.raises(ValidationError, match="本月没有文件时请在备注中说明"):
        archive_receipts.create_receipt(session, office.clerk, {}, [])
    with pytest.raises(PermissionDenied, match="不能替「质检部」移交"):
        archive_receipts.create_receipt(
            session, office.clerk, {"department_id": office.zjb, "note": "无"}, []
        )
    assert archive_receipts.receipts(session, office.keeper) == []


def test_departments_late_after_the_tenth(session, office) -> None:  # noqa: ANN001
    archive_receipts.create_receipt(
        session,
        office.clerk,
        {"received_on": date(2026, 11, 9), "month": "2026-10"},
        [{"title": "十月客户回访记录", "pages": 4}],
    )
    archive_receipts.create_receipt(
        session,
        office.keeper,
        {"received_on": date(2026, 11, 12), "month": "2026-10", "department_id": office.zjb,
         "handed_by": "王刚", "note": "本月无归档文件"},
    )  # fmt: skip
    # up to the 10th nobody is late
    assert archive_receipts.late_departments(session, office.keeper, date(2026, 11, 10)) == []
    late = archive_receipts.late_departments(session, office.keeper, date(2026, 11, 11))
    names = [d.department for d in late]
    assert "市场营销部" not in names and "质检部" not in names
    assert "财务部" in names and late[0].month == "2026-10"
    assert late[0].deadline == date(2026, 11, 10)
    # only the archive room's 今日待办 has this line
    assert archive_receipts.late_departments(session, office.clerk, date(2026, 11, 11)) == []
    # December's documents are due by 10 January
    assert archive_receipts.late_departments(session, office.keeper, date(2027, 1, 11))[
        0
    ].month == ("2026-12")
    rates = {
        r.department: r
        for r in archive_receipts.department_rates(session, office.keeper, 2026, date(2026, 11, 20))
    }
    assert rates["市场营销部"].months_due == 10 and rates["市场营销部"].months_on_time == 1
    assert rates["质检部"].months_handed == 1 and rates["质检部"].months_on_time == 0
    assert rates["质检部"].completeness_rate == 1.0  # no items: complete
    assert rates["财务部"].on_time_rate == 0.0


def test_receipt_book_of_a_year_and_department_scope(session, office) -> None:  # noqa: ANN001
    archive_receipts.create_receipt(
        session, office.clerk, {"received_on": date(2026, 2, 3)}, [{"title": "一月总结"}]
    )
    archive_receipts.create_receipt(
        session,
        office.keeper,
        {"received_on": date(2026, 2, 4), "department_id": office.zjb, "handed_by": "王刚"},
        [{"title": "一月检验报告"}],
    )
    book = archive_receipts.receipt_book(session, office.keeper, 2026)
    assert [(r.month, r.department, r.contents) for r in book] == [
        ("2026-01", "市场营销部", "一月总结"),
        ("2026-01", "质检部", "一月检验报告"),
    ]
    assert [r.department for r in archive_receipts.receipts(session, office.clerk)] == [
        "市场营销部"
    ]
