"""zh_CN demo data for a fresh store: staff, customers with contacts, follow-ups, purchases."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from faker import Faker
from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from stdnum.cn import uscc

from desktop_crm.models import Customer, Department, FollowUp, Purchase, User

from . import lookups, rights
from .bootstrap import store_is_empty
from .customer_import import insert_customers
from .customers import ContactInput
from .errors import Conflict
from .key_customers import refresh_key_customers
from .staff import StaffInput, save_staff

DEMO_STAFF = [
    ("李明", "YXB", ["部门负责人"]),
    ("王芳", "YXB", ["客户开发专员"]),
    ("张伟", "YXB", ["客户开发专员"]),
    ("刘洋", "YXB", ["客户开发专员"]),
    ("陈静", "SHB", ["客户服务主管"]),
    ("杨帆", "SHB", ["客户服务专员"]),
    ("赵磊", "ZJB", ["部门负责人", "质检员"]),
    ("孙丽", "ZHB", ["档案管理员"]),
    ("周强", "BGS", ["总经理"]),
]
# Places of the office's own market (a Shaanxi cement maker), with the region each belongs to.
_PLACES = [
    ("西安", "西安市"),
    ("临潼", "西安市"),
    ("蓝田", "西安市"),
    ("周至", "西安市"),
    ("鄠邑", "西安市"),
    ("咸阳", "咸阳市"),
    ("三原", "咸阳市"),
    ("泾阳", "咸阳市"),
    ("彬州", "咸阳市"),
    ("兴平", "咸阳市"),
    ("宝鸡", "宝鸡市"),
    ("凤翔", "宝鸡市"),
    ("岐山", "宝鸡市"),
    ("眉县", "宝鸡市"),
    ("渭南", "渭南市"),
    ("富平", "渭南市"),
    ("蒲城", "渭南市"),
    ("韩城", "渭南市"),
    ("华阴", "渭南市"),
    ("铜川", "铜川市"),
    ("延安", "延安市"),
    ("榆林", "榆林市"),
    ("神木", "榆林市"),
    ("汉中", "汉中市"),
    ("安康", "安康市"),
    ("商洛", "商洛市"),
    ("杨凌", "杨凌示范区"),
    ("运城", "省外"),
    ("庆阳", "省外"),
]
_STREETS = [
    "长安路",
    "未央路",
    "凤城二路",
    "人民路",
    "建设路",
    "解放路",
    "朝阳大街",
    "工业园路",
    "渭滨路",
    "迎宾大道",
]
_TRADES = [
    "建材",
    "商砼",
    "混凝土",
    "建设工程",
    "路桥",
    "水泥制品",
    "建筑安装",
    "物资贸易",
    "市政工程",
    "房地产开发",
]
_SUFFIXES = ["有限公司", "有限责任公司", "股份有限公司", "集团有限公司", "经销部", "商混站"]
_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code(rng: random.Random) -> str:
    """A syntactically valid 统一社会信用代码 with a correct check digit."""
    body = (
        "91"
        + f"{rng.randint(110000, 659000):06d}"
        + "".join(rng.choice(_CREDIT_CHARS) for _ in range(9))
    )
    return body + uscc.calc_check_digit(body)


def ensure_demo_staff(session: Session, actor: User) -> None:
    """The demo office's staff, added once (also used by the bench's generator)."""
    departments = {d.code: d.id for d in session.scalars(select(Department))}
    existing = set(session.scalars(select(User.name)))
    for name, dept, roles in DEMO_STAFF:
        if name not in existing:
            save_staff(
                session,
                actor,
                StaffInput(name=name, department_id=departments.get(dept), roles=roles),
            )


def fill_demo_data(
    session: Session,
    actor: User,
    customers: int,
    seed: int = 1,
    progress: Callable[[int], None] | None = None,
    with_complaints: bool = False,
    with_surveys: bool | None = None,
    with_archives: bool | None = None,
) -> int:
    """Fill an empty store; refuses a store that already has customers. `with_complaints`
    adds complaints and revisits over the past two years in every state; `with_surveys`
    (default: with the complaints) satisfaction surveys over the past three years;
    `with_archives` (default: with the complaints) the archive ledger over fifteen years."""
    rights.require(session, actor, "customers", "import")
    if not store_is_empty(session):
        raise Conflict("数据库里已经有客户资料，演示数据只能装入空的数据库。")
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    ensure_demo_staff(session, actor)
    sales = list(
        session.scalars(select(User.id).where(User.name.in_([n for n, _, _ in DEMO_STAFF[:4]])))
    )
    choices = {
        key: lookups.value_names(session, key)
        for key in (
            "category",
            "volume_class",
            "settlement",
            "quality",
            "grade",
            "status",
            "source",
            "nature",
            "region",
        )
    }
    rows = []
    for index in range(customers):
        city, region = rng.choice(_PLACES)
        name = f"{city}{fake.last_name()}{rng.choice(['氏', '兴', '盛', '达', '华', '源', '鑫'])}{rng.choice(_TRADES)}{rng.choice(_SUFFIXES)}"
        values = {
            "name": name,
            "short_name": name[:4] if rng.random() < 0.5 else None,
            "credit_code": credit_code(rng) if rng.random() < 0.8 else None,
            "address": (f"陕西省{region}" if region != "省外" else f"{city}市")
            + f"{rng.choice(_STREETS)}{rng.randint(1, 300)}号",
            "phone": fake.phone_number(),
            "customer_head": fake.name(),
            "owner_id": rng.choice(sales),
            "is_key": rng.random() < 0.05,
            **{key: rng.choice(vals) for key, vals in choices.items() if vals},
            "region": region,
        }
        contact = ContactInput(
            name=fake.name(),
            title=rng.choice(["经理", "采购主管", "总经理", "技术员", "办公室主任"]),
            mobile=fake.phone_number(),
            is_primary=True,
        )
        rows.append((index + 1, values, contact))
    written = insert_customers(session, actor, rows, "演示数据", progress)
    _add_history_samples(session, rng, fake, sales, min(customers, 200))
    session.commit()
    if with_complaints:
        from .demo_complaints import fill_demo_complaints

        fill_demo_complaints(session, actor, demo_complaint_count(customers), seed=seed)
    if with_complaints if with_surveys is None else with_surveys:
        from .demo_surveys import fill_demo_surveys

        fill_demo_surveys(session, actor, seed=seed)
    if with_complaints if with_archives is None else with_archives:
        from .demo_archives import fill_demo_archives

        fill_demo_archives(session, actor, seed=seed)
    return written


def demo_complaint_count(customers: int) -> int:
    """Complaints that make a demo look lived in, without a long wait (≈0.1 s each)."""
    return min(max(customers // 10, 12), 60)


def _add_history_samples(
    session: Session, rng: random.Random, fake: Faker, staff: list[int], count: int
) -> None:
    ids = list(session.scalars(select(Customer.id).order_by(Customer.id).limit(count)))
    today = date.today()
    followups, purchases = [], []
    for cid in ids:
        for _ in range(rng.randint(0, 3)):
            followups.append(
                {
                    "customer_id": cid,
                    "followed_on": today - timedelta(days=rng.randint(1, 300)),
                    "way": rng.choice(["电话", "上门", "微信"]),
                    "content": fake.sentence(nb_words=8),
                    "result": rng.choice(["有意向", "继续跟进", "已签订合同", None]),
                    "staff_id": rng.choice(staff),
                }
            )
        for year in (today.year - 2, today.year - 1):
            tons = Decimal(rng.randint(200, 50000))
            purchases.append(
                {
                    "customer_id": cid,
                    "year": year,
                    "tons": tons,
                    "amount": (tons * Decimal(rng.randint(380, 460))).quantize(Decimal("0.01")),
                }
            )
    if followups:
        session.execute(insert(FollowUp), followups)
    if purchases:
        session.execute(insert(Purchase), purchases)
    refresh_key_customers(session)
