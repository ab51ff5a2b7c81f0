"""zh_CN demo complaints and revisits over the past two years, made through the services.

Every complaint is registered, reported, checked on site, given its cause (我方原因, 非我方原因,
投诉不成立), solved, finished, called back and closed by the same service calls a clerk's
clicks make, so numbers, steps, deadlines and the audit log are real. The stories are
played in the order of their moments (numbers run with the dates); a story whose next step
lies after now stops there, so recent complaints are still open. A fixed set of recent
stories makes sure every state and every line of 今日待办 has something to show: complaints
due today and tomorrow, overdue and unreported ones, an open major accident, a reopened
round, revisit plans for today and overdue ones.

The services stamp their own steps with the time of the call; the demo's past is then
written as if it had happened then (step times, 结案 time, the revisit and plan records'
dates) and the open complaints' deadlines are worked out again. The audit log keeps the
real time the demo was loaded.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from faker import Faker
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from desktop_crm.models import (
    Complaint,
    ComplaintStep,
    Contact,
    Customer,
    Department,
    Revisit,
    RevisitPlan,
    User,
    local_now,
)

from . import complaints as rules
from . import revisit_reports, revisits, rights, workdays
from .workdays import WorkCalendar

DAYS_BACK = 730
# What the office's stories look like: the share of each cause per kind of complaint.
PRODUCT_CAUSES = ((rules.CAUSE_OURS, 50), (rules.CAUSE_NOT_OURS, 30), (rules.CAUSE_UNFOUNDED, 20))
SERVICE_CAUSES = ((rules.CAUSE_OURS, 65), (rules.CAUSE_NOT_OURS, 15), (rules.CAUSE_UNFOUNDED, 20))
SATISFACTION_WEIGHTS = (
    ("很满意", 30),
    ("满意", 40),
    ("基本满意", 20),
    ("不满意", 8),
    ("很不满意", 2),
)
ROUTINE_KINDS = (
    (revisits.KIND_ROUTINE, 45),
    (revisits.KIND_PHONE, 30),
    (revisits.KIND_VISIT, 15),
    (revisits.KIND_KEY_CUSTOMER, 10),
)

PRODUCTS = (
    "P·O 42.5 普通硅酸盐水泥（袋装）",
    "P·O 42.5 普通硅酸盐水泥（散装）",
    "P·O 52.5 普通硅酸盐水泥（散装）",
    "P·C 32.5R 复合硅酸盐水泥（袋装）",
    "P·S·A 32.5 矿渣硅酸盐水泥（袋装）",
    "P·O 42.5R 普通硅酸盐水泥（袋装）",
)
SITES = (
    "小区二期工地",
    "高速公路第三标段",
    "污水处理厂工地",
    "产业园厂房工地",
    "学校教学楼工地",
    "安置房项目",
    "市政道路改造工程",
    "物流园仓库工地",
    "商混站料仓",
    "经销部库房",
)

# Per category: what the customer says, what they want, what the check finds, and what is
# done — for our fault, not ours, and unfounded.
CONTENT: dict[str, dict[str, tuple[str, ...]]] = {
    "袋数不足": {
        "content": (
            "{day}到货{tons}吨{product}，清点实收{bags}袋，比发货单少{short}袋。",
            "两车袋装水泥卸完后点数，共少{short}袋，司机称装车时已点清。",
        ),
        "demand": ("补足短缺袋数。", "按实收袋数结算。"),
        "findings": (
            "调取装车监控，第二车装车计数器故障，确认少装{short}袋。",
            "核对出厂装车记录与门卫放行单，数量一致，卸货时有袋被工地挪用。",
        ),
        "ours": ("包装车间计数器失灵，未及时发现。",),
        "not_ours": ("出厂记录、监控与签收单一致，短少发生在客户卸货之后，已向客户说明。",),
        "solution": ("下一车补发{short}袋，并对包装线计数器全面检修。",),
        "result": ("已随下批货补足{short}袋，客户签收确认。",),
    },
    "袋重异议": {
        "content": ("客户抽检{bags}袋，平均袋重{weight}公斤，低于标称50公斤。",),
        "demand": ("按实际重量结算差额。", "要求出具袋重检验记录。"),
        "findings": (
            "质检部到场复秤20袋，平均49.1公斤，包装机第3嘴偏差超标。",
            "到场复秤20袋，平均50.2公斤，客户所用磅秤未经检定。",
        ),
        "ours": ("包装机第3嘴计量偏差，校秤不及时。",),
        "not_ours": ("复秤结果合格，客户磅秤误差所致，已出具复秤记录。",),
        "solution": ("按复秤差额补偿客户，包装机每班校秤一次。",),
        "result": ("差额已在本月货款中抵扣，客户认可。",),
    },
    "破损过大": {
        "content": ("卸货时发现破袋{short}袋，破损率约{rate}%，超过合同约定的0.5%。",),
        "demand": ("赔偿破损损失。", "更换包装袋供应商。"),
        "findings": (
            "现场查看破袋多为底部开线，属包装袋缝制质量问题。",
            "破袋集中在车厢后部，系运输途中急刹挤压所致。",
        ),
        "ours": ("本批包装袋缝线强度不足，进厂检验漏检。",),
        "not_ours": ("破损系承运车辆超载挤压造成，已协调承运方赔付。",),
        "solution": ("按破损袋数补发，对该批包装袋退货并加严进厂检验。",),
        "result": ("已补发{short}袋，包装袋供应商已整改。",),
    },
    "受潮结块": {
        "content": (
            "到货水泥部分受潮结块，约{short}袋无法使用。",
            "开袋后发现水泥有硬块，工人反映难以搅拌。",
        ),
        "demand": ("退换受潮水泥。", "派人到现场查看。"),
        "findings": (
            "现场查看，结块水泥集中在库房漏雨一侧，其余正常。",
            "同批次留样未见结块，运输车辆篷布破损，途中遇雨。",
        ),
        "ours": ("发货时篷布破损未更换，途中淋雨受潮。",),
        "not_ours": ("客户库房漏雨、水泥直接堆放在地面，已向客户讲解存放要求。",),
        "solution": ("退换受潮水泥{short}袋，承运车辆出厂前检查篷布。",),
        "result": ("已退换{short}袋，客户满意。",),
    },
    "散装亏吨超标": {
        "content": ("散装罐车过磅净重{tons}吨，比出厂磅单少{loss}吨，超过允许误差。",),
        "demand": ("补足亏吨。", "双方共同复磅。"),
        "findings": (
            "双方共同复磅，罐车卸料不净，罐内残留约{loss}吨。",
            "复磅结果与出厂磅单一致，客户地磅偏差0.8%。",
        ),
        "ours": ("罐车卸料不净，司机未按要求吹扫。",),
        "not_ours": ("客户地磅未按期检定，偏差超标，已建议其送检。",),
        "solution": ("按亏吨数补发，并要求承运方卸料后吹扫确认。",),
        "result": ("亏吨{loss}吨已随下车补足。",),
    },
    "产品质量": {
        "content": (
            "混凝土试块28天强度偏低，怀疑水泥强度不足。",
            "水泥凝结时间明显偏长，影响施工进度。",
            "使用后墙面出现细小裂纹，怀疑安定性不合格。",
            "本批水泥颜色与以往批次差异明显，客户担心质量。",
        ),
        "demand": ("派技术人员到现场查明原因。", "出具该批次检验报告。", "赔偿返工损失。"),
        "findings": (
            "抽取同批次留样复检，3天强度合格，28天强度低于标准值0.6兆帕。",
            "现场取样送检，凝结时间符合GB 175—2023，工地掺加缓凝剂过量。",
            "复检留样各项指标合格，裂纹系养护不当所致。",
        ),
        "ours": ("该批熟料质量波动，出厂控制未及时调整。",),
        "not_ours": ("检验结果合格，问题由施工配比和养护不当引起，已出具检验报告并提供技术指导。",),
        "solution": ("对该批次剩余水泥退换，补偿返工费用，加强熟料质量控制。",),
        "result": ("已退换剩余水泥并补偿返工费用，客户确认。",),
    },
    "服务态度": {
        "content": (
            "客户来电询问发货进度，业务员态度生硬，未给答复。",
            "客户反映开票员说话不耐烦，多次挂断电话。",
        ),
        "demand": ("要求道歉。", "更换对接人员。"),
        "findings": ("调取通话记录，业务员确有语气不当。", "核实通话记录，沟通正常，客户有误解。"),
        "ours": ("业务员服务意识不足。",),
        "not_ours": ("通话记录显示沟通正常，系误会，已向客户解释。",),
        "solution": ("部门负责人上门致歉，业务员参加服务规范培训。",),
        "result": ("已上门致歉，客户接受。",),
    },
    "专业素质": {
        "content": ("业务员对产品标准不熟悉，无法解答客户的技术问题。",),
        "demand": ("派技术人员解答。",),
        "findings": ("业务员入职不久，对新标准不熟悉。",),
        "ours": ("新员工培训不到位。",),
        "not_ours": ("客户所问属施工技术问题，已安排技术人员另行解答。",),
        "solution": ("安排质检部技术人员上门讲解，组织业务员产品知识培训。",),
        "result": ("技术人员已上门讲解，客户问题已解决。",),
    },
    "服务效率": {
        "content": ("订货后{days}天仍未发货，影响工地施工。", "对账单数据有误，多次沟通未解决。"),
        "demand": ("尽快安排发货。", "三日内更正对账单。"),
        "findings": ("订单录入遗漏，未进入发货计划。", "核实为客户未按约定付款，发货暂缓。"),
        "ours": ("订单录入遗漏，跟单不及时。",),
        "not_ours": ("客户未按合同付款，已说明发货条件。",),
        "solution": ("当日优先发货，建立订单跟踪表。",),
        "result": ("已于次日发货，对账单已更正。",),
    },
    "其他服务": {
        "content": ("开具发票延误，影响客户入账。", "送货司机不按指定地点卸货。"),
        "demand": ("尽快开具发票。", "加强司机管理。"),
        "findings": ("财务部开票排队，延误三天。", "司机未看清送货单上的卸货地点。"),
        "ours": ("开票流程衔接不畅。",),
        "not_ours": ("客户提供的开票信息有误，已协助更正。",),
        "solution": ("当日补开发票，优化开票流程。",),
        "result": ("发票已开具并寄出，客户确认收到。",),
    },
}
UNFOUNDED = (
    "经现场核实及留样复检，产品各项指标符合标准，投诉不成立，已向客户说明。",
    "经核对出厂记录和签收单，客户所述情况不属实，投诉不成立。",
)
# Which department answers for which category when the fault is ours.
RESPONSIBLE = {
    "袋数不足": "SCB",
    "袋重异议": "SCB",
    "破损过大": "SHB",
    "受潮结块": "SHB",
    "散装亏吨超标": "SHB",
    "产品质量": "ZJB",
    "服务态度": "YXB",
    "专业素质": "YXB",
    "服务效率": "YXB",
    "其他服务": "CWB",
}
ROUTINE_TALKS = (
    "了解近期水泥使用情况，客户反映质量稳定。",
    "沟通下季度用量计划，预计增加P·O 42.5用量。",
    "走访工地，查看水泥存放条件，提醒注意防潮。",
    "节前礼节性拜访，赠送台历，听取意见。",
    "了解竞争对手报价情况，客户希望价格保持稳定。",
    "询问到货及时性，客户对物流服务表示认可。",
    "协助客户解决散装罐车进场排队问题。",
)
ROUTINE_NEEDS = (
    "希望旺季保证供货。",
    "希望提供月度对账单。",
    "希望加强包装袋质量。",
    "希望散装车辆提前预约。",
    "希望技术人员定期指导。",
    "",
)
COMPLAINT_TALKS = (
    "电话回访{contact}，了解{category}投诉的处理情况。",
    "上门回访{contact}，查看处理结果并听取意见。",
)


def fill_template(rng: random.Random, template: str, received: datetime) -> str:
    """One of CONTENT's texts with its numbers drawn (the bench's generator uses it too)."""
    return template.format(
        day=f"{received.month}月{received.day}日",
        tons=rng.choice((30, 32, 34, 35, 40, 45, 50)),
        product=rng.choice(PRODUCTS).split("（")[0],
        bags=rng.randint(580, 900),
        short=rng.randint(3, 40),
        weight=f"{rng.uniform(47.5, 49.6):.1f}",
        rate=f"{rng.uniform(0.8, 3.5):.1f}",
        loss=f"{rng.uniform(0.3, 1.8):.2f}",
        days=rng.randint(3, 9),
    )


@dataclass
class _Act:
    """One step of a story: when, what, and its arguments."""

    at: datetime
    action: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Story:
    """One complaint's (or one routine revisit's) life, played step by step."""

    acts: list[_Act]
    complaint_id: int | None = None
    plan_id: int | None = None
    step_times: list[datetime] = field(default_factory=list)  # one per ComplaintStep
    closed_at: datetime | None = None


@dataclass
class _Office:
    """What the stories draw on: customers with their contact, staff, departments."""

    customers: list[tuple[int, str | None, str | None]]
    partners: list[int]
    clerk_id: int
    departments: dict[str, int]
    heads: dict[str, str]


def _load_office(session: Session, actor: User) -> _Office | None:
    ids = list(session.scalars(select(Customer.id).order_by(Customer.id).limit(5000)))
    if not ids:
        return None
    contacts = dict(
        session.execute(
            select(Contact.customer_id, Contact.name).where(
                Contact.customer_id.in_(ids), Contact.is_primary.is_(True)
            )
        ).all()
    )
    phones = dict(
        session.execute(
            select(Contact.customer_id, Contact.mobile).where(
                Contact.customer_id.in_(ids), Contact.is_primary.is_(True)
            )
        ).all()
    )
    partners = list(
        session.scalars(
            select(Customer.id)
            .where(Customer.id.in_(ids), Customer.status == revisits.PARTNER)
            .order_by(Customer.id)
        )
    )
    departments = {
        code: id_ for id_, code in session.execute(select(Department.id, Department.code))
    }
    clerk = session.scalar(select(User.id).where(User.name == "杨帆")) or actor.id
    names = dict(session.execute(select(User.name, User.department_id)).all())

    def head(code: str, fallback: str) -> str:
        for name, department in names.items():
            if department == departments.get(code) and name in ("李明", "赵磊"):
                return name
        return fallback

    return _Office(
        customers=[(i, contacts.get(i), phones.get(i)) for i in ids],
        partners=partners or ids,
        clerk_id=clerk,
        departments=departments,
        heads={"YXB": head("YXB", "营销部负责人"), "ZJB": head("ZJB", "质检部负责人")},
    )


# ------------------------------------------------------------------ the stories


class _Writer:
    """Builds stories (moments and texts) for one office."""

    def __init__(
        self,
        rng: random.Random,
        fake: Faker,
        office: _Office,
        calendar: WorkCalendar,
        now: datetime,
    ) -> None:
        self.rng, self.fake, self.office, self.calendar, self.now = rng, fake, office, calendar, now

    # moments ---------------------------------------------------------------------
    def working_moment(self, day: date, earliest: datetime | None = None) -> datetime:
        """A time in office hours on `day`, after `earliest` when that is the same day."""
        moment = datetime.combine(day, time(8, 30)) + timedelta(minutes=self.rng.randint(0, 540))
        if earliest is not None and moment <= earliest:
            moment = earliest + timedelta(minutes=self.rng.randint(20, 150))
        return moment

    def after(self, moment: datetime, working_days: int) -> datetime:
        """A moment `working_days` working days after `moment` (0: later the same day)."""
        if working_days <= 0:
            later = moment + timedelta(minutes=self.rng.randint(20, 180))
            if moment < later and moment < self.now < later:
                # Early in the day: the step still happens today, before now.
                later = moment + (self.now - moment) / 2
            return later.replace(microsecond=0)
        day = self.calendar.add_working_days(moment.date(), working_days)
        return self.working_moment(day, moment)

    def received(self, days_back: int) -> datetime:
        day = self.now.date() - timedelta(days=days_back)
        if self.rng.random() < 0.9 and not self.calendar.is_workday(day):
            day = self.calendar.add_working_days(day, -1)
        return self.working_moment(day)

    def working_days_ago(self, n: int) -> date:
        return self.calendar.add_working_days(self.now.date(), -n) if n else self.now.date()

    # texts -----------------------------------------------------------------------
    def fill(self, template: str, received: datetime) -> str:
        return fill_template(self.rng, template, received)

    def pick(self, category: str, key: str, received: datetime) -> str:
        return self.fill(self.rng.choice(CONTENT[category][key]), received)

    def weighted(self, pairs: tuple[tuple[str, int], ...]) -> str:
        return self.rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]

    # one complaint ---------------------------------------------------------------
    def complaint_story(
        self,
        received: datetime,
        category: str | None = None,
        cause: str | None = None,
        satisfactions: tuple[str, ...] | None = None,
        report_after: int | None = -1,
        site_check: bool | None = None,
        cause_after: int | None = None,
        solution_after: int | None = None,
        finish_after: int | None = None,
        revisit_after: int | None = None,
        close: bool = True,
        stop_before: str | None = None,
        accident: str | None = None,
        customer_id: int | None = None,
    ) -> _Story:
        """A complaint from receipt to 结案 (or to `stop_before`). Day counts are working
        days after the previous step; None means the usual, drawn at random (for the
        report: -1 is the usual, None never reported)."""
        rng = self.rng
        categories = list(CONTENT)
        category = category or rng.choices(categories, [8, 6, 8, 10, 6, 12, 5, 3, 6, 3])[0]
        service = category in rules.SERVICE_CATEGORIES
        customer, contact, phone = (
            next(c for c in self.office.customers if c[0] == customer_id)
            if customer_id is not None
            else rng.choice(self.office.customers)
        )
        occurred = received.date() - timedelta(days=rng.randint(0, 4))
        values = {
            "customer_id": customer,
            "received_at": received,
            "channel": rng.choices(rules.CHANNELS, [60, 10, 8, 18, 4])[0],
            "contact_name": contact or self.fake.name(),
            "contact_phone": phone or self.fake.phone_number(),
            "category": category,
            "content": self.pick(category, "content", received),
            "demand": self.pick(category, "demand", received),
            "occurred_on": occurred,
            "place": f"{self.fake.city_name()}{rng.choice(SITES)}",
            "accident": accident,
        }
        if not service:
            product = rng.choice(PRODUCTS)
            shipped = occurred - timedelta(days=rng.randint(0, 6))
            values |= {
                "product": product,
                "spec_batch": f"{'散装' if '散装' in product else '50kg/袋'} "
                f"批号 {shipped:%Y%m%d}-{rng.randint(1, 4):02d}",
                "shipped_on": shipped,
                "quantity": f"{rng.choice((30, 35, 40, 60, 100, 200))}吨",
                "narrative": f"{shipped.month}月{shipped.day}日发货，"
                f"{occurred.month}月{occurred.day}日使用时发现问题，客户来电反映。",
                "parties": f"司机{self.fake.last_name()}师傅，工地负责人{self.fake.name()}",
            }
        acts = [_Act(received, "register", {"values": values})]

        def add(action: str, at: datetime, **args: Any) -> bool:
            if stop_before == action:
                return False
            acts.append(_Act(at, action, args))
            return True

        if report_after is None:
            return _Story(acts)
        if report_after < 0:  # the usual: on the day, now and then a day late
            report_after = 1 if rng.random() < 0.04 else 0
        reported = self.after(received, report_after)
        heads = self.office.heads
        recipients = [
            (f"市场营销部负责人 {heads['YXB']}", rng.choice(rules.REPORT_WAYS)),
            (f"质检部负责人 {heads['ZJB']}", rng.choice(rules.REPORT_WAYS)),
        ]
        if not add("report", reported, recipients=recipients):
            return _Story(acts)
        moment = reported
        if site_check is None:
            site_check = rng.random() < (0.2 if service else 0.6)
        if site_check:
            moment = self.after(moment, rng.choice((0, 1, 1, 2)))
            checker = rng.choice(("质检部 赵磊", "售后服务部 杨帆", "市场营销部 王芳"))
            if not add(
                "site",
                moment,
                checker=checker,
                findings=self.pick(category, "findings", received),
                customer_confirmed=rng.random() < 0.8,
                qc_confirmed=rng.random() < 0.7,
            ):
                return _Story(acts)
        if satisfactions is None:
            first = self.weighted(SATISFACTION_WEIGHTS)
            satisfactions = (first,)
            if first in rules.UNSATISFIED:  # handled again, and then the customer is content
                satisfactions += (self.weighted(SATISFACTION_WEIGHTS[:3]),)
        rounds = satisfactions
        for round_index, satisfaction in enumerate(rounds):
            found = cause if round_index == 0 and cause else None
            found = found or (rules.CAUSE_OURS if round_index else None)
            found = found or self.weighted(SERVICE_CAUSES if service else PRODUCT_CAUSES)
            days = cause_after if cause_after is not None else rng.choice((0, 1, 1, 2, 3))
            moment = self.after(moment, days if round_index == 0 else rng.randint(1, 2))
            args: dict[str, Any] = {"cause": found}
            if found == rules.CAUSE_OURS:
                code = RESPONSIBLE[category]
                args |= {
                    "department": self.office.departments.get(code),
                    "person": self.fake.name(),
                    "explanation": self.pick(category, "ours", received),
                }
            elif found == rules.CAUSE_NOT_OURS:
                args["explanation"] = self.pick(category, "not_ours", received)
            else:
                args["explanation"] = rng.choice(UNFOUNDED)
            if not add("cause", moment, **args):
                return _Story(acts)
            if accident and round_index == 0:
                add("accident_class", moment + timedelta(minutes=30), kind=accident)
                moment += timedelta(minutes=31)
            if found == rules.CAUSE_OURS:
                days = solution_after
                if days is None:
                    days = rng.choice((1, 1, 2, 2, 3)) if rng.random() < 0.9 else rng.randint(4, 6)
                moment = self.after(moment, days)
                if not add("solution", moment, solution=self.pick(category, "solution", received)):
                    return _Story(acts)
            if found != rules.CAUSE_UNFOUNDED:
                days = finish_after if finish_after is not None else rng.randint(1, 5)
                moment = self.after(moment, days)
                if not add("finish", moment, result=self.pick(category, "result", received)):
                    return _Story(acts)
            days = revisit_after if revisit_after is not None else rng.randint(1, 6)
            moment = self.after(moment, days)
            if not add(
                "revisit",
                moment,
                satisfaction=satisfaction,
                contact=contact or self.fake.name(),
                category=category,
            ):
                return _Story(acts)
            if satisfaction in rules.UNSATISFIED:
                continue
            break
        if close and rounds[-1] not in rules.UNSATISFIED:
            add("close", self.after(moment, rng.choice((0, 1, 1, 2))))
        return _Story(acts)

    # one routine revisit ---------------------------------------------------------
    def routine_story(self, visited: datetime, planned: bool, problem: str | None = None) -> _Story:
        rng = self.rng
        customer, contact, _phone = rng.choice(self.office.customers)
        kind = self.weighted(ROUTINE_KINDS)
        args = {
            "customer_id": customer,
            "kind": kind,
            "method": "电话"
            if kind == revisits.KIND_PHONE
            else rng.choice(("上门", "上门", "电话")),
            "contact_name": contact or self.fake.name(),
            "discussion": rng.choice(ROUTINE_TALKS),
            "needs": rng.choice(ROUTINE_NEEDS) or None,
            "satisfaction": self.weighted(SATISFACTION_WEIGHTS[:4]),
        }
        if problem:
            args |= {"problems": problem, "make_complaint": True, "complaint_category": "受潮结块"}
        acts = []
        if planned:
            acts.append(
                _Act(
                    visited - timedelta(days=rng.randint(3, 10)),
                    "plan",
                    {"customer_id": customer, "kind": kind, "planned_on": visited.date()},
                )
            )
        acts.append(_Act(visited, "routine", args))
        return _Story(acts)

    def plan_story(
        self, planned_on: date, kind: str, complaint_story: _Story | None = None
    ) -> _Story:
        rng = self.rng
        customer = rng.choice(self.office.partners)
        created = self.working_moment(
            self.calendar.add_working_days(min(planned_on, self.now.date()), -rng.randint(2, 5))
        )
        args = {
            "customer_id": customer,
            "kind": kind,
            "planned_on": planned_on,
            "purpose": rng.choice(revisits.PURPOSES),
            "method": rng.choice(("上门", "电话")),
            "content": rng.choice(ROUTINE_TALKS),
            "place": f"{self.fake.city_name()}{rng.choice(SITES)}",
            "complaint_story": complaint_story,
        }
        return _Story([_Act(created, "plan", args)])


def _recent_stories(writer: _Writer) -> list[_Story]:
    """The fixed recent stories, most needed first: every state, and something on every
    line of 今日待办."""
    now = writer.now
    early = datetime.combine(now.date(), time(8, 40))
    today_early = max(min(early, now - timedelta(minutes=40)), datetime.combine(now.date(), time()))

    # The second complaint of today comes a little later (not after now, even at 00:05).
    today_second = (today_early + min(timedelta(minutes=5), (now - today_early) / 3)).replace(
        microsecond=0
    )

    def ago(days: int) -> datetime:
        return writer.working_moment(writer.working_days_ago(days)) if days else today_early

    def story(*args: Any, **kwargs: Any) -> _Story:
        kwargs.setdefault("report_after", 0)  # reported on the day unless said otherwise
        return writer.complaint_story(*args, **kwargs)

    ours, not_ours, unfounded = rules.CAUSES
    return [
        # 已登记: received today (due today: 上报领导) and two working days ago (late).
        story(ago(0), "受潮结块", report_after=None),
        story(ago(2), "袋数不足", report_after=None),
        # 已上报 service complaints: investigation due today, next working day, overdue.
        story(ago(1), "服务效率", site_check=False, stop_before="cause"),
        story(today_second, "服务态度", site_check=False, stop_before="cause"),
        story(ago(4), "专业素质", site_check=False, stop_before="cause"),
        # 调查核实: checked on site, no cause yet (product complaints have no clock yet).
        story(ago(3), "产品质量", site_check=True, stop_before="cause"),
        # 处理中, 我方原因 found 3 working days ago: the solution is due today.
        story(ago(4), "袋重异议", ours, site_check=False, cause_after=1, stop_before="solution"),
        # 处理中, an open 重大质量事故 whose solution is overdue.
        story(
            ago(9),
            "产品质量",
            ours,
            site_check=True,
            cause_after=1,
            stop_before="solution",
            accident="重大质量事故",
        ),
        # 已处理, waiting for its revisit (planned for today).
        story(
            ago(6),
            "破损过大",
            ours,
            site_check=False,
            cause_after=1,
            solution_after=1,
            finish_after=2,
            stop_before="revisit",
        ),
        # 已回访, not closed yet.
        story(
            ago(10),
            "散装亏吨超标",
            not_ours,
            ("满意",),
            cause_after=1,
            finish_after=1,
            revisit_after=2,
            close=False,
        ),
        # 重新处理: the customer was not satisfied; the second round is open.
        story(
            ago(12),
            "服务态度",
            ours,
            ("不满意",),
            site_check=False,
            cause_after=0,
            solution_after=1,
            finish_after=1,
            revisit_after=2,
        ),
        # 已结案: after two rounds, 投诉不成立, 非我方原因, and a 未遂质量事故.
        story(ago(40), "受潮结块", ours, ("很不满意", "满意")),
        story(ago(25), "产品质量", unfounded, ("基本满意",)),
        story(ago(30), "服务效率", not_ours, ("满意",)),
        story(ago(60), "产品质量", ours, ("满意",), accident="未遂质量事故"),
    ]


HANDLED_STORY = 8  # the recent story waiting for its revisit: its plan is for today


def _plan_stories(writer: _Writer, recent: list[_Story]) -> list[_Story]:
    """Plans for today, overdue ones, coming ones and two cancelled."""
    rng, today = writer.rng, writer.now.date()
    stories = []
    if len(recent) > HANDLED_STORY:
        stories.append(writer.plan_story(today, revisits.KIND_COMPLAINT, recent[HANDLED_STORY]))
    stories.append(writer.plan_story(today, revisits.KIND_ROUTINE))
    stories.append(writer.plan_story(today, revisits.KIND_KEY_CUSTOMER))
    for days in (1, 3, 6):
        stories.append(writer.plan_story(writer.working_days_ago(days), revisits.KIND_ROUTINE))
    for index in range(4):
        coming = writer.calendar.add_working_days(today, rng.randint(1, 10))
        stories.append(writer.plan_story(coming, writer.weighted(ROUTINE_KINDS)))
        if index == 0:  # one coming plan was moved (改期) once
            moved = stories[-1]
            moved.acts.append(
                _Act(
                    moved.acts[0].at + timedelta(hours=1),
                    "reschedule",
                    {
                        "planned_on": writer.calendar.add_working_days(coming, 2),
                        "reason": "客户临时外出，约定改日拜访。",
                    },
                )
            )
    for _ in range(2):
        coming = writer.calendar.add_working_days(today, rng.randint(2, 8))
        cancelled = writer.plan_story(coming, revisits.KIND_VISIT)
        cancelled.acts.append(
            _Act(
                cancelled.acts[0].at + timedelta(hours=2),
                "cancel",
                {"reason": rng.choice(("客户临时外出，改期再约。", "客户要求改为电话回访。"))},
            )
        )
        stories.append(cancelled)
    return stories


# ------------------------------------------------------------------ playing the stories


class _Player:
    """Plays stories' acts through the services, and remembers when each happened."""

    def __init__(self, session: Session, actor: User, office: _Office, real_today: date) -> None:
        self.session, self.actor, self.office, self.real_today = session, actor, office, real_today
        self.complaints = 0
        self.revisits: dict[int, datetime] = {}
        self.plans: dict[int, tuple[date, datetime]] = {}
        self.born: list[_Story] = []  # complaints registered from a revisit's problem

    def play(self, story: _Story, act: _Act) -> None:
        getattr(self, f"_{act.action}")(story, act)

    def _register(self, story: _Story, act: _Act) -> None:
        complaint = rules.register(self.session, self.actor, act.args["values"])
        story.complaint_id = complaint.id
        story.step_times.append(act.at)
        self.complaints += 1

    def _report(self, story: _Story, act: _Act) -> None:
        rules.report(self.session, self.actor, story.complaint_id, act.args["recipients"], act.at)
        story.step_times.append(act.at)

    def _site(self, story: _Story, act: _Act) -> None:
        rules.site_check(
            self.session,
            self.actor,
            story.complaint_id,
            act.args["checker"],
            act.at,
            act.args["findings"],
            act.args["customer_confirmed"],
            act.args["qc_confirmed"],
        )
        story.step_times.append(act.at)

    def _cause(self, story: _Story, act: _Act) -> None:
        rules.find_cause(
            self.session,
            self.actor,
            story.complaint_id,
            act.args["cause"],
            responsible_department_id=act.args.get("department"),
            responsible_person=act.args.get("person"),
            explanation=act.args.get("explanation"),
            found_at=act.at,
        )
        story.step_times.append(act.at)

    def _accident_class(self, story: _Story, act: _Act) -> None:
        """生产技术部 classifies the accident and gives its opinion (a correction of the
        record: no workflow step)."""
        major = act.args["kind"] == "重大质量事故"
        rules.update(
            self.session,
            self.actor,
            story.complaint_id,
            {
                "accident_class": "重大责任事故" if major else "未遂质量事故（未造成工程损失）",
                "accident_opinion": (
                    "生产技术部界定：熟料质量波动所致。报生产企业总经理，召开质量分析会并形成"
                    "会议纪要；同批次水泥全部追踪，加严出厂检验。"
                    if major
                    else "生产技术部界定：出厂前发现并拦截，未造成损失。加强过程控制。"
                ),
            },
        )

    def _solution(self, story: _Story, act: _Act) -> None:
        rules.propose_solution(
            self.session, self.actor, story.complaint_id, act.args["solution"], proposed_at=act.at
        )
        story.step_times.append(act.at)

    def _finish(self, story: _Story, act: _Act) -> None:
        rules.finish(
            self.session, self.actor, story.complaint_id, act.args["result"], handled_at=act.at
        )
        story.step_times.append(act.at)

    def _revisit(self, story: _Story, act: _Act) -> None:
        satisfaction = act.args["satisfaction"]
        talk = random.Random(story.complaint_id).choice(COMPLAINT_TALKS)
        revisit = revisits.record_revisit(
            self.session,
            self.actor,
            {
                "complaint_id": story.complaint_id,
                "visited_on": act.at.date(),
                "method": "上门" if talk.startswith("上门") else "电话",
                "staff_id": self.office.clerk_id,
                "contact_name": act.args["contact"],
                "discussion": talk.format(
                    contact=act.args["contact"], category=act.args["category"]
                )
                + (
                    "客户对处理结果不认可，要求重新处理。"
                    if satisfaction in rules.UNSATISFIED
                    else "客户对处理结果表示认可。"
                ),
                "needs": "希望今后加强质量控制，避免类似问题。",
                "satisfaction": satisfaction,
            },
        )
        self.revisits[revisit.id] = act.at
        story.step_times.append(act.at)

    def _close(self, story: _Story, act: _Act) -> None:
        rules.close(self.session, self.actor, story.complaint_id, "客户满意，资料已备案，结案。")
        story.step_times.append(act.at)
        story.closed_at = act.at

    def _plan(self, story: _Story, act: _Act) -> None:
        args = dict(act.args)
        complaint_story = args.pop("complaint_story", None)
        planned_on = args["planned_on"]
        if complaint_story is not None:
            if complaint_story.complaint_id is None:
                return
            args["complaint_id"] = complaint_story.complaint_id
            args["customer_id"] = complaint_story.acts[0].args["values"]["customer_id"]
        # The service plans from today on; a past plan is dated back afterwards.
        args["planned_on"] = max(planned_on, self.real_today)
        plan = revisits.plan_revisit(self.session, self.actor, args)
        story.plan_id = plan.id
        self.plans[plan.id] = (planned_on, act.at)

    def _cancel(self, story: _Story, act: _Act) -> None:
        revisits.cancel_plan(self.session, self.actor, story.plan_id, act.args["reason"])

    def _reschedule(self, story: _Story, act: _Act) -> None:
        day = act.args["planned_on"]
        revisits.reschedule_plan(self.session, self.actor, story.plan_id, day, act.args["reason"])
        self.plans[story.plan_id] = (day, self.plans[story.plan_id][1])

    def _routine(self, story: _Story, act: _Act) -> None:
        values = {**act.args, "visited_on": act.at.date(), "staff_id": self.office.clerk_id}
        if story.plan_id is not None:
            values["plan_id"] = story.plan_id
        revisit = revisits.record_revisit(self.session, self.actor, values)
        self.revisits[revisit.id] = act.at
        if revisit.new_complaint_id is not None:
            self.complaints += 1
            received = self.session.get(Complaint, revisit.new_complaint_id).received_at
            self.born.append(
                _Story([], complaint_id=revisit.new_complaint_id, step_times=[received])
            )


