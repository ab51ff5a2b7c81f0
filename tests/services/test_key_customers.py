"""重点客户: the hand mark plus last year's 20 largest purchasers."""

from __future__ import annotations

from datetime import date

from desktop_crm.services import customers
from desktop_crm.services.customer_list import customer_query
from desktop_crm.services.key_customers import is_key_customer, key_customer_ids


def test_top_twenty_of_last_year_plus_hand_marked(session, admin) -> None:  # noqa: ANN001
    last_year = date.today().year - 1
    ids = []
    for rank in range(22):
        customer = customers.save_customer(session, admin, {"name": f"客户{rank:02d}"})
        customers.set_purchase(session, admin, customer.id, last_year, 100, 1_000_000 - rank * 1000)
        ids.append(customer.id)
    older = customers.save_customer(session, admin, {"name": "前年大客户"})
    customers.set_purchase(session, admin, older.id, last_year - 1, 100, 9_999_999)
    marked = customers.save_customer(session, admin, {"name": "手工重点", "is_key": "是"})

    assert key_customer_ids(session) == sorted([*ids[:20], marked.id])
    assert is_key_customer(session, ids[19]) and not is_key_customer(session, ids[20])
    assert not is_key_customer(session, older.id)
    column = [c.key for c in customer_query(session, admin).columns].index("is_key") + 1
    flags = {row[0]: row[column] for row in customer_query(session, admin).page(session, 0, 100)}
    assert flags[ids[0]] and not flags[ids[21]] and flags[marked.id]
    assert customers.card_data(session, admin, ids[0])["is_key"] is True
