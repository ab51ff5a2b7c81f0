"""客户投诉记录表: one department's complaints of one week, a row per complaint (DOMAIN §2
reporting cycle: due each Monday; §6 item 8).

The data mapping comes from services.complaint_stats.week_report_data: ``rows`` (one dict
per complaint) and the week's totals.
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

COMPLAINT_WEEK = FormLayout(
    title="客户投诉记录表",
    sheet_name="客户投诉记录表",
    subject_key="week_text",
    number_line=(
        Field("department", "部门"),
        Field("week_text", "周次"),
        Field("period_text", "日期"),
    ),
    footer_fields=(
        Field("scope_text", "统计范围"),
        Field("made_by", "制表人"),
        Field("made_at", "制表时间"),
    ),
    mark_key="internal_mark",
    blocks=(
        TableBlock(
            "本周投诉",
            "rows",
            (
                Column("number", "投诉编号", 2.2),
                Column("received_on", "受理日期", 1.9, "center"),
                Column("customer", "客户名称", 2.5),
                Column("category", "投诉类别", 1.6, "center"),
                Column("content", "投诉内容", 3.2),
                Column("department", "责任部门", 1.6, "center"),
                Column("cause_result", "原因及处理结果", 2.8),
                Column("handling", "状态", 1.5, "center"),
            ),
            blank_rows=5,
            numbered=True,
        ),
        FieldGrid(
            "本周小结",
            (
                Field("total", "受理（件）"),
                Field("handled", "已处理（件）"),
                Field("open", "未处理（件）"),
                Field("late", "超期处理（件）"),
                Field("overdue", "逾期未处理（件）"),
                Field("average_days", "平均用时(工作日)"),
            ),
            columns=3,
            label_width_mm=30.0,
        ),
        TextBlock(None, "remarks", "需说明的问题", min_height_mm=18.0),
        SignatureBlock(
            (
                SignatureLine("填表人"),
                SignatureLine("部门负责人"),
                SignatureLine("日期"),
            )
        ),
    ),
)

__all__ = ["COMPLAINT_WEEK"]
