"""顾客投诉处理报告表: one report on A4 (DOMAIN §2 last paragraph, §6 item 8).

The data mapping comes from services.complaint_handling_reports.report_data; its keys are
the ``key`` values below, ``approvals`` is the list of approval steps. Signed by the head of
the responsible department, countersigned by the 市场营销部 and approved by the 总经室: the
lines carry the approvers' names and dates once they approved, and stay blank to sign by
hand until then.
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

COMPLAINT_HANDLING_REPORT = FormLayout(
    title="顾客投诉处理报告表",
    sheet_name="投诉处理报告表",
    subject_key="number",
    number_line=(
        Field("number", "投诉编号"),
        Field("report_state", "审批状态"),
        Field("created_by", "填报人"),
        Field("created_at", "填报时间"),
    ),
    footer_fields=(Field("printed_by", "打印人"), Field("printed_at", "打印时间")),
    mark_key="internal_mark",
    blocks=(
        FieldGrid(
            "投诉情况",
            (
                Field("customer_name", "客户名称"),
                Field("customer_code", "客户编号"),
                Field("received_at", "受理时间"),
                Field("category", "投诉类别"),
                Field("product", "产品"),
                Field("spec_batch", "规格/批号"),
                Field("responsible_department", "责任部门"),
                Field("responsible_person", "责任人"),
                Field("handled_at", "处理完毕时间"),
                Field("accident", "质量事故"),
                Field("content", "投诉内容", 2),
            ),
        ),
        TextBlock("处理报告", "cause", "投诉原因", min_height_mm=22.0),
        TextBlock(None, "result", "处理结果", min_height_mm=22.0),
        TextBlock(None, "recommendation", "建议制定的制度\n或开展的培训", min_height_mm=28.0),
        TableBlock(
            "审批记录",
            "approvals",
            (
                Column("step", "审批环节", 2.2),
                Column("decision", "结论", 0.9, "center"),
                Column("who", "审批人", 1.2, "center"),
                Column("on", "日期", 1.3, "center"),
                Column("way", "方式", 0.8, "center"),
                Column("comment", "意见", 3.0),
            ),
            blank_rows=3,
        ),
        SignatureBlock(
            (
                SignatureLine("责任部门负责人", "head_name"),
                SignatureLine("日期", "head_date"),
            )
        ),
        SignatureBlock(
            (
                SignatureLine("市场营销部会签", "marketing_name"),
                SignatureLine("日期", "marketing_date"),
            )
        ),
        SignatureBlock(
            (
                SignatureLine("总经室批准", "manager_name"),
                SignatureLine("日期", "manager_date"),
            )
        ),
    ),
)

__all__ = ["COMPLAINT_HANDLING_REPORT"]
