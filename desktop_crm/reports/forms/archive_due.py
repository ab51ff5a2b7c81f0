"""到期鉴定清单 (DOMAIN §5, §6 item 9): the volumes whose 保管期限 has run out on a day —
the period counts from 1 January of the year after the 年度 — with a column for the
appraisal's verdict (销毁 / 延长) written in by hand, and the appraisers' signatures.

The data mapping comes from documents.archive_due_data: ``as_of`` (the day), ``rows`` in
due order, the count and ``secrecy_mark``.
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

ARCHIVE_DUE = FormLayout(
    title="到期鉴定清单",
    sheet_name="到期鉴定清单",
    subject_key="as_of",
    number_line=(
        Field("fonds_code", "全宗号"),
        Field("as_of", "截至日期"),
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
                Column("number", "档号", 4.45),
                Column("title", "题名", 3.6),
                Column("year", "年度", 1.0, "center"),
                Column("period", "保管期限", 1.6, "center"),
                Column("due_on", "到期日期", 1.85, "center"),
                Column("pages", "页数", 0.9, "right"),
                Column("state", "状态", 1.0, "center"),
                Column("verdict", "鉴定意见", 1.5, "center"),
                Column("remarks", "备注", 1.4),
            ),
            blank_rows=5,
            numbered=True,
        ),
        FieldGrid(
            "小计",
            (Field("volume_count", "到期案卷（卷）"), Field("page_total", "页数（页）")),
            columns=2,
            label_width_mm=34.0,
        ),
        SignatureBlock(
            (SignatureLine("鉴定人"), SignatureLine("部门负责人"), SignatureLine("日期"))
        ),
    ),
)

__all__ = ["ARCHIVE_DUE"]
