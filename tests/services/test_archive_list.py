"""The ledger list: filters, the due-for-appraisal rule at the year boundary, search by
档号 / 题名 / 文号 / customer (pinyin too), and what people without clearance see."""

from __future__ import annotations

from datetime import date

import pytest

from desktop_crm.services import archive_items, archive_list, archive_locations, archives, customers
from desktop_crm.services.archive_list import archive_query, due_query
from tests.services.archive_office import file, make_office


@pytest.fixture
def office(session, admin):  # noqa: ANN001, ANN201
    return make_office(session, admin)


def titles(session, query) -> list[str]:  # noqa: ANN001
    column = [c.key for c in query.columns].index("title") + 1
    return [row[column] for row in query.page(session, 0, 100)]


@pytest.fixture
def ledger(session, office):  # noqa: ANN001, ANN201
    keeper = office.keeper
    room = archive_locations.add_location(session, keeper, None, "库房", "一号库房")
    shelf = archive_locations.add_location(session, keeper, room.id, "架", "1架")
    other = archive_locations.add_location(session, keeper, None, "库房", "二号库房")
    customer = customers.save_customer(
        session, office.admin, {"name": "渭南华源商砼有限公司", "owner_id": office.head.id}
    )
    file(session, keeper, office, title="2015年营销工作总结", year=2015, period_code="D10",
         location_id=shelf.id, filed_on="2016-03-01")  # fmt: skip
    file(session, keeper, office, title="2016年营销工作总结", year=2016, period_code="D10",
         location_id=room.id, filed_on="2017-03-01")  # fmt: skip
    file(session, keeper, office, title="2015年质检记录", year=2015, period_code="D30",
         department_id=office.zjb, location_id=other.id, filed_on="2016-03-01")  # fmt: skip
    file(session, keeper, office, title="销售合同汇编", category_code="HT", year=2020, period_code=None,
         items=[{"title": "购销合同", "doc_number": "HT-2020-015"}])  # fmt: skip
    file(session, keeper, office, title="华源商砼客户档案", category_code="KH", year=2024,
         customer_id=customer.id)  # fmt: skip
    file(session, keeper, office, title="机密技术资料", category_code="JS", secrecy="机密")
    file(session, keeper, office, title="人事任免文件", category_code="RS", secrecy="秘密",
         items=[{"title": "任免通知", "doc_number": "综发〔2026〕8号"}])  # fmt: skip
    return {"room": room, "shelf": shelf, "other": other, "customer": customer}


def test_the_list_in_number_order_with_its_columns(session, office, ledger) -> None:  # noqa: ANN001
    query = archive_query(session, office.keeper)
    assert query.count(session) == 7
    rows = query.page(session, 0, 100)
    keys = [c.key for c in query.columns]
    numbers = [row[keys.index("number") + 1] for row in rows]
    assert numbers == sorted(numbers)
    first = dict(zip(keys, rows[0][1:], strict=True))
    assert first["number"] == "Z001-HT·2020-D30-YXB-0001"
    assert (first["category"], first["period"], first["department"]) == (
        "合同协议",
        "定期30年",
        "市场营销部",
    )
    by_title = {row[keys.index("title") + 1]: dict(zip(keys, row[1:], strict=True)) for row in rows}
    assert by_title["2015年营销工作总结"]["location"] == "一号库房 › 1架"
    assert by_title["华源商砼客户档案"]["customer"] == "渭南华源商砼有限公司"


def test_filters(session, office, ledger) -> None:  # noqa: ANN001
    keeper = office.keeper

    def found(**filters: object) -> list[str]:
        return sorted(titles(session, archive_query(session, keeper, filters=filters)))

    assert found(category_code="HT") == ["销售合同汇编"]
    assert found(year=2015) == ["2015年营销工作总结", "2015年质检记录"]
    assert found(period_code="D30", year=2015) == ["2015年质检记录"]
    assert found(secrecy=["机密", "秘密"]) == ["人事任免文件", "机密技术资料"]
    assert found(department_id=office.zjb) == ["2015年质检记录"]
    assert found(state="在库", year=2016) == ["2016年营销工作总结"]
    assert found(location_id=ledger["room"].id) == ["2015年营销工作总结", "2016年营销工作总结"]
    assert found(location_id=ledger["shelf"].id) == ["2015年营销工作总结"]
    assert found(year_range=(2016, 2020)) == ["2016年营销工作总结", "销售合同汇编"]


