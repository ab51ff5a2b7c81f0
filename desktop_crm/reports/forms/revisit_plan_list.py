"""客户回访计划: the revisit plans of a date range, a row per plan (DOMAIN §3, §6 item 3).

The data mapping is services.revisit_reports.plan_list_data: ``rows`` (one dict per plan,
by planned day) and the range's counts.
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

REVISIT_PLAN_LIST = FormLayout(
    title="客户回访计划",
    sheet_name="客户回访计划",
    subject_key="period_text",
    number_line=(Field("period_text", "计划日期"), Field("scope_text", "范围")),
    footer_fields=(Field("made_by", "制表人"), Field("made_at", "制表时间")),
    mark_key="internal_mark",
    blocks=(
        TableBlock(
            None,
            "rows",
            (
                Column("planned_on", "计划日期", 1.6, "center"),
                Column("customer", "客户名称", 2.8),
                Column("place", "地点", 1.8),
                Column("purpose", "目的", 1.5, "center"),
                Column("content", "回访内容", 2.2),
                Column("method", "方式", 0.8, "center"),
                Column("assigned", "回访人", 1.0, "center"),
                Column("state", "状态", 1.2, "center"),
                Column("rescheduled", "改期", 1.1, "center"),
            ),
            blank_rows=5,
            numbered=True,
        ),
        FieldGrid(
            "小计",
            (
                Field("total", "计划（条）"),
                Field("done", "已完成"),
                Field("planned", "未完成"),
                Field("overdue", "其中逾期"),
                Field("cancelled", "已取消"),
                Field("rescheduled", "改过期"),
            ),
            columns=3,
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

__all__ = ["REVISIT_PLAN_LIST"]
