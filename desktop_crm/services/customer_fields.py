"""Every field of the customer card declared once: label, kind, limits, import aliases.

The dialog, the history, the import header matching and the printed card all read this list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldKind = Literal["text", "longtext", "choice", "date", "bool", "staff", "credit_code"]


@dataclass(frozen=True)
class CustomerField:
    key: str
    label: str
    kind: FieldKind = "text"
    max_length: int = 200
    required: bool = False
    choices: str | None = None  # the lookup list a choice field picks from
    aliases: tuple[str, ...] = ()
    section: str = "基本信息"


FIELDS: tuple[CustomerField, ...] = (
    CustomerField(
        "name", "客户名称", required=True, aliases=("客户", "单位名称", "公司名称", "名称")
    ),
    CustomerField("short_name", "简称", max_length=100, aliases=("客户简称",)),
    CustomerField(
        "credit_code",
        "统一社会信用代码",
        kind="credit_code",
        max_length=18,
        aliases=("信用代码", "社会信用代码", "统一信用代码"),
    ),
    CustomerField("org_code", "组织机构代码", max_length=20),
    CustomerField("nature", "企业性质", kind="choice", choices="nature", max_length=60),
    CustomerField("supervisor_unit", "主管单位"),
    CustomerField(
        "business_scope", "经营内容", kind="longtext", max_length=2000, aliases=("经营范围",)
    ),
    CustomerField("qualifications", "资质", kind="longtext", max_length=2000),
    CustomerField("relationship_note", "与本公司关系"),
    CustomerField("address", "地址", max_length=300, aliases=("详细地址", "联系地址")),
    CustomerField(
        "region",
        "区域",
        kind="choice",
        choices="region",
        max_length=60,
        aliases=("所属区域", "地区"),
    ),
    CustomerField("phone", "电话", max_length=60, aliases=("联系电话", "单位电话", "办公电话")),
    CustomerField("website", "网址", aliases=("网站", "主页")),
    CustomerField("customer_head", "客户负责人", max_length=60, aliases=("法人代表", "负责人姓名")),
    CustomerField("main_needs", "主要消费需求", kind="longtext", max_length=2000),
    CustomerField("payment_method", "付款方式", max_length=100),
    CustomerField("product_usage", "客户使用产品情况", kind="longtext", max_length=2000),
    CustomerField("category", "客户类别", kind="choice", choices="category", section="分类"),
    CustomerField(
        "volume_class", "销量分类", kind="choice", choices="volume_class", section="分类"
    ),
    CustomerField("settlement", "结算方式", kind="choice", choices="settlement", section="分类"),
    CustomerField("quality", "客户质量", kind="choice", choices="quality", section="分类"),
    CustomerField(
        "grade",
        "客户等级",
        kind="choice",
        choices="grade",
        max_length=10,
        section="分类",
        aliases=("等级",),
    ),
    # The hand mark; last year's 20 largest purchasers are 重点客户 without it (key_customers.py).
    CustomerField("is_key", "指定为重点客户", kind="bool", section="分类", aliases=("重点客户",)),
    CustomerField(
        "status",
        "状态",
        kind="choice",
        choices="status",
        max_length=30,
        section="分类",
        aliases=("客户状态",),
    ),
    CustomerField(
        "source",
        "来源渠道",
        kind="choice",
        choices="source",
        section="分类",
        aliases=("来源", "客户来源"),
    ),
    CustomerField("intermediary", "中介", section="分类", aliases=("中介机构", "介绍人")),
    CustomerField(
        "credit_rating",
        "信用等级",
        kind="choice",
        choices="credit_rating",
        max_length=30,
        section="资信",
    ),
    CustomerField("financial_strength", "资金实力", section="资信"),
    CustomerField("performance_ability", "履约能力", section="资信"),
    CustomerField("management_level", "经营管理水平", section="资信"),
    CustomerField(
        "owner_id",
        "客户经理",
        kind="staff",
        section="归属",
        aliases=("负责人", "区域经办人", "业务员", "经办人"),
    ),
    CustomerField("first_contact_date", "首次接触日期", kind="date", section="归属"),
    CustomerField("notes", "备注", kind="longtext", max_length=4000, section="归属"),
)

FIELDS_BY_KEY = {f.key: f for f in FIELDS}


def field_label(key: str) -> str:
    field = FIELDS_BY_KEY.get(key)
    return field.label if field else key


# The lists the classification fields pick from, with the defaults of DOMAIN §1 (001 第六条).
LOOKUP_LISTS: dict[str, str] = {
    "category": "客户类别",
    "volume_class": "销量分类",
    "settlement": "结算方式",
    "quality": "客户质量",
    "grade": "客户等级",
    "status": "状态",
    "source": "来源渠道",
    "nature": "企业性质",
    "region": "区域",
    "credit_rating": "信用等级",
    "complaint_category": "投诉类别",
}

DEFAULT_LOOKUPS: dict[str, list[tuple[str, str | None]]] = {
    # The seed's definitions (001 第六条), shown where the user picks a category.
    "category": [
        ("集团内部客户", "指陕西煤业化工集团所辖各板块、公司、厂矿等单位用户。"),
        ("陕西省国资委系统客户", "指陕西省国资委所辖 27 个单位的客户。"),
        ("战略合作伙伴客户", "指和本公司签订战略合作协议的客户。"),
        ("商混站", "有固定经营场所，持续经营，以生产、销售商品混凝土为主业的企业法人。"),
        ("中间商", "指销售渠道中间环节的经济组织或个人，包括批发商、零售商和经纪人等。"),
        (
            "重点工程",
            "政府或其他开发单位投资，由承建商（施工方）以成立项目部方式，在一定时间内完成的建设项目；"
            "承建商往往施工地点流动性大、负责人更换较快、固定资产相对较少。",
        ),
        ("其他客户", "以上六种客户以外的客户。"),
    ],
    "volume_class": [("大客户", None), ("中客户", None), ("小客户", None)],
    "settlement": [("现款客户", None), ("周转客户", None), ("月结客户", None)],
    "quality": [("优质客户", None), ("一般客户", None)],
    "grade": [
        ("A", "每周拜访两次"),
        ("B", "每周拜访一次"),
        ("C", "每周拜访一次"),
        ("D", "每周拜访一次"),
    ],
    "status": [
        ("潜在客户", None),
        ("意向客户", None),
        ("合作客户", None),
        ("未成交", None),
        ("已淘汰", None),
    ],
    "source": [
        (v, None)
        for v in (
            "客户广告",
            "企业网站",
            "展会",
            "资料查询",
            "来电",
            "来访",
            "老客户介绍",
            "中介介绍",
            "自行开发",
        )
    ],
    "nature": [
        (v, None)
        for v in (
            "国有企业",
            "集体企业",
            "民营企业",
            "外资企业",
            "个体工商户",
            "事业单位",
            "政府机关",
            "其他",
        )
    ],
    "region": [
        (v, None)
        for v in (
            "西安市",
            "咸阳市",
            "宝鸡市",
            "渭南市",
            "铜川市",
            "延安市",
            "榆林市",
            "汉中市",
            "安康市",
            "商洛市",
            "杨凌示范区",
            "省外",
        )
    ],
    "credit_rating": [("AAA", None), ("AA", None), ("A", None), ("B", None), ("C", None)],
    # DOMAIN §2; the last four are service complaints (DEFAULT_LOOKUP_TAGS), with their own
    # deadlines.
    "complaint_category": [
        (v, None)
        for v in (
            "袋数不足",
            "袋重异议",
            "破损过大",
            "受潮结块",
            "散装亏吨超标",
            "产品质量",
            "服务态度",
            "专业素质",
            "服务效率",
            "其他服务",
        )
    ],
}

# What the program does with a value beyond showing it (LookupValue.tag): a complaint
# category tagged SERVICE_TAG is a service complaint, with the service deadlines (DOMAIN §2).
SERVICE_TAG = "服务"
DEFAULT_SERVICE_CATEGORIES = ("服务态度", "专业素质", "服务效率", "其他服务")
DEFAULT_LOOKUP_TAGS: dict[str, dict[str, str]] = {
    "complaint_category": {value: SERVICE_TAG for value in DEFAULT_SERVICE_CATEGORIES},
}

DEFAULT_DEPARTMENTS: list[tuple[str, str]] = [
    ("总经理办公室", "BGS"),
    ("市场营销部", "YXB"),
    ("售后服务部", "SHB"),
    ("质检部", "ZJB"),
    ("生产技术部", "SCB"),
    ("财务部", "CWB"),
    ("综合服务部", "ZHB"),
]

ADMIN_ROLE = "系统管理员"
ROLES: tuple[str, ...] = (
    "系统管理员",
    "总经理",
    "副总经理",
    "部门负责人",
    "客户服务主管",
    "客户服务专员",
    "客户开发专员",
    "质检员",
    "档案管理员",
    "部门档案员",
)
