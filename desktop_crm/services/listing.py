"""Lists declared as data: columns once, reused by the on-screen table and the Excel export.

A ListQuery turns filters, a search and a sort into SQL and fetches rows in pages, so a
list of a million rows opens at once (DESIGN rule 3).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, false, func, select
from sqlalchemy.orm import Session

# Above this many search hits a page is read in index order (see ListQuery.page).
SCAN_IN_ORDER_HITS = 20_000

ColumnKind = Literal["text", "int", "decimal", "date", "datetime", "bool"]


@dataclass(frozen=True)
class ListColumn:
    """One column of a list: what it shows, how it sorts, how wide it is."""

    key: str
    title: str
    expr: ColumnElement[Any]
    kind: ColumnKind = "text"
    width: int = 12  # in characters, shared by the screen and the workbook
    sort_expr: ColumnElement[Any] | None = None
    align: Literal["left", "right", "center"] = "left"
    # Ties (same status, same grade, …) read in the list's default order. Set it where an
    # index on (column, default sort) exists: that index then delivers the first page of a
    # million rows without sorting them. Elsewhere ties keep id order, which the column's
    # own index (code, registered_at, …) delivers.
    ties_in_default_order: bool = False


@dataclass(frozen=True)
class ListSpec:
    """A list's columns and the FROM clause they read from."""

    name: str
    id_expr: ColumnElement[Any]
    columns: tuple[ListColumn, ...]
    from_clause: Callable[[Select[Any]], Select[Any]]
    default_sort: str
    # The FROM clause for counting: without the joins that cannot change the number of
    # rows (a LEFT JOIN on the joined table's primary key) and that no condition names.
    # SQLite 3.40 keeps such a join in a count and looks every row up for it: a count of
    # 1,000,000 customers takes 140 ms with the join and 3 ms without.
    count_from: Callable[[Select[Any]], Select[Any]] | None = None
    # The number of all rows without counting them, when the store keeps it (the audit
    # log's gap-free numbers: counting 10,000,000 rows takes 0.4 s).
    count_all: Callable[[Session], int] | None = None

    def column(self, key: str) -> ListColumn:
        return next(c for c in self.columns if c.key == key)


