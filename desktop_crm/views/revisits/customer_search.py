"""Finding the customer a revisit or a plan is for, by name, pinyin or phone."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services.customer_list import customer_query
from desktop_crm.views.context import AppContext
from desktop_crm.views.service_call import FAILED, run_service

FOUND_AT_MOST = 30


def find_customers(
    parent: QWidget, context: AppContext, search: QLineEdit, choice: QComboBox
) -> int | None:
    """Fill `choice` with the first customers `search`'s text finds (编号 名称, id as data);
    the number found, or None when there was nothing to look for or the search failed."""
    text = search.text().strip()
    choice.clear()
    if not text:
        return None

    def find(session: Session, actor: User) -> list[tuple[int, str, str]]:
        query = customer_query(session, actor, text)
        return [(row[0], row[1], row[2]) for row in query.page(session, 0, FOUND_AT_MOST)]

    found = run_service(parent, context, find)
    if found is FAILED:
        return None
    for customer_id, code, name in found:
        choice.addItem(f"{code} {name}", customer_id)
    return len(found)
