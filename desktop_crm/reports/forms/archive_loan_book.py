"""借阅登记簿 (DOMAIN §5, §6 item 9): a year's loans and readings of archive files —
编号, 日期, 借阅人, 单位, 档号, 题名, 用途, 方式 (查阅 / 借出), 应还日期, 归还日期, 归还状况,
审批 — with the archive room's signatures under the book.

The data mapping comes from documents.archive_loan_book_data: ``year``, ``rows`` (one dict
per loan: ``number``, ``requested_on``, ``borrower``, ``unit``, ``numbers``, ``titles``,
``purpose``, ``use``, ``due_on``, ``returned_on``, ``condition``, ``approvals``), the totals
and ``secrecy_mark``.
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
from .archive_catalogue import SECRECY_MARK_KEY

ARCHIVE_LOAN_BOOK = FormLayout(
    title="借阅登记簿",
    landscape=True,  # many columns: 题名 and 档号 read on one line
    sheet_name="借阅登记簿",
    subject_key="year",
    number_line=(
        Field("fonds_code", "全宗号"),
        Field("year", "年度"),
        Field("scope_text", "范围"),
    ),
    footer_fields=(Field("made_by", "制表人"), Field("made_at", "制表时间")),
    mark_key=SECRECY_MARK_KEY,
    number_sections=False,
    blocks=(
        TableBlock(
            None,
            "rows",
            (
                Column("number", "编号", 2.0, "center"),
                Column("requested_on", "日期", 2.0, "center"),
                Column("borrower", "借阅人", 1.2, "center"),
                Column("unit", "单位", 1.5),
                Column("numbers", "档号", 3.4),
                Column("titles", "题名", 2.2),
                Column("purpose", "用途", 1.3),
                Column("use", "方式", 0.9, "center"),
                Column("due_on", "应还日期", 2.0, "center"),
                Column("returned_on", "归还日期", 2.0, "center"),
                Column("condition", "状况", 1.6),
                Column("approvals", "审批", 2.4),
            ),
            blank_rows=5,
            numbered=False,
        ),
        FieldGrid(
            "合计",
            (
                Field("loan_count", "借阅（次）"),
                Field("volume_total", "案卷（卷次）"),
                Field("open_count", "未还（次）"),
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

__all__ = ["ARCHIVE_LOAN_BOOK"]
