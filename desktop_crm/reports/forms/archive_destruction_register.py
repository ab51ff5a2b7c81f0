"""档案销毁清册 (DOMAIN §5, §6 item 9): one destruction batch, kept for good — 序号, 题名,
年度, 档号, 应保管期限, 已保管期限, 页数, 备注 — with who reviewed and approved it, the two
监销人, and the date, place and method of the destruction, and the signature lines.

The data mapping comes from documents.archive_destruction_data: ``batch_no``, ``state``,
``reason``, ``rows`` (``seq``, ``title``, ``year``, ``number``, ``period``, ``kept``,
``pages``, ``remarks``), ``approvers`` (the approval steps in one text), ``reviewed_by``,
``approved_by``, ``supervisors``, ``destroyed_on``, ``place``, ``method``, the totals and
``secrecy_mark``.
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
    TextBlock,
)
from .archive_catalogue import SECRECY_MARK_KEY

ARCHIVE_DESTRUCTION_REGISTER = FormLayout(
    title="档案销毁清册",
    sheet_name="档案销毁清册",
    subject_key="batch_no",
    number_line=(
        Field("fonds_code", "全宗号"),
        Field("batch_no", "批次号"),
        Field("state", "状态"),
    ),
    footer_fields=(Field("made_by", "制表人"), Field("made_at", "制表时间")),
    mark_key=SECRECY_MARK_KEY,
    number_sections=False,
    blocks=(
        TableBlock(
            None,
            "rows",
            (
                Column("seq", "序号", 0.7, "center"),
                Column("title", "题名", 3.6),
                Column("year", "年度", 0.9, "center"),
                Column("number", "档号", 4.2),
                Column("period", "应保管期限", 1.4, "center"),
                Column("kept", "已保管期限", 1.4, "center"),
                Column("pages", "页数", 0.9, "right"),
                Column("remarks", "备注", 2.8),
            ),
            blank_rows=3,
        ),
        FieldGrid(
            "销毁情况",
            (
                Field("volume_count", "案卷（卷）"),
                Field("total_pages", "页数（页）"),
                Field("reason", "销毁理由", span=2),
                Field("reviewed_by", "审核（部门负责人）"),
                Field("approved_by", "批准（总经理）"),
                Field("supervisor1", "监销人"),
                Field("supervisor2", "监销人"),
                Field("destroyed_on", "销毁日期"),
                Field("place", "销毁地点"),
                Field("method", "销毁方式", span=2),
            ),
            columns=2,
            label_width_mm=36.0,
        ),
        TextBlock(None, "approvers", "审批记录", min_height_mm=14.0),
        # two rows: five lines in one left a name no room (系统管理员 broke over two lines)
        SignatureBlock(
            (
                SignatureLine("部门负责人"),
                SignatureLine("总经理"),
                SignatureLine("档案管理员", "made_by"),
            )
        ),
        SignatureBlock((SignatureLine("监销人"), SignatureLine("监销人"))),
    ),
)

__all__ = ["ARCHIVE_DESTRUCTION_REGISTER"]
