"""客户投诉回访记录: one revisit on A4 (DOMAIN §3, §6 item 2).

The data mapping is services.revisits.revisit_record_data, to which documents adds
``satisfaction_scale`` and ``conclusion`` (services.complaint_stats); its keys are the
``key`` values below. Signed by the 回访人 and the customer.
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

REVISIT_RECORD = FormLayout(
    title="客户投诉回访记录",
    sheet_name="客户投诉回访记录",
    subject_key="number",
    number_line=(Field("number", "回访编号"), Field("visited_on", "回访日期")),
    footer_fields=(Field("printed_by", "打印人"), Field("printed_at", "打印时间")),
    mark_key="internal_mark",
    blocks=(
        FieldGrid(
            "回访对象",
            (
                Field("customer_name", "客户名称", 2),
                Field("customer_code", "客户编号"),
                Field("owner_name", "客户经理"),
                Field("contact_name", "联系人"),
                Field("customer_phone", "电话"),
                Field("customer_address", "地址", 2),
                Field("kind", "回访类别"),
                Field("method", "回访方式"),
                Field("staff_name", "回访人"),
                Field("visited_on", "回访日期"),
            ),
        ),
        FieldGrid(
            "所回访的投诉",
            (
                Field("complaint_number", "投诉编号"),
                Field("complaint_received_at", "受理时间"),
                Field("complaint_category", "投诉类别"),
                Field("complaint_round_text", "处理轮次"),
                Field("complaint_content", "投诉内容", 2),
                Field("complaint_demand", "客户要求", 2),
                Field("complaint_result", "处理结果", 2),
            ),
        ),
        FieldGrid(
            "回访情况",
            (
                Field("discussion", "回访内容", 2),
                Field("needs", "客户需求与意见", 2),
                Field("satisfaction_scale", "满意程度", 2),
                Field("problems", "发现的问题", 2),
                Field("new_complaint_number", "转为新投诉"),
                Field("next_visit_on", "下次回访日期"),
                Field("conclusion", "回访结论", 2),
            ),
        ),
        TextBlock(None, "customer_remarks", "客户意见\n（客户填写）", min_height_mm=25.0),
        SignatureBlock(
            (
                SignatureLine("回访人"),
                SignatureLine("日期"),
                SignatureLine("客户"),
                SignatureLine("日期"),
            )
        ),
    ),
)

__all__ = ["REVISIT_RECORD"]