@dataclass(frozen=True)
class ListQuery:
    """What the user sees: conditions (filters and search) and the sort."""

    spec: ListSpec
    conditions: tuple[ColumnElement[bool], ...] = ()
    sort_key: str | None = None
    descending: bool = False
    # When the search itself yields an id set (e.g. a full-text match), a select of the
    # matching ids to intersect with: ids of existing rows, each once (the FTS tables are
    # kept in step with their base table by triggers), so its size is the hit count.
    id_filter: Select[Any] | None = field(default=None, compare=False)
    # The same conditions written for counting, when that differs (see access.scope_condition).
    count_conditions: tuple[ColumnElement[bool], ...] | None = None
    _memo: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    @classmethod
    def nothing(cls, spec: ListSpec) -> ListQuery:
        """The list with no rows: what a screen shows a user without the right to see it."""
        return cls(spec=spec, conditions=(false(),))

    def sorted_by(self, key: str, descending: bool = False) -> ListQuery:
        return replace(self, sort_key=key, descending=descending)

    def all_conditions(self) -> tuple[ColumnElement[bool], ...]:
        """Every condition of the list, the search's id set included: what a print or an
        export of "the list as shown" selects with."""
        if self.id_filter is None:
            return self.conditions
        return (*self.conditions, self.spec.id_expr.in_(self.id_filter))

    def _where(
        self, query: Select[Any], scan_in_order: bool = False, counting: bool = False
    ) -> Select[Any]:
        if counting and self.spec.count_from is not None:
            query = self.spec.count_from(query)
        else:
            query = self.spec.from_clause(query)
        conditions = self.conditions
        if counting and self.count_conditions is not None:
            conditions = self.count_conditions
        for condition in conditions:
            query = query.where(condition)
        if self.id_filter is not None:
            # `id + 0` keeps SQLite from driving the query by the id set, so it walks the
            # sort index instead and stops after one page (see page()).
            ids = self.spec.id_expr + 0 if scan_in_order else self.spec.id_expr
            query = query.where(ids.in_(self.id_filter))
        return query

    def _ordered(self, query: Select[Any]) -> Select[Any]:
        column = self.spec.column(self.sort_key or self.spec.default_sort)
        keys = [self._sort_expr(column.key)]
        if column.ties_in_default_order and column.key != self.spec.default_sort:
            keys.append(self._sort_expr(self.spec.default_sort))
        keys.append(self.spec.id_expr)
        if self.descending:
            return query.order_by(*(key.desc() for key in keys))
        return query.order_by(*keys)

    def _sort_expr(self, key: str) -> ColumnElement[Any]:
        column = self.spec.column(key)
        return column.sort_expr if column.sort_expr is not None else column.expr

    def select_rows(self, scan_in_order: bool = False) -> Select[Any]:
        """id first, then each column's value."""
        return self._ordered(
            self._where(
                select(self.spec.id_expr, *(c.expr for c in self.spec.columns)), scan_in_order
            )
        )

    def _hits(self, session: Session) -> int:
        """How many ids the search yields (cheap: counted in the full-text index alone).
        Kept for the query's life: the screen asks for the count and then the page."""
        assert self.id_filter is not None
        if "hits" not in self._memo:
            self._memo["hits"] = (
                session.scalar(select(func.count()).select_from(self.id_filter.subquery())) or 0
            )
        return self._memo["hits"]

    def count(self, session: Session) -> int:
        if self.spec.count_all is not None and not self.conditions and self.id_filter is None:
            return self.spec.count_all(session)
        if self.id_filter is not None and not self.conditions:
            return self._hits(session)  # no row lookups for 100,000s of hits
        query = self._where(select(func.count(self.spec.id_expr)), counting=True)
        return session.scalar(query) or 0

    def _scan_in_order(self, session: Session) -> bool:
        # A search that hits many rows (a digit or letter trigram common to a third of the
        # store) is cheaper read along the default sort's index, filtered by the id set,
        # than by looking every hit up and sorting them all for one page.
        return (
            self.id_filter is not None
            and (self.sort_key or self.spec.default_sort) == self.spec.default_sort
            and self._hits(session) > SCAN_IN_ORDER_HITS
        )

    def page(self, session: Session, offset: int, limit: int) -> list[tuple[Any, ...]]:
        scan_in_order = self._scan_in_order(session)
        query = self.select_rows(scan_in_order).offset(offset).limit(limit)
        return [tuple(row) for row in session.execute(query)]

    def iter_rows(self, session: Session, batch: int = 2000) -> Iterator[tuple[Any, ...]]:
        """Every row, streamed (for exports); each row is (id, *values)."""
        result = session.execute(self.select_rows().execution_options(yield_per=batch))
        for row in result:
            yield tuple(row)

    @property
    def columns(self) -> Sequence[ListColumn]:
        return self.spec.columns


@dataclass(frozen=True)
class IdsFirstQuery(ListQuery):
    """A ListQuery whose page is found first as ids — sorted and cut on the list's own
    table — and only then joined for its columns: sorting 200,000 rows by an unindexed
    column sorts ids, not joined rows (complaints: 800 ms → 80–250 ms). A list whose sort
    keys need another table adds it in `ids_select`."""

    def ids_select(self, sort_key: str) -> Select[Any]:
        """The ids of the list's rows, with what sorting by `sort_key` needs joined."""
        return select(self.spec.id_expr).select_from(self.spec.id_expr.table)

    def page(self, session: Session, offset: int, limit: int) -> list[tuple[Any, ...]]:
        ids_query = self.ids_select(self.sort_key or self.spec.default_sort)
        for condition in self.conditions:
            ids_query = ids_query.where(condition)
        if self.id_filter is not None:
            scan = self._scan_in_order(session)  # see ListQuery.page
            matched = self.spec.id_expr + 0 if scan else self.spec.id_expr
            ids_query = ids_query.where(matched.in_(self.id_filter))
        ids = list(session.scalars(self._ordered(ids_query).offset(offset).limit(limit)))
        if not ids:
            return []
        rows = self._ordered(
            self.spec.from_clause(
                select(self.spec.id_expr, *(c.expr for c in self.spec.columns))
            ).where(self.spec.id_expr.in_(ids))
        )
        return [tuple(row) for row in session.execute(rows)]
