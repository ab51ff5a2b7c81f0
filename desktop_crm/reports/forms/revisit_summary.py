"""客户回访汇总表: the revisits of a period by kind, method, satisfaction and staff, and how
their 客户回访报告表 kept the deadline and were reviewed (DOMAIN §3: "a period summary of
revisits is a separate list"; §6 item 3).

The data mapping is services.revisit_reports.summary_data. Tables: ``kinds``,
``methods``, ``satisfaction``, ``staff``.
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

_SHARE = (Column("count", "次数", 1.0, "right"), Column("share", "占比", 1.0, "right"))

REVISIT_SUMMARY = FormLayout(
    title="客户回访汇总表",
    sheet_name="客户回访汇总表",
    subject_key="period_text",
    number_line=(Field("period_text", "回访日期"), Field("scope_text", "统计范围")),
    footer_fields=(Field("made_by", "制表人"), Field("made_at", "制表时间")),
    mark_key="internal_mark",
    blocks=(
        FieldGrid(
            "总体情况",
            (
                Field("total", "回访（次）"),
                Field("rated", "记录满意度（次）"),
                Field("satisfaction_index", "满意度"),
                Field("satisfaction_rate", "满意率"),
                Field("written", "报告已写"),
                Field("on_time", "其中按时"),
                Field("late", "其中逾期补写"),
                Field("overdue", "逾期未写"),
                Field("pending", "未到期未写"),
                Field("on_time_rate", "报告按时率"),
                Field("reviewed", "已审阅"),
                Field("to_review", "待审阅"),
            ),
            columns=3,
            label_width_mm=28.0,
        ),
        TableBlock("按回访类型", "kinds", (Column("name", "回访类型", 2.0), *_SHARE), blank_rows=1),
        TableBlock(
            "按回访方式", "methods", (Column("name", "回访方式", 2.0), *_SHARE), blank_rows=1
        ),
        TableBlock(
            "按满意程度",
            "satisfaction",
            (Column("name", "满意程度", 2.0), Column("score", "分值", 0.8, "right"), *_SHARE),
            blank_rows=1,
        ),
        TableBlock(
            "按回访人",
            "staff",
            (
                Column("name", "回访人", 1.4),
                Column("total", "回访", 0.9, "right"),
                Column("written", "报告\n已写", 0.9, "right"),
                Column("on_time", "按时", 0.9, "right"),
                Column("late", "逾期\n补写", 0.9, "right"),
                Column("overdue", "逾期\n未写", 0.9, "right"),
                Column("pending", "未到期", 0.9, "right"),
                Column("reviewed", "已审阅", 0.9, "right"),
                Column("on_time_rate", "按时率", 1.0, "right"),
            ),
            blank_rows=1,
        ),
        SignatureBlock(
            (
                SignatureLine("制表人"),
                SignatureLine("客户服务主管"),
                SignatureLine("日期"),
            )
        ),
    ),
)

__all__ = ["REVISIT_SUMMARY"]
