"""投诉登记簿: the complaint list's columns, filters and search (number, customer name and
pinyin, text of the complaint), scoped in SQL to the complaints the user may see."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from desktop_crm.models import Complaint, Customer, Department, User

from . import access
from .complaints import OPEN_STATES
from .customer_list import search_plan
from .listing import IdsFirstQuery, ListColumn, ListQuery, ListSpec
from .text_keys import normalise_text, split_query

Receiver = aliased(User, name="receiver")
ResponsibleDepartment = aliased(Department, name="responsible_department")

COLUMNS = (
    ListColumn("number", "投诉编号", Complaint.number, width=15),
    ListColumn("received_at", "受理时间", Complaint.received_at, kind="datetime", width=17),
    ListColumn("customer", "客户", Customer.name, width=28, sort_expr=Customer.pinyin_sort),
    ListColumn("category", "投诉类别", Complaint.category, width=12, ties_in_default_order=True),
    ListColumn("state", "状态", Complaint.state, width=8, align="center"),
    ListColumn("round", "轮次", Complaint.round, kind="int", width=5, align="center"),
    ListColumn("due_on", "下一期限", Complaint.due_on, kind="date", width=28),
    ListColumn("due_what", "期限事项", Complaint.due_what, width=14),
    ListColumn(
        "department",
        "责任部门",
        ResponsibleDepartment.name,
        width=10,
        sort_expr=Complaint.responsible_department_id,
        ties_in_default_order=True,
    ),
    ListColumn("received_by", "受理人", Receiver.name, width=8, sort_expr=Complaint.received_by_id),
    ListColumn("accident", "重大事故", Complaint.accident, width=12, align="center"),
)


# `+ 0`: the customer is joined for its name only, never read first. (Without it SQLite may
# walk the customers in name order and look their complaints up, a million lookups.)
_CUSTOMER_JOIN = Customer.id == Complaint.customer_id + 0


def _from(query: Select[Any]) -> Select[Any]:
    return (
        query.select_from(Complaint)
        .join(Customer, _CUSTOMER_JOIN)
        .outerjoin(
            ResponsibleDepartment,
            ResponsibleDepartment.id == Complaint.responsible_department_id,
        )
        .outerjoin(Receiver, Receiver.id == Complaint.received_by_id)
    )


COMPLAINT_LIST = ListSpec(
    name="complaints",
    id_expr=Complaint.id,
    columns=COLUMNS,
    from_clause=_from,
    default_sort="received_at",
    # Conditions name complaint columns only (the customer's are asked through `IN` or
    # `EXISTS`): counting needs none of the joins, 3 ms instead of 220 ms for 200,000
    # complaints beside 1,000,000 customers.
    count_from=lambda query: query.select_from(Complaint),
)


@dataclass(frozen=True)
class ComplaintListQuery(IdsFirstQuery):
    """The complaint list, its page found as complaint ids first; the customer is joined
    only to sort by its name."""

    def ids_select(self, sort_key: str) -> Select[Any]:
        query = super().ids_select(sort_key)
        if sort_key == "customer":
            query = query.join(Customer, Customer.id == Complaint.customer_id)
        return query


# Filter keys: state, category, customer_id, responsible_department_id (exact values; a
# list or tuple means any of them), overdue and accident (yes/no), period (from, to).
EXACT_FILTERS = {
    "state": Complaint.state,
    "category": Complaint.category,
    "customer_id": Complaint.customer_id,
    "responsible_department_id": Complaint.responsible_department_id,
}
OVERDUE, ACCIDENT, PERIOD = "overdue", "accident", "period"
FILTER_KEYS = (*EXACT_FILTERS, OVERDUE, ACCIDENT, PERIOD)

_NUMBER = re.compile(r"^(TS\d{1,4}(-\d{0,4})?|\d{4}-\d{0,4})$")
_DIGITS = re.compile(r"^\d+$")


def overdue_condition(today: date) -> ColumnElement[bool]:
    """Open complaints whose next deadline has passed (through ix_complaint_state_due)."""
    return and_(Complaint.state.in_(OPEN_STATES), Complaint.due_on < today)


def _filter_conditions(filters: Mapping[str, object], today: date) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    for key, value in filters.items():
        if key in EXACT_FILTERS:
            if isinstance(value, list | tuple | set | frozenset):
                if value:
                    conditions.append(EXACT_FILTERS[key].in_(sorted(value)))
            elif value not in (None, ""):
                conditions.append(EXACT_FILTERS[key] == value)
        elif key == OVERDUE:
            if value:
                conditions.append(overdue_condition(today))
        elif key == ACCIDENT:
            if value:
                conditions.append(Complaint.accident.is_not(None))
        elif key == PERIOD:
            conditions.extend(_period(value))
        else:
            raise KeyError(f"unknown complaint filter {key!r}")
    return conditions


def _period(value: object) -> list[ColumnElement[bool]]:
    """Received from the first day to the last day (each end optional), whole days."""
    if not value:
        return []
    assert isinstance(value, tuple | list) and len(value) == 2
    start, end = value
    conditions = []
    if start is not None:
        conditions.append(Complaint.received_at >= _day_start(start))
    if end is not None:
        conditions.append(Complaint.received_at < _day_start(end) + timedelta(days=1))
    return conditions


def _day_start(day: date) -> datetime:
    return datetime.combine(day.date() if isinstance(day, datetime) else day, time())


def search_condition(session: Session, search: str) -> ColumnElement[bool] | None:
    """Number (TS2026-00…, 2026-0012, or digits within it), the customer (name, 简称,
    pinyin, phone: the customer search), or the text of 投诉内容 (2+ Hanzi per run)."""
    text = normalise_text(search).upper().replace(" ", "")
    if not text:
        return None
    if _NUMBER.match(text):
        prefix = text if text.startswith("TS") else "TS" + text
        return and_(Complaint.number >= prefix, Complaint.number < prefix + "\uffff")
    chinese, latin = split_query(search)
    found: list[ColumnElement[bool]] = []
    customer = _customer_condition(session, search)
    if customer is not None:
        found.append(customer)
    if _DIGITS.match(text):
        found.append(Complaint.number.contains(text, autoescape=True))
    if chinese and not latin and all(len(run) >= 2 for run in chinese):
        found.append(_content_condition(chinese))
    if not found:
        return None
    return found[0] if len(found) == 1 else or_(*found)


def _content_condition(runs: list[str]) -> ColumnElement[bool]:
    """Complaints whose 投诉内容 holds every run. LIKE reads every complaint's text once (a
    plain scan: 90–220 ms for 200,000), so only for words, never for one character; as a
    set of ids, so the rest of the query (an OR of indexed terms) still uses its indexes."""
    texts = Complaint.__table__.alias("complaint_text")
    matching = select(texts.c.id).where(*(texts.c.content.contains(run) for run in runs))
    return Complaint.id.in_(matching)


def _of_customers(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """Complaints whose customer meets `conditions` when many customers do: their ids are
    collected once and each complaint is checked against them as the list is read in its
    order. (`+ 0` keeps SQLite from reading the list customer by customer instead, one
    index lookup for each of 100,000 customers.)"""
    return (Complaint.customer_id + 0).in_(select(Customer.id).where(*conditions))


def _customer_condition(session: Session, search: str) -> ColumnElement[bool] | None:
    """Complaints of the customers the customer search finds. What the full-text indexes
    find (Hanzi, 3+ letters or digits) is a set of customer ids, looked up through
    ix_complaint_customer; 1–2 pinyin letters (prefixes that many customers share) are
    checked on each complaint's customer."""
    plan = search_plan(session, search)
    parts: list[ColumnElement[bool]] = []
    if plan.id_filter is not None:
        parts.append(Complaint.customer_id.in_(plan.id_filter))
    if plan.conditions:
        parts.append(_of_customers(*plan.conditions))
    if not parts:
        return None
    return and_(*parts)


