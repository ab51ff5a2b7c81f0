"""卷内文件目录 (DOMAIN §5, §6 item 9): the list at the front of one volume — 序号, 文号,
责任者, 题名, 日期, 页号, 备注; 页号 is the first page of each document, the range on the
last one (services.archive_items.catalogue).

The data mapping comes from documents.archive_items_data: the volume's ``number`` (档号),
``title``, ``year``, ``period``, ``secrecy``, ``rows`` and ``secrecy_mark``.
"""

from __future__ import annotations

from ..layout import Column, Field, FormLayout, TableBlock
from .archive_catalogue import SECRECY_MARK_KEY

ARCHIVE_ITEMS = FormLayout(
    title="卷内文件目录",
    sheet_name="卷内文件目录",
    subject_key="number",
    number_line=(
        Field("number", "档号"),
        Field("period", "保管期限"),
        Field("secrecy", "密级"),
    ),
    footer_fields=(Field("title", "案卷题名"),),
    mark_key=SECRECY_MARK_KEY,
    blocks=(
        TableBlock(
            None,
            "rows",
            (
                Column("seq", "序号", 0.7, "center"),
                Column("doc_number", "文号", 2.2),
                Column("author", "责任者", 1.8),
                Column("title", "题名", 4.6),
                Column("doc_date", "日期", 1.5, "center"),
                Column("page_no", "页号", 1.0, "center"),
                Column("remarks", "备注", 1.4),
            ),
            blank_rows=15,
        ),
    ),
)

__all__ = ["ARCHIVE_ITEMS"]
