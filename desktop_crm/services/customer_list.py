"""客户名册: the customer list's columns, filters and search (name, 简称, pinyin, phone, …)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, select, text
from sqlalchemy.orm import Session, aliased

from desktop_crm.models import Customer, User

from . import access
from .file_completeness import incomplete_partner_condition
from .listing import ListColumn, ListQuery, ListSpec
from .text_keys import hanzi_query, split_query

Owner = aliased(User, name="owner")

# Columns marked ties_in_default_order have an index on (column, pinyin_sort); see
# models/customer.py.

COLUMNS = (
    ListColumn("code", "客户编号", Customer.code, width=10),
    ListColumn("name", "客户名称", Customer.name, width=30, sort_expr=Customer.pinyin_sort),
    ListColumn("short_name", "简称", Customer.short_name, width=12),
    ListColumn("category", "客户类别", Customer.category, width=14, ties_in_default_order=True),
    ListColumn(
        "grade", "等级", Customer.grade, width=6, align="center", ties_in_default_order=True
    ),
    ListColumn("status", "状态", Customer.status, width=10, ties_in_default_order=True),
    ListColumn("owner", "客户经理", Owner.name, width=10),
    ListColumn("region", "区域", Customer.region, width=10, ties_in_default_order=True),
    ListColumn("source", "来源渠道", Customer.source, width=10, ties_in_default_order=True),
    ListColumn("phone", "电话", Customer.phone, width=16),
    ListColumn("credit_code", "统一社会信用代码", Customer.credit_code, width=22),
    ListColumn(
        "is_key",
        "重点客户",
        Customer.key_customer,
        kind="bool",
        width=8,
        align="center",
        ties_in_default_order=True,
    ),
    ListColumn("address", "地址", Customer.address, width=30),
    ListColumn("registered_at", "登记时间", Customer.registered_at, kind="datetime", width=17),
)


def _from(query: Select[Any]) -> Select[Any]:
    return query.select_from(Customer).outerjoin(Owner, Owner.id == Customer.owner_id)


CUSTOMER_LIST = ListSpec(
    name="customers",
    id_expr=Customer.id,
    columns=COLUMNS,
    from_clause=_from,
    default_sort="name",
    # Filters and search name only customer columns; the owner join is on its primary key.
    count_from=lambda query: query.select_from(Customer),
)

# Filter key -> the customer column it narrows (values are exact matches).
FILTERS = {
    "category": Customer.category,
    "grade": Customer.grade,
    "status": Customer.status,
    "owner_id": Customer.owner_id,
    "region": Customer.region,
    "source": Customer.source,
}


# A yes/no filter: 合作客户 whose file is incomplete.
INCOMPLETE_FILTER = "incomplete"


@dataclass(frozen=True)
class SearchPlan:
    """How a search text becomes SQL: conditions on the customer, and/or an id subquery."""

    conditions: tuple[ColumnElement[bool], ...]
    id_filter: Select[Any] | None


def fts_ids(table: str, match: str) -> Select[Any]:
    """The rowids an FTS5 table finds for a MATCH query (SQLite only)."""
    condition = text(f"{table} MATCH :match").bindparams(bindparam("match", match, unique=True))
    return select(text("rowid")).select_from(text(table)).where(condition)


def search_plan(session: Session, search: str) -> SearchPlan:
    """Chinese runs match the one-Hanzi-per-token index as phrases; Latin and digit words
    of 3+ characters match the trigram index; 1–2 letters match the start of the initials."""
    chinese, latin = split_query(search)
    if not chinese and not latin:
        return SearchPlan((), None)
    sqlite = session.get_bind().dialect.name == "sqlite"
    conditions: list[ColumnElement[bool]] = []
    matches_hanzi = [hanzi_query(run) for run in chinese]
    long_words = [w for w in latin if len(w) >= 3]
    short_words = [w for w in latin if len(w) < 3]
    for word in short_words:
        # The initials and the sort key start with the same letter (both come from the
        # first reading), so the range on the indexed sort key is the same condition for
        # one letter and narrows the scan for two; without it a million rows are read.
        first = word[0]
        conditions.append(
            and_(Customer.pinyin_sort >= first, Customer.pinyin_sort < first + "\uffff")
        )
        if len(word) > 1:
            conditions.append(
                and_(Customer.pinyin_initials >= word, Customer.pinyin_initials < word + "\uffff")
            )
    if not sqlite:
        for run in chinese:
            conditions.append(Customer.search_hanzi.ilike(f"%{' '.join(run)}%"))
        for word in long_words:
            conditions.append(Customer.search_keys.ilike(f"%{word}%"))
        return SearchPlan(tuple(conditions), None)
    id_filter = None
    parts = []
    if matches_hanzi:
        parts.append(("customer_fts_hanzi", " AND ".join(matches_hanzi)))
    if long_words:
        parts.append(("customer_fts_keys", " AND ".join('"' + w + '"' for w in long_words)))
    for table, match in parts:
        ids = fts_ids(table, match)
        id_filter = ids if id_filter is None else id_filter.intersect(ids)
    return SearchPlan(tuple(conditions), id_filter)


def customer_query(
    session: Session,
    actor: User,
    search: str = "",
    filters: Mapping[str, object] | None = None,
    sort_key: str | None = None,
    descending: bool = False,
) -> ListQuery:
    """The customer list as `actor` sees it: only the files within their reach, so the
    count, the search, the export and every report built on it hold nothing more."""
    conditions: list[ColumnElement[bool]] = []
    for key, value in (filters or {}).items():
        if key == INCOMPLETE_FILTER:
            if value:
                conditions.append(incomplete_partner_condition())
        elif value not in (None, ""):
            conditions.append(FILTERS[key] == value)
    plan = search_plan(session, search)
    shown = (*conditions, *plan.conditions)
    reach = access.scope_condition(session, actor, "customers", "view", Customer.owner_id)
    if reach is None:
        scoped = counted = shown
    else:
        scoped = (*shown, reach)
        counted = (
            *shown,
            access.scope_condition(session, actor, "customers", "view", Customer.owner_id, True),
        )
    return ListQuery(
        spec=CUSTOMER_LIST,
        conditions=scoped,
        count_conditions=counted,
        sort_key=sort_key,
        descending=descending,
        id_filter=plan.id_filter,
    )


def find_customers(
    session: Session, actor: User, search: str, limit: int = 20
) -> list[tuple[str, str]]:
    """(客户编号, 客户名称) of the customers a search finds for `actor`, in list order."""
    query = customer_query(session, actor, search)
    code, name = CUSTOMER_LIST.column("code").expr, CUSTOMER_LIST.column("name").expr
    rows = session.execute(
        query._ordered(query._where(select(code, name))).limit(limit)  # noqa: SLF001
    )
    return [(c, n) for c, n in rows]
