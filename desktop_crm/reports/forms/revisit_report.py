"""客户回访报告表: the report on one revisit, written the day after it from the record and
reviewed by the 客户服务主管 (DOMAIN §3, seed 002 L315; §6 item 3).

The data mapping is services.revisit_reports.revisit_report_data: the record's keys (as
the 客户回访记录表) plus ``report_*`` and ``review*``. Signed by the 填表人 and the
客户服务主管, each with the date.
"""

from __future__ import annotations

from ..layout import (
    Field,
    FieldGrid,
    FormLayout,
    SignatureBlock,
    SignatureLine,
    TextBlock,
)

REVISIT_REPORT = FormLayout(
    title="客户回访报告表",
    sheet_name="客户回访报告表",
    subject_key="number",
    number_line=(
        Field("number", "回访编号"),
        Field("visited_on", "回访日期"),
        Field("report_due_on", "报告期限"),
    ),
    footer_fields=(Field("printed_by", "打印人"), Field("printed_at", "打印时间")),
    mark_key="internal_mark",
    blocks=(
        FieldGrid(
            "回访记录",
            (
                Field("customer_name", "客户名称", 2),
                Field("customer_code", "客户编号"),
                Field("owner_name", "客户经理"),
                Field("kind", "回访类别"),
                Field("method", "回访方式"),
                Field("staff_name", "回访人"),
                Field("contact_name", "客户联系人"),
                Field("complaint_number", "所回访的投诉"),
                Field("satisfaction_text", "满意程度"),
                Field("discussion", "回访内容", 2),
                Field("needs", "客户需求与意见", 2),
                Field("problems", "发现的问题", 2),
                Field("new_complaint_number", "转为新投诉"),
                Field("next_visit_on", "下次回访日期"),
            ),
        ),
        TextBlock("回访报告", "report_summary", "回访过程与\n结果概述", min_height_mm=40.0),
        TextBlock(None, "report_evaluation", "评价", min_height_mm=25.0),
        FieldGrid(
            None,
            (
                Field("report_by_name", "填表人"),
                Field("report_at", "填表时间"),
                Field("report_timing", "填报情况", 2),
            ),
        ),
        TextBlock("客户服务主管审阅", "review_opinion", "指导意见", min_height_mm=30.0),
        FieldGrid(
            None,
            (
                Field("reviewed_by_name", "审阅人"),
                Field("reviewed_at", "审阅时间"),
            ),
        ),
        SignatureBlock(
            (
                SignatureLine("填表人", "report_by_name"),
                SignatureLine("日期", "report_date"),
                SignatureLine("客户服务主管", "reviewed_by_name"),
                SignatureLine("日期", "reviewed_date"),
            )
        ),
    ),
)

__all__ = ["REVISIT_REPORT"]
