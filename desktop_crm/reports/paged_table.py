"""A long table broken over pages in linear time, its header rows repeated on each page.

reportlab splits a ``Table`` at a page break by building the remainder as a new table and
measuring all of its rows again, so a register of n rows over p pages costs n × p row
measurements (a 436-page 案卷目录: half a minute). This flowable measures every row once,
then cuts page-sized tables whose row heights are already known.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.platypus import Flowable, Table, TableStyle

# Tables shorter than this are left to reportlab: measuring twice costs more than it saves.
PAGED_FROM_ROWS = 80


class PagedTable(Flowable):
    """`rows` (the first `header_rows` of them repeated on every page) in columns of
    `col_widths`, styled by `commands` whose row indices count from the header, as for a
    ``Table`` with ``repeatRows=header_rows`` (negative indices count from the end)."""

    def __init__(
        self,
        rows: Sequence[Sequence[Any]],
        col_widths: Sequence[float],
        header_rows: int,
        commands: Sequence[tuple[Any, ...]],
        row_heights: Sequence[float | None] | None = None,
    ) -> None:
        super().__init__()
        self.rows = list(rows)
        self.col_widths = list(col_widths)
        self.header_rows = header_rows
        self.commands = list(commands)
        self._given_heights = list(row_heights) if row_heights is not None else None
        self._heights: list[float] | None = None

    def _table(self, rows: list[Sequence[Any]], heights: list[float]) -> Table:
        table = Table(rows, colWidths=self.col_widths, rowHeights=heights)
        table.setStyle(TableStyle(self.commands))
        return table

    def _measure(self, avail_width: float) -> list[float]:
        if self._heights is None:
            whole = Table(self.rows, colWidths=self.col_widths, rowHeights=self._given_heights)
            whole.setStyle(TableStyle(self.commands))
            whole.wrap(avail_width, 1e9)
            self._heights = list(whole._rowHeights)  # noqa: SLF001 - measured once, reused
        return self._heights

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        heights = self._measure(avail_width)
        self.width, self.height = sum(self.col_widths), sum(heights)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        heights = self._measure(avail_width)
        head = self.header_rows
        used = sum(heights[:head])
        fits = 0
        for height in heights[head:]:
            if used + height > avail_height:
                break
            used += height
            fits += 1
        if fits == 0:
            return []  # not even one row under the header: the next page takes it all
        if fits == len(heights) - head:
            return [self]
        cut = head + fits
        first = self._table(self.rows[:cut], heights[:cut])
        rest = PagedTable(
            self.rows[:head] + self.rows[cut:],
            self.col_widths,
            head,
            self.commands,
        )
        rest._heights = heights[:head] + heights[cut:]
        return [first, rest]

    def draw(self) -> None:
        heights = self._measure(self.width)
        table = self._table(self.rows, heights)
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)