def test_due_for_appraisal_counts_from_the_first_of_january_after_the_year(
    session, office, ledger
) -> None:  # noqa: ANN001
    keeper = office.keeper
    assert titles(session, due_query(session, keeper, date(2025, 12, 31))) == []
    # a 2015 file kept 10 years is due from 2026-01-01
    assert titles(session, due_query(session, keeper, date(2026, 1, 1))) == ["2015年营销工作总结"]
    assert titles(session, due_query(session, keeper, date(2027, 1, 1))) == [
        "2015年营销工作总结", "2016年营销工作总结"
    ]  # fmt: skip
    assert "2015年质检记录" in titles(session, due_query(session, keeper, date(2046, 1, 1)))
    assert "2015年质检记录" not in titles(session, due_query(session, keeper, date(2045, 12, 31)))


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("Z001-WS·2015-D10", ["2015年营销工作总结"]),
        ("Z001-HT", ["销售合同汇编"]),
        ("ZJB", ["2015年质检记录"]),  # any part of the 档号
        ("工作总结", ["2015年营销工作总结", "2016年营销工作总结"]),
        ("2015 总结", ["2015年营销工作总结"]),  # every word, each where it stands
        ("2015年营销", ["2015年营销工作总结"]),
        ("2016 质检", []),
        ("HT-2020", ["销售合同汇编"]),  # 文号 of a document
        ("综发〔2026〕", ["人事任免文件"]),
        ("华源", ["华源商砼客户档案"]),  # 题名 and the linked customer
        ("渭南", ["华源商砼客户档案"]),  # the customer's name only
        ("wnhy", ["华源商砼客户档案"]),  # the customer's pinyin initials
        ("购销", ["销售合同汇编"]),  # 题名 of a document inside the volume
        ("任免通知", ["人事任免文件"]),
        ("合同", ["销售合同汇编"]),  # two characters, through the index
        ("2020-015", ["销售合同汇编"]),  # any part of a 文号
        ("营销 总结", ["2015年营销工作总结", "2016年营销工作总结"]),
    ],
)
def test_search(session, office, ledger, search, expected) -> None:  # noqa: ANN001
    query = archive_query(session, office.keeper, search)
    assert sorted(titles(session, query)) == sorted(expected)
    assert query.count(session) == len(expected)


def test_people_without_clearance_never_see_confidential_files(session, office, ledger) -> None:  # noqa: ANN001
    gm = archive_query(session, office.gm)
    assert gm.count(session) == 7
    head = archive_query(session, office.head)  # 部门负责人: own department, not cleared
    assert "机密技术资料" not in titles(session, head)
    assert "人事任免文件" in titles(session, head)  # 秘密 follows the scope alone
    assert "2015年质检记录" not in titles(session, head)  # another department's
    assert head.count(session) == 5
    assert archive_query(session, office.head, "机密").count(session) == 0


def test_sorting_by_other_columns(session, office, ledger) -> None:  # noqa: ANN001
    query = archive_query(session, office.keeper, sort_key="filed_on", descending=True)
    assert titles(session, query)[-1] in ("2015年营销工作总结", "2015年质检记录")
    by_location = archive_query(session, office.keeper, sort_key="location")
    assert len(by_location.page(session, 0, 100)) == 7
    assert archive_list.ARCHIVE_LIST.column("number").title == "档号"


def test_search_follows_every_change_of_titles_and_documents(session, office, ledger) -> None:  # noqa: ANN001
    keeper = office.keeper

    def found(text: str) -> list[str]:
        return titles(session, archive_query(session, keeper, text))

    volume_id = archive_query(session, keeper, "销售合同汇编").page(session, 0, 1)[0][0]
    item = archive_items.add_item(
        session, keeper, volume_id, {"title": "设备采购补充协议", "doc_number": "BC-77"}
    )
    assert found("补充协议") == ["销售合同汇编"]
    assert found("bc-77") == ["销售合同汇编"]
    archive_items.update_item(session, keeper, item.id, {"title": "运输协议"})
    assert found("补充协议") == []
    assert found("运输") == ["销售合同汇编"]
    archive_items.delete_item(session, keeper, item.id)
    assert found("运输") == []
    volume = archives.get_volume(session, keeper, volume_id)
    archives.update_volume(
        session, keeper, volume_id, {"title": "购销合同汇编（改）"}, volume.version
    )
    assert found("汇编（改）") == ["购销合同汇编（改）"]
    assert found("销售合同") == []


def test_a_department_clerk_keeps_seeing_what_they_filed_after_moving(
    session, office, ledger
) -> None:  # noqa: ANN001
    clerk = office.clerk  # 部门档案员 of 市场营销部: 本部门 scope
    own = file(session, clerk, office, title="营销部自存文件")
    before = titles(session, archive_query(session, clerk))
    assert "营销部自存文件" in before and "2015年质检记录" not in before
    clerk.department_id = office.zjb  # moved to 质检部
    session.commit()
    after = titles(session, archive_query(session, clerk))
    assert "营销部自存文件" in after  # what they filed stays in reach
    assert "2015年质检记录" in after  # and the new department's files come into it
    assert "2016年营销工作总结" not in after
    assert own.department_id == office.yxb
