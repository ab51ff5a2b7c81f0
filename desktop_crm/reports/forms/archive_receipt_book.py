"""档案签收簿 (DOMAIN §5, §6 item 9): a year's hand-overs from the departments to the archive
room — 日期, 移交部门, 移交人, 接收人, 移交内容, 件数, 缺失, 状态 — with a column for each
side's signature and the archive room's signatures under the book.

The data mapping comes from documents.archive_receipt_book_data: ``year``, ``rows`` (one
dict per hand-over: ``received_on``, ``department``, ``handed_by``, ``received_by``,
``contents``, ``count``, ``missing``, ``state``), the totals.
"""

from __future__ import annotations

from ..layout import (
    Column,
    Field,
    FieldGrid,
    FormLayout,
    SignatureBlock,
    SignatureLine,
    TableBlock,
)

ARCHIVE_RECEIPT_BOOK = FormLayout(
    title="档案签收簿",
    sheet_name="档案签收簿",
    subject_key="year",
    number_line=(
        Field("fonds_code", "全宗号"),
        Field("year", "年度"),
        Field("scope_text", "范围"),
    ),
    footer_fields=(Field("made_by", "制表人"), Field("made_at", "制表时间")),
    number_sections=False,
    blocks=(
        TableBlock(
            None,
            "rows",
            (
                Column("received_on", "日期", 2.0, "center"),
                Column("department", "移交部门", 1.6),
                Column("handed_by", "移交人", 1.1, "center"),
                Column("received_by", "接收人", 1.1, "center"),
                Column("contents", "移交内容", 4.2),
                Column("count", "件数", 0.8, "right"),
                Column("missing", "缺失", 2.2),
                Column("state", "状态", 1.1, "center"),
                Column("hand_sign", "移交人签字", 1.4),
                Column("receive_sign", "接收人签字", 1.4),
            ),
            blank_rows=5,
            numbered=True,
        ),
        FieldGrid(
            "合计",
            (
                Field("receipt_count", "移交（次）"),
                Field("item_total", "件数（件）"),
                Field("incomplete_count", "不完整（次）"),
            ),
            columns=3,
            label_width_mm=30.0,
        ),
        SignatureBlock(
            (
                SignatureLine("档案管理员", "made_by"),
                SignatureLine("部门负责人"),
                SignatureLine("日期"),
            )
        ),
    ),
)

__all__ = ["ARCHIVE_RECEIPT_BOOK"]
