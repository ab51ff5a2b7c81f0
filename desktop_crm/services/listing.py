"""Lists declared as data: columns once, reused by the on-screen table and the Excel export.

A ListQuery turns filters, a search and a sort into SQL and fetches rows in pages, so a
list of a million rows opens at once (DESIGN rule 3).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

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


@dataclass(frozen=True)
class ListSpec:
    """A list's columns and the FROM clause they read from."""

    name: str
    id_expr: ColumnElement[Any]
    columns: tuple[ListColumn, ...]
    from_clause: Callable[[Select[Any]], Select[Any]]
    default_sort: str

    def column(self, key: str) -> ListColumn:
        return next(c for c in self.columns if c.key == key)


@dataclass(frozen=True)
class ListQuery:
    """What the user sees: conditions (filters and search) and the sort."""

    spec: ListSpec
    conditions: tuple[ColumnElement[bool], ...] = ()
    sort_key: str | None = None
    descending: bool = False
    # When the search itself yields an ordered id set (e.g. a full-text match), a
    # select of matching ids to intersect with.
    id_filter: Select[Any] | None = field(default=None, compare=False)

    def sorted_by(self, key: str, descending: bool = False) -> ListQuery:
        return replace(self, sort_key=key, descending=descending)

    def _where(self, query: Select[Any]) -> Select[Any]:
        query = self.spec.from_clause(query)
        for condition in self.conditions:
            query = query.where(condition)
        if self.id_filter is not None:
            query = query.where(self.spec.id_expr.in_(self.id_filter))
        return query

    def _ordered(self, query: Select[Any]) -> Select[Any]:
        keys = [self._sort_expr(self.sort_key or self.spec.default_sort)]
        if (self.sort_key or self.spec.default_sort) != self.spec.default_sort:
            # Ties (same status, same grade, …) read in the default order; this also lets
            # an index on (column, default sort) deliver the first page without sorting.
            keys.append(self._sort_expr(self.spec.default_sort))
        keys.append(self.spec.id_expr)
        if self.descending:
            return query.order_by(*(key.desc() for key in keys))
        return query.order_by(*keys)

    def _sort_expr(self, key: str) -> ColumnElement[Any]:
        column = self.spec.column(key)
        return column.sort_expr if column.sort_expr is not None else column.expr

    def select_rows(self) -> Select[Any]:
        """id first, then each column's value."""
        return self._ordered(
            self._where(select(self.spec.id_expr, *(c.expr for c in self.spec.columns)))
        )

    def count(self, session: Session) -> int:
        return session.scalar(self._where(select(func.count(self.spec.id_expr)))) or 0

    def page(self, session: Session, offset: int, limit: int) -> list[tuple[Any, ...]]:
        return [
            tuple(row) for row in session.execute(self.select_rows().offset(offset).limit(limit))
        ]

    def iter_rows(self, session: Session, batch: int = 2000) -> Iterator[tuple[Any, ...]]:
        """Every row, streamed (for exports); each row is (id, *values)."""
        result = session.execute(self.select_rows().execution_options(yield_per=batch))
        for row in result:
            yield tuple(row)

    @property
    def columns(self) -> Sequence[ListColumn]:
        return self.spec.columns
