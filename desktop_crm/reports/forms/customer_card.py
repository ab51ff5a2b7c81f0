"""客户资料管理卡: one customer's file on A4 (DOMAIN §1, §6 item 6).

The data mapping comes from the customer service; its keys are the ``key`` values below.
Tables: ``contacts``, ``purchases``, ``followups``, ``complaints`` (lists of dicts).
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

CUSTOMER_CARD = FormLayout(
    title="客户资料管理卡",
    sheet_name="客户资料管理卡",
    subject_key="name",
    mark_key="internal_mark",
    number_line=(
        Field("code", "客户编号"),
        Field("owner_name", "客户经理"),
        Field("registered_at", "登记时间"),
    ),
    footer_fields=(Field("printed_by", "打印人"), Field("printed_at", "打印时间")),
    blocks=(
        FieldGrid(
            "基本信息",
            (
                Field("name", "客户名称", span=2),
                Field("short_name", "简称"),
                Field("credit_code", "统一社会信用代码"),
                Field("nature", "企业性质"),
                Field("supervisor_unit", "主管单位"),
                Field("relationship", "与本公司关系"),
                Field("region", "区域"),
                Field("address", "地址", span=2),
                Field("phone", "电话"),
                Field("website", "网址"),
                Field("customer_head", "客户负责人"),
                Field("first_contact_date", "首次接触日期"),
                Field("qualifications", "资质", span=2),
                Field("business_scope", "经营内容", span=2),
                Field("main_needs", "主要消费需求", span=2),
                Field("payment_method", "付款方式", span=2),
                Field("product_usage", "客户使用产品情况", span=2),
            ),
        ),
        FieldGrid(
            "分类",
            (
                Field("category", "客户类别"),
                Field("volume_class", "销量分类"),
                Field("settlement", "结算方式"),
                Field("quality", "客户质量"),
                Field("grade", "客户等级"),
                Field("is_key", "重点客户"),
                Field("status", "状态"),
                Field("source", "来源渠道"),
                Field("intermediary", "中介"),
            ),
            columns=3,
            label_width_mm=20,
        ),
        FieldGrid(
            "资信",
            (
                Field("credit_rating", "信用等级"),
                Field("financial_strength", "资金实力"),
                Field("performance_ability", "履约能力"),
                Field("management_level", "经营管理水平"),
            ),
        ),
        TableBlock(
            "联系人",
            "contacts",
            (
                Column("name", "姓名", 1.5),
                Column("title", "职务", 1.7),
                Column("gender", "性别", 0.9, "center"),
                Column("mobile", "手机", 2.4, "center"),
                Column("phone", "座机", 2.8, "center"),
                Column("email", "邮箱", 3.4),
                Column("birthday", "生日", 2.4, "center"),
                Column("is_primary", "主要\n联系人", 1.2, "center"),
                Column("is_emergency", "紧急\n联系人", 1.2, "center"),
            ),
            numbered=True,
        ),
        TableBlock(
            "年度购货",
            "purchases",
            (
                Column("year", "年度", 1.0, "center"),
                Column("tons", "购货量（吨）", 2.0, "right"),
                Column("amount", "购货金额（元）", 2.0, "right"),
            ),
        ),
        TableBlock(
            "跟进记录",
            "followups",
            (
                Column("date", "日期", 2.0, "center"),
                Column("way", "方式", 1.4, "center"),
                Column("content", "内容", 4.0),
                Column("result", "结果", 2.6),
                Column("problems", "问题", 2.6),
                Column("next_step", "下一步", 2.6),
            ),
        ),
        TableBlock(
            "投诉与回访",
            "complaints",
            (
                Column("number", "投诉编号", 2.0, "center"),
                Column("received_at", "受理时间", 2.2, "center"),
                Column("category", "投诉类别", 2.0, "center"),
                Column("state", "状态", 1.5, "center"),
            ),
        ),
        TextBlock(None, "notes", "备注", min_height_mm=16),
        SignatureBlock(
            (
                SignatureLine("客户经理"),
                SignatureLine("部门负责人"),
                SignatureLine("日期"),
            )
        ),
    ),
)
