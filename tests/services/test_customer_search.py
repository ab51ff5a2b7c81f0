"""Finding customers as the office types: Chinese fragments, pinyin, phones, codes."""

from __future__ import annotations

import pytest

from desktop_crm.services import customers
from desktop_crm.services.customer_list import customer_query, find_customers
from desktop_crm.services.customers import ContactInput


@pytest.fixture
def filled(session, admin):  # noqa: ANN001
    customers.save_customer(
        session,
        admin,
        {
            "name": "河北工程集团有限公司",
            "short_name": "河北工程",
            "phone": "0311-87654321",
            "credit_code": "91110000600037341L",
            "category": "重点工程",
        },
        contacts=[ContactInput(name="王建国", mobile="138 1234 5678")],
    )
    customers.save_customer(session, admin, {"name": "单县建材经销部", "category": "中间商"})
    customers.save_customer(
        session, admin, {"name": "西安华盛商混站", "category": "商混站", "grade": "A"}
    )
    return session


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("河北工程", ["河北工程集团有限公司"]),
        ("工程", ["河北工程集团有限公司"]),
        ("河", ["河北工程集团有限公司"]),
        ("hbgc", ["河北工程集团有限公司"]),
        ("HBGC", ["河北工程集团有限公司"]),
        ("hebeigongcheng", ["河北工程集团有限公司"]),
        ("gongcheng", ["河北工程集团有限公司"]),
        ("hb", ["河北工程集团有限公司"]),
        ("sxjc", ["单县建材经销部"]),  # 单 read as shan, as in 单县
        ("dxjc", ["单县建材经销部"]),
        ("87654321", ["河北工程集团有限公司"]),
        ("5678", ["河北工程集团有限公司"]),  # the last digits of the contact's mobile
        ("王建国", ["河北工程集团有限公司"]),
        ("600037341", ["河北工程集团有限公司"]),
        ("KH000003", ["西安华盛商混站"]),
        ("西安 商混", ["西安华盛商混站"]),
        ("不存在", []),
        ("zzzz", []),
    ],
)
def test_search_finds_by_every_key(filled, admin, text, expected) -> None:  # noqa: ANN001
    assert [name for _, name in find_customers(filled, admin, text)] == expected


def test_filters_and_search_combine_and_count(filled, admin) -> None:  # noqa: ANN001
    query = customer_query(filled, admin, "", {"category": "商混站"})
    assert query.count(filled) == 1
    assert customer_query(filled, admin, "河北", {"category": "商混站"}).count(filled) == 0


def test_sort_by_name_follows_pinyin(filled, admin) -> None:  # noqa: ANN001
    names = [row[2] for row in customer_query(filled, admin, sort_key="name").page(filled, 0, 10)]
    assert names == ["单县建材经销部", "河北工程集团有限公司", "西安华盛商混站"]  # dan < he < xi
    descending = [
        row[2]
        for row in customer_query(filled, admin, sort_key="name", descending=True).page(
            filled, 0, 10
        )
    ]
    assert descending == list(reversed(names))


def test_edit_updates_the_search_index(filled, admin) -> None:  # noqa: ANN001
    code, _ = find_customers(filled, admin, "西安华盛")[0]
    customer = customers.get_by_code(filled, admin, code)
    customers.save_customer(filled, admin, {"name": "咸阳华盛商混站"}, customer_id=customer.id)
    assert find_customers(filled, admin, "西安华盛") == []
    assert find_customers(filled, admin, "xianyang") == [(code, "咸阳华盛商混站")]
