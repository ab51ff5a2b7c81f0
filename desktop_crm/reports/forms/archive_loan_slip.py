"""档案借阅单: the slip of one loan (DOMAIN §5 use of files, §6 item 9) — who borrows (for an
outside person the introduction letter and 证件号码), why, 查阅 or 借出, the 案卷 lent with
the pages counted out and back, the dates, each approval step, and the lines the borrower,
the archive keeper (经办人) and the one who takes the files back (归还验收) sign.

The data mapping comes from documents.archive_loan_slip_data: the loan's fields under the
``key`` values below, ``volumes`` (one dict per 案卷: ``number``, ``title``, ``secrecy``,
``pages``, ``pages_out``, ``pages_out_borrower``, ``pages_back``, ``condition``,
``note``), ``approvals`` (one dict per step: ``step``, ``decision``, ``who``, ``on``,
``way``, ``comment``) and ``secrecy_mark`` (机密/绝密 copies carry it).
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

ARCHIVE_LOAN_SLIP = FormLayout(
    title="档案借阅单",
    sheet_name="借阅单",
    subject_key="number",
    number_line=(
        Field("number", "借阅单号"),
        Field("state", "状态"),
        Field("fonds_code", "全宗号"),
    ),
    footer_fields=(Field("printed_by", "打印人"), Field("printed_at", "打印时间")),
    mark_key=SECRECY_MARK_KEY,
    blocks=(
        FieldGrid(
            "借阅人",
            (
                Field("borrower", "借阅人"),
                Field("borrower_kind", "借阅人类别"),
                Field("unit", "单位/部门"),
                Field("use", "利用方式"),
                Field("letter", "介绍信/证明"),
                Field("id_number", "证件号码"),
                Field("purpose", "借阅目的", 2),
            ),
        ),
        TableBlock(
            "借阅案卷",
            "volumes",
            (
                Column("number", "档号", 4.6),  # a whole 档号 on one line
                Column("title", "题名", 3.0),
                Column("secrecy", "密级", 0.9, "center"),
                Column("pages", "页数", 0.8, "right"),
                Column("pages_out", "借出\n清点", 0.9, "right"),
                Column("pages_out_borrower", "借阅人\n清点", 1.0, "right"),
                Column("pages_back", "归还\n清点", 0.9, "right"),
                Column("condition", "状况", 0.9, "center"),
                Column("note", "说明", 1.6),
            ),
            blank_rows=2,
            numbered=True,
        ),
        FieldGrid(
            "日期",
            (
                Field("requested_on", "申请日期"),
                Field("lent_at", "借出时间"),
                Field("due_on", "应还日期"),
                Field("returned_at", "归还时间"),
                Field("extensions", "续借", 2),
                Field("return_condition", "归还状况", 2),
            ),
        ),
        TableBlock(
            "审批",
            "approvals",
            (
                Column("step", "审批环节", 2.4),
                Column("decision", "结论", 0.9, "center"),
                Column("who", "审批人", 1.2, "center"),
                Column("on", "日期", 1.4, "center"),
                Column("way", "方式", 0.8, "center"),
                Column("comment", "意见", 2.6),
            ),
            blank_rows=2,
        ),
        SignatureBlock(
            (
                SignatureLine("借阅人签字"),
                SignatureLine("日期"),
            )
        ),
        SignatureBlock(
            (
                SignatureLine("经办人（档案管理员）", "lent_by"),
                SignatureLine("日期", "lent_on"),
            )
        ),
        SignatureBlock(
            (
                SignatureLine("归还验收", "returned_by"),
                SignatureLine("日期", "returned_on"),
            )
        ),
    ),
)

__all__ = ["ARCHIVE_LOAN_SLIP"]
