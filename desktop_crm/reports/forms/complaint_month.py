"""顾客投诉统计分析报告表: one month's complaints against the month before (DOMAIN §2
reporting cycle: due mid-month to the 总经室; §6 item 8).

The data mapping comes from services.complaint_stats.month_report_data. Tables:
``indicators``, ``categories``, ``departments``, ``causes``, ``satisfaction``; charts:
``category_chart`` and ``department_chart`` (rows with ``name``, ``this``, ``last``).
"""

from __future__ import annotations

from ..layout import (
    ChartBlock,
    ChartSeries,
    Column,
    Field,
    FormLayout,
    SignatureBlock,
    SignatureLine,
    TableBlock,
    TextBlock,
)

_COUNTS = (
    Column("count", "本月（件）", 1.1, "right"),
    Column("share", "占比", 1.0, "right"),
    Column("last", "上月（件）", 1.1, "right"),
    Column("change", "增减", 1.0, "right"),
)
_BARS = (ChartSeries("this", "本月"), ChartSeries("last", "上月"))

COMPLAINT_MONTH = FormLayout(
    title="顾客投诉统计分析报告表",
    sheet_name="顾客投诉统计分析报告表",
    subject_key="month_text",
    number_line=(
        Field("month_text", "统计月份"),
        Field("period_text", "受理日期"),
        Field("scope_text", "统计范围"),
    ),
    footer_fields=(Field("made_by", "制表人"), Field("made_at", "制表时间")),
    blocks=(
        TextBlock("情况概述", "summary", "概述", min_height_mm=14.0),
        TableBlock(
            "主要指标（与上月比较）",
            "indicators",
            (
                Column("name", "指标", 2.6),
                Column("this", "本月", 1.3, "right"),
                Column("last", "上月", 1.3, "right"),
                Column("change", "增减", 1.6, "right"),
            ),
        ),
        TableBlock(
            "按投诉类别",
            "categories",
            (Column("name", "投诉类别", 2.4), *_COUNTS),
        ),
        ChartBlock(
            "投诉类别分布（本月与上月）",
            "category_chart",
            "name",
            "投诉类别",
            _BARS,
            height_mm=72.0,
        ),
        TableBlock(
            "按责任部门",
            "departments",
            (
                Column("name", "责任部门", 2.0),
                *_COUNTS,
                Column("average_days", "平均用时\n(工作日)", 1.1, "right"),
                Column("on_time_rate", "按期\n处理率", 1.1, "right"),
            ),
        ),
        ChartBlock(
            "责任部门分布（本月与上月）",
            "department_chart",
            "name",
            "责任部门",
            _BARS,
            height_mm=60.0,
        ),
        TableBlock(
            "按原因",
            "causes",
            (Column("name", "原因", 2.4), *_COUNTS),
        ),
        TableBlock(
            "投诉回访满意度",
            "satisfaction",
            (
                Column("name", "满意程度", 1.9),
                Column("score", "分值", 0.8, "right"),
                Column("count", "本月（次）", 1.1, "right"),
                Column("share", "占比", 1.0, "right"),
                Column("last", "上月（次）", 1.1, "right"),
                Column("change", "增减", 1.0, "right"),
            ),
        ),
        TextBlock("原因分析及改进措施", "analysis", "分析与措施", min_height_mm=35.0),
        SignatureBlock(
            (
                SignatureLine("制表人"),
                SignatureLine("日期"),
                SignatureLine("市场营销部负责人"),
                SignatureLine("日期"),
            )
        ),
        SignatureBlock((SignatureLine("总经室审阅"), SignatureLine("日期"))),
    ),
)

__all__ = ["COMPLAINT_MONTH"]