def _date_back(session: Session, stories: list[_Story], player: _Player) -> None:
    """Write the demo's past as if it had happened then: the services stamped their steps
    and records with the time of the call."""
    played = [s for s in stories + player.born if s.complaint_id is not None]
    steps = []
    rows = []
    for story in played:
        ids = session.scalars(
            select(ComplaintStep.id)
            .where(ComplaintStep.complaint_id == story.complaint_id)
            .order_by(ComplaintStep.id)
        ).all()
        steps += [{"b_id": i, "b_at": at} for i, at in zip(ids, story.step_times, strict=False)]
        rows.append(
            {
                "b_id": story.complaint_id,
                "b_created": story.step_times[0],
                "b_updated": story.step_times[-1],
            }
        )
    step_table, complaint_table = ComplaintStep.__table__, Complaint.__table__
    if steps:
        session.execute(
            update(step_table)
            .where(step_table.c.id == bindparam("b_id"))
            .values(at=bindparam("b_at")),
            steps,
        )
    if rows:
        session.execute(
            update(complaint_table)
            .where(complaint_table.c.id == bindparam("b_id"))
            .values(created_at=bindparam("b_created"), updated_at=bindparam("b_updated")),
            rows,
        )
    closed = [{"b_id": s.complaint_id, "b_at": s.closed_at} for s in played if s.closed_at]
    if closed:
        session.execute(
            update(complaint_table)
            .where(complaint_table.c.id == bindparam("b_id"))
            .values(closed_at=bindparam("b_at")),
            closed,
        )
    revisit_table, plan_table = Revisit.__table__, RevisitPlan.__table__
    if player.revisits:
        session.execute(
            update(revisit_table)
            .where(revisit_table.c.id == bindparam("b_id"))
            .values(created_at=bindparam("b_at")),
            [{"b_id": i, "b_at": at} for i, at in player.revisits.items()],
        )
    if player.plans:
        session.execute(
            update(plan_table)
            .where(plan_table.c.id == bindparam("b_id"))
            .values(planned_on=bindparam("b_day"), created_at=bindparam("b_at")),
            [{"b_id": i, "b_day": d, "b_at": at} for i, (d, at) in player.plans.items()],
        )
    session.commit()
    session.expire_all()
    rules.refresh_open_deadlines(session)  # the clocks start at the dated-back steps
    session.commit()