# How the scope is asked, by the number of customers in reach (measured at 200,000
# complaints beside 1,000,000 customers, first page / count):
# - up to DRIVE_BY_CUSTOMERS, their ids lead: their complaints are looked up directly;
# - up to COLLECT_CUSTOMERS, their ids are collected once and each complaint is checked
#   as the list is read (111,000 customers: 20–90 ms / 140 ms);
# - beyond, each complaint's customer is looked up as the list is read (444,000
#   customers: 10 ms / 380 ms, where collecting their ids alone takes 500 ms).
DRIVE_BY_CUSTOMERS = 5_000
COLLECT_CUSTOMERS = 150_000


def scope_condition(session: Session, actor: User) -> ColumnElement[bool] | None:
    """The complaints `actor` may see: those of customers within reach (their 客户经理);
    None when all. Refuses without the right."""
    reach = access.scope_condition(
        session, actor, "complaints", "view", Customer.owner_id, for_count=True
    )
    if reach is None:
        return None
    in_reach = session.scalar(select(func.count(Customer.id)).where(reach)) or 0
    if in_reach <= DRIVE_BY_CUSTOMERS:
        return Complaint.customer_id.in_(select(Customer.id).where(reach))
    if in_reach <= COLLECT_CUSTOMERS:
        return _of_customers(reach)
    customer = select(Customer.id).where(Customer.id == Complaint.customer_id, reach)
    return customer.correlate(Complaint).exists()


def complaint_query(
    session: Session,
    actor: User,
    search: str = "",
    filters: Mapping[str, object] | None = None,
    sort_key: str | None = None,
    descending: bool = False,
    today: date | None = None,
) -> ListQuery:
    """The complaint list as `actor` sees it: only complaints of customers within their
    reach, so the count, the search and the export hold nothing more. Without a sort key:
    newest first. `today` decides what is overdue (default: today)."""
    conditions = _filter_conditions(filters or {}, today or date.today())
    for condition in (search_condition(session, search), scope_condition(session, actor)):
        if condition is not None:
            conditions.append(condition)
    if sort_key is None:
        sort_key, descending = COMPLAINT_LIST.default_sort, True
    return ComplaintListQuery(
        spec=COMPLAINT_LIST,
        conditions=tuple(conditions),
        sort_key=sort_key,
        descending=descending,
    )


def customers_for_complaints(
    session: Session, actor: User, search: str, limit: int = 20, action: str = "create"
) -> list[tuple[int, str, str]]:
    """(id, 客户编号, 客户名称) of the customers the search finds (name, 简称, pinyin, phone
    — the customer search) that `actor` may register (`action`) complaints for, in name
    order. The reach is the complaint right's: a 客服 registers complaints for customers of
    every department, whose files they may not open."""
    plan = search_plan(session, search)
    if not plan.conditions and plan.id_filter is None:
        return []
    query = select(Customer.id, Customer.code, Customer.name).where(*plan.conditions)
    if plan.id_filter is not None:
        query = query.where(Customer.id.in_(plan.id_filter))
    reach = access.scope_condition(
        session, actor, "complaints", action, Customer.owner_id, for_count=True
    )
    if reach is not None:
        query = query.where(reach)
    rows = session.execute(query.order_by(Customer.pinyin_sort, Customer.id).limit(limit))
    return [(row.id, row.code, row.name) for row in rows]