def fill_demo_complaints(
    session: Session,
    actor: User,
    complaints: int,
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Make `complaints` complaints over the two years up to `today` (default and latest:
    the real date), their revisits, about as many routine revisits, and revisit plans for
    today, overdue and coming; through the services, as `actor` (who needs the rights to
    register complaints and record revisits). Returns (complaints, revisits) made.
    `progress` gets the share done in per cent."""
    rights.require(session, actor, "complaints", "create")
    rights.require(session, actor, "revisits", "create")
    real_today = date.today()
    today = today or real_today
    if today > real_today:
        raise ValueError("演示数据不能晚于今天。")
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    office = _load_office(session, actor)
    if office is None or complaints <= 0:
        return 0, 0
    calendar = workdays.load_calendar(session)
    now = local_now() if today == real_today else datetime.combine(today, time(17, 30))
    writer = _Writer(rng, fake, office, calendar, now)

    recent = _recent_stories(writer)[:complaints]
    stories = list(recent)
    older = complaints - len(recent)
    if older > 0:
        # A problem found on yesterday's routine revisit, registered from the record (the
        # service gives the new complaint the visit's day at the time of the call).
        found = datetime.combine(writer.working_days_ago(1), local_now().time())
        stories.append(
            writer.routine_story(found, False, "库房内部分水泥受潮结块，客户要求查明原因。")
        )
        older -= 1
    for _ in range(older):
        stories.append(writer.complaint_story(writer.received(rng.randint(1, DAYS_BACK))))
    for _ in range(complaints):
        visited = writer.working_moment(now.date() - timedelta(days=rng.randint(1, DAYS_BACK)))
        if not calendar.is_workday(visited.date()):
            visited = writer.working_moment(calendar.add_working_days(visited.date(), -1))
        stories.append(writer.routine_story(visited, rng.random() < 0.3))
    stories += _plan_stories(writer, recent)

    # Every act up to now, in the order of its moment; a story stops at its first act
    # that lies ahead.
    acts = []
    for index, story in enumerate(stories):
        for act in story.acts:
            if act.at > now:
                break
            acts.append((act.at, index, act))
    acts.sort(key=lambda entry: (entry[0], entry[1]))
    player = _Player(session, actor, office, real_today)
    for done, (_at, index, act) in enumerate(acts, start=1):
        player.play(stories[index], act)
        if progress is not None and done % 200 == 0:
            progress(done * 100 // len(acts))
    _date_back(session, stories, player)
    _write_reports(session, actor, office, player, calendar, now, seed)
    if progress is not None:
        progress(100)
    return player.complaints, len(player.revisits)


# ------------------------------------------------------------------ the revisit reports

# Shares of the revisits' 客户回访报告表 (DOMAIN §3): most written the next working day, some
# late, some missing; most of the written ones reviewed by the 客户服务主管.
REPORT_ON_TIME, REPORT_LATE = 0.82, 0.10  # the rest stays missing
REPORT_REVIEWED = 0.88
EVALUATIONS = {
    "很满意": (
        "客户非常认可我公司的产品和服务，关系稳固。",
        "回访及时，客户评价很高，可作为重点维护客户。",
    ),
    "满意": ("客户总体满意，沟通顺畅，无遗留问题。", "回访达到预期目的，客户认可处理结果。"),
    "基本满意": ("客户基本认可，但对交货及时性仍有期望，需持续跟进。",),
    "不满意": ("客户不满意，问题尚未真正解决，需转相关部门重新处理。",),
    "很不满意": ("客户很不满意，已按规定升级处理，需部门负责人亲自跟进。",),
    None: ("本次回访以了解情况为主，未请客户评价；客户配合良好。",),
}
OPINIONS = {
    "good": (
        "同意。继续保持定期回访，关注客户用量变化。",
        "报告清楚。下次回访时可顺便了解竞品价格情况。",
        "已阅。按计划做好下次回访，注意收集客户对新产品的意见。",
    ),
    "bad": (
        "请三日内会同责任部门制定整改措施，并再次回访确认。",
        "问题要跟踪到底，处理结果报市场营销部负责人。",
    ),
}


def _write_reports(
    session: Session,
    actor: User,
    office: _Office,
    player: _Player,
    calendar: WorkCalendar,
    now: datetime,
    seed: int,
) -> None:
    """Each past revisit's report, written and reviewed through services.revisit_reports
    by the revisit's staff and the 客户服务主管 (the demo's actor when they are missing),
    then dated back to the day it was written and reviewed. The newest revisit past its
    deadline stays without a report and the newest report waits for review, so 今日待办
    shows both lines."""
    if not player.revisits:
        return
    rng = random.Random(seed * 7919 + 17)
    today = now.date()
    writer = session.get(User, office.clerk_id) or actor
    supervisor_id = session.scalar(
        select(User.id)
        .where(User.active.is_(True), User.roles.any(role=revisit_reports.SUPERVISOR_ROLE))
        .order_by(User.id)
        .limit(1)
    )
    reviewer = session.get(User, supervisor_id) if supervisor_id else actor
    rows = session.execute(
        select(
            Revisit.id, Revisit.visited_on, Revisit.method, Revisit.contact_name,
            Revisit.discussion, Revisit.satisfaction, Revisit.kind, Revisit.staff_id,
            Customer.name,
        )
        .join(Customer, Customer.id == Revisit.customer_id)
        .where(Revisit.id.in_(list(player.revisits)))
        .order_by(Revisit.visited_on, Revisit.id)
    ).all()  # fmt: skip
    due_rows = [r for r in rows if revisit_reports.due_on(r.visited_on, calendar) < today]
    kept_missing = due_rows[-1].id if due_rows else None
    written: dict[int, datetime] = {}
    for row in rows:
        due = revisit_reports.due_on(row.visited_on, calendar)
        chance = rng.random()
        if row.id == kept_missing or row.visited_on >= today:
            continue
        if due >= today:  # due today: written already or still to do
            if chance < 0.5:
                written[row.id] = _office_moment(rng, today, now)
            continue
        if chance < REPORT_ON_TIME:
            day = due if rng.random() < 0.8 else row.visited_on
        elif chance < REPORT_ON_TIME + REPORT_LATE:
            day = min(calendar.add_working_days(due, rng.randint(1, 4)), today)
        else:
            continue  # missing
        written[row.id] = _office_moment(rng, day, now)
    by_id = {row.id: row for row in rows}
    reviewed: dict[int, datetime] = {}
    newest = max(written, key=lambda i: (written[i], i)) if written else None
    for revisit_id, at in written.items():
        row = by_id[revisit_id]
        author = writer if row.staff_id == writer.id else actor
        revisit_reports.write_report(
            session, author, revisit_id, _report_summary(row), rng.choice(EVALUATIONS.get(
                row.satisfaction, EVALUATIONS[None]
            )),
        )  # fmt: skip
        review_day = calendar.add_working_days(at.date(), rng.randint(1, 3))
        if revisit_id == newest or review_day > today or rng.random() >= REPORT_REVIEWED:
            continue
        unhappy = row.satisfaction in rules.UNSATISFIED
        opinion = rng.choice(OPINIONS["bad" if unhappy else "good"])
        revisit_reports.review_report(session, reviewer, revisit_id, opinion)
        reviewed[revisit_id] = max(_office_moment(rng, review_day, now), at)
    table = Revisit.__table__
    session.execute(
        update(table).where(table.c.id == bindparam("b_id")).values(report_at=bindparam("b_at")),
        [{"b_id": i, "b_at": at} for i, at in written.items()],
    )
    if reviewed:
        session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(reviewed_at=bindparam("b_at")),
            [{"b_id": i, "b_at": at} for i, at in reviewed.items()],
        )
    session.commit()


def _office_moment(rng: random.Random, day: date, now: datetime) -> datetime:
    """A time in office hours on `day`, not after now."""
    moment = datetime.combine(day, time(8, 30)) + timedelta(minutes=rng.randint(0, 540))
    return min(moment, now).replace(microsecond=0)


def _report_summary(row: Any) -> str:
    """过程与结果概述 from the record: who was visited how, what was found, how satisfied."""
    way = {"电话": "电话回访", "上门": "上门回访", "来访": "接待来访"}.get(row.method or "", "回访")
    contact = f"，{row.contact_name}接待" if row.contact_name else ""
    parts = [f"{row.visited_on.month}月{row.visited_on.day}日{way}{row.name}{contact}。"]
    if row.discussion:
        parts.append(row.discussion.rstrip("。") + "。")
    if row.satisfaction:
        parts.append(f"客户对我公司产品和服务{row.satisfaction}。")
    return "".join(parts)
