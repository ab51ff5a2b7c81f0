"""Satisfaction surveys (DOMAIN §4) through the services: numbers, items and competitors,
the respondent list, entering questionnaires, the figures counted in SQL, the states and
the completion rule, improvement actions and 今日待办, the report data, rights and stale
saves, and the demo surveys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_crm.models import (
    AuditEntry,
    Department,
    Purchase,
    Survey,
    SurveyAnswer,
    SurveyQuestionnaire,
    User,
)
from desktop_crm.services import (
    customers,
    settings,
    staff,
    survey_answers,
    survey_improvements,
    survey_list,
    survey_report,
    survey_respondents,
    surveys,
)
from desktop_crm.services.errors import Conflict, PermissionDenied, ValidationError
from desktop_crm.services.key_customers import refresh_key_customers
from desktop_crm.services.satisfaction import Score, percent_text, score_levels
from desktop_crm.services.survey_answers import QuestionnaireInput
from desktop_crm.services.surveys import ItemInput

WORKED = ["很满意"] * 10 + ["满意"] * 5 + ["基本满意"] * 6 + ["不满意"] * 3 + ["很不满意"]


def department_id(session: Session, code: str) -> int:
    found = session.scalar(select(Department.id).where(Department.code == code))
    assert found is not None
    return found


def person(session: Session, admin: User, name: str, code: str, *roles: str) -> User:
    data = staff.StaffInput(name=name, department_id=department_id(session, code), roles=roles)
    return staff.save_staff(session, admin, data)


@dataclass
class Office:
    admin: User
    clerk: User  # 客户服务专员: enters every questionnaire
    zhang: User  # 客户开发专员 (市场营销部) with his own customers
    li: User  # 客户开发专员 (售后服务部)
    customers: list[int]  # 26 customers, purchases 2025 falling with the index
    zhang_customers: list[int]
    dealer: int  # a 中间商, the last customer


@pytest.fixture
def office(session: Session, admin: User) -> Office:
    return build_office(session, admin)


def build_office(session: Session, admin: User) -> Office:
    clerk = person(session, admin, "陈客服", "SHB", "客户服务专员")
    zhang = person(session, admin, "张伟", "YXB", "客户开发专员")
    li = person(session, admin, "李娜", "SHB", "客户开发专员")
    ids, zhangs = [], []
    for index in range(26):
        owner = zhang if index % 2 == 0 else li
        values = {
            "name": f"西安第{index + 1}建材有限公司",
            "owner_id": owner.id,
            "status": "合作客户",
        }
        if index == 25:
            values.update(name="咸阳华盛水泥经销部", category="中间商")
        customer = customers.save_customer(session, admin, values)
        ids.append(customer.id)
        if owner is zhang:
            zhangs.append(customer.id)
        session.add(Purchase(customer_id=customer.id, year=2025, amount=Decimal(100000 - index)))
    session.commit()
    refresh_key_customers(session)
    session.commit()
    return Office(admin, clerk, zhang, li, ids, zhangs, ids[25])


def new_survey(
    session: Session, actor: User, kind: str = surveys.KIND_KEY, **values: object
) -> surveys.SurveyDetail:
    data = {
        "name": "2026年第2季度重点客户满意度调查",
        "kind": kind,
        "period_from": "2026-04-01",
        "period_to": "2026-06-30",
        **values,
    }
    return surveys.create_survey(session, actor, data, competitors=["冀东水泥", "海螺水泥"])


def running(session: Session, office: Office, **values: object) -> surveys.SurveyDetail:
    detail = new_survey(session, office.admin, **values)
    survey_respondents.generate_respondents(
        session, office.admin, detail.id, [surveys.GROUP_TOP20], purchase_year=2025
    )
    return surveys.start_survey(session, office.admin, detail.id)


def enter(
    session: Session,
    actor: User,
    detail: surveys.SurveyDetail,
    customer_id: int | None,
    levels: dict[int, object],
    **more: object,
) -> survey_answers.QuestionnaireRow:
    data = QuestionnaireInput(customer_id=customer_id, levels=levels, **more)  # type: ignore[arg-type]
    return survey_answers.save_questionnaire(session, actor, detail.id, data)


# ------------------------------------------------------------------ the survey itself


def test_a_new_survey_gets_the_next_number_of_its_year_and_the_default_items(
    session: Session, office: Office
) -> None:
    first = new_survey(session, office.admin)
    second = new_survey(session, office.admin, name="下半年普通客户", kind=surveys.KIND_ORDINARY)
    other_year = new_survey(session, office.admin, period_from="2027-01-05", period_to="2027-03-31")
    assert (first.number, second.number, other_year.number) == (
        "MY2026-01",
        "MY2026-02",
        "MY2027-01",
    )
    assert [i.name for i in first.items] == list(surveys.DEFAULT_ITEMS)
    assert first.items[0].name == "产品功能（主要性能）"  # full-width brackets kept
    assert [c.name for c in first.competitors] == ["冀东水泥", "海螺水泥"]
    assert first.state == surveys.PREPARING and first.actions == (surveys.START,)
    # targets from this year's settings
    assert (first.target_degree, first.target_rate, first.target_top20) == (85, 90, 100)
    assert first.purchase_year == 2025
    found = surveys.find_by_number(session, office.clerk, " my2026-02 ")
    assert found.id == second.id


def test_targets_default_from_the_settings(session: Session, office: Office) -> None:
    settings.set_value(session, office.admin, "survey.target.degree", 88)
    defaults = surveys.new_survey_defaults(
        session, office.admin, surveys.KIND_ORDINARY, date(2026, 8, 3)
    )
    assert defaults.values["target_degree"] == Decimal(88)
    assert (defaults.values["period_from"], defaults.values["period_to"]) == (
        date(2026, 7, 1),
        date(2026, 12, 31),
    )
    assert defaults.values["name"] == "2026年下半年普通客户满意度调查"
    assert defaults.items == surveys.DEFAULT_ITEMS
    assert "没有已完成的同类调查" in defaults.proposal.text


def test_bad_input_is_refused_by_field_and_writes_nothing(session: Session, office: Office) -> None:
    before = session.scalar(select(func.count()).select_from(Survey))
    with pytest.raises(ValidationError) as refused:
        surveys.create_survey(
            session,
            office.admin,
            {"name": "", "kind": "每周", "period_from": "2026-05-01", "period_to": "2026-04-01",
             "target_degree": "120", "target_rate": "九十"},
            items=["外观", "外观"],
        )  # fmt: skip
    problems = refused.value.by_field
    assert problems["name"] == "调查名称：必须填写。"
    assert "调查类型" in problems["kind"]
    assert problems["period_to"] == "调查结束日期：不能早于开始日期。"
    assert "0 到 100" in problems["target_degree"] and "百分数" in problems["target_rate"]
    assert "重复" in problems["items"]
    assert session.scalar(select(func.count()).select_from(Survey)) == before


def test_items_are_edited_per_survey_and_an_answered_item_can_only_be_retired(
    session: Session, office: Office
) -> None:
    detail = running(session, office)
    first, second = detail.items[0], detail.items[1]
    enter(session, office.clerk, detail, office.customers[0], {first.id: "满意"})
    kept = [ItemInput(i.name, i.id) for i in detail.items if i.id != first.id]
    with pytest.raises(ValidationError, match="已有 1 条回答，不能删除；可以改为停用"):
        surveys.update_survey(session, office.admin, detail.id, {}, items=kept)
    items = [
        ItemInput("价格", None),  # added, first
        ItemInput(second.name, second.id),
        ItemInput("主要性能", first.id, active=False),  # renamed and retired
        *[ItemInput(i.name, i.id) for i in detail.items[2:]],
    ]
    changed = surveys.update_survey(
        session, office.admin, detail.id, {}, detail.version, items=items
    )
    assert [i.name for i in changed.items][:3] == ["价格", second.name, "主要性能"]
    assert [i.name for i in changed.active_items][:2] == ["价格", second.name]
    assert changed.items[2].answers == 1
    note = session.scalar(
        select(AuditEntry.detail)
        .where(AuditEntry.field == "调查项目")
        .order_by(AuditEntry.seq.desc())
    )
    assert "新增「价格」" in note and "停用「主要性能」" in note
    # the retired item's answers are kept but no longer counted
    figures = surveys.survey_figures(session, office.admin, detail.id)
    assert figures.survey.n == 0


def test_a_stale_save_is_refused(session: Session, office: Office) -> None:
    detail = new_survey(session, office.admin)
    surveys.update_survey(session, office.admin, detail.id, {"notes": "先改"}, detail.version)
    with pytest.raises(Conflict, match="刚被别人修改过"):
        surveys.update_survey(session, office.admin, detail.id, {"notes": "后改"}, detail.version)


def test_the_survey_list_finds_by_number_and_name(session: Session, office: Office) -> None:
    new_survey(session, office.admin)
    new_survey(session, office.admin, name="2026年包装质量专项调查", kind=surveys.KIND_SPECIAL)
    query = survey_list.survey_query(session, office.clerk, "包装")
    rows = query.page(session, 0, 50)
    assert [r[2] for r in rows] == ["2026年包装质量专项调查"]
    assert query.count(session) == 1
    by_number = survey_list.survey_query(session, office.clerk, "2026-01").page(session, 0, 50)
    assert [r[1] for r in by_number] == ["MY2026-01"]
    kinds = survey_list.survey_query(session, office.clerk, filters={"kind": surveys.KIND_SPECIAL})
    assert kinds.count(session) == 1


# ------------------------------------------------------------------ respondents


def test_the_respondent_list_is_generated_the_regulations_way(
    session: Session, office: Office
) -> None:
    detail = new_survey(session, office.admin)
    summary = survey_respondents.generate_respondents(
        session, office.admin, detail.id, [surveys.GROUP_TOP20, surveys.GROUP_ORDINARY], 2025
    )
    assert summary.by_group == {"前20名": 20, "普通客户": 6}
    rows = survey_respondents.respondent_rows(session, office.admin, detail.id)
    top = [r.customer_id for r in rows if r.group == "前20名"]
    assert sorted(top) == sorted(office.customers[:20])  # the 20 largest 2025 purchasers
    assert {r.added_how for r in rows} == {"生成"}
    # hand edits before the start; after the start the list is fixed
    removed = survey_respondents.remove_respondents(session, office.admin, detail.id, [rows[0].id])
    assert removed == 1
    surveys.start_survey(session, office.admin, detail.id)
    with pytest.raises(ValidationError, match="名单不能再改"):
        survey_respondents.add_respondents(session, office.admin, detail.id, [office.customers[0]])


def test_a_sales_person_sees_only_their_customers_on_the_list(
    session: Session, office: Office
) -> None:
    detail = new_survey(session, office.admin)
    survey_respondents.generate_respondents(session, office.admin, detail.id, ["前20名"], 2025)
    mine = survey_respondents.respondent_rows(session, office.zhang, detail.id)
    assert {r.customer_id for r in mine} == set(office.zhang_customers[:10])


# ------------------------------------------------------------------ questionnaires


def test_entering_answers_needs_a_running_survey(session: Session, office: Office) -> None:
    detail = new_survey(session, office.admin)
    with pytest.raises(ValidationError, match="请先「开始调查」"):
        enter(session, office.clerk, detail, office.customers[0], {detail.items[0].id: 1})


def test_the_worked_example_counted_in_sql(session: Session, office: Office) -> None:
    detail = running(session, office)
    item = detail.items[0].id
    for customer_id, level in zip(office.customers, WORKED, strict=False):
        other = {detail.items[1].id: None}  # left blank: never counted
        enter(session, office.clerk, detail, customer_id, {item: level, **other})
    figures = surveys.survey_figures(session, office.clerk, detail.id)
    assert figures.survey.figures == (Decimal("76"), Decimal("84"))
    assert figures.item(item).survey.figures == (Decimal("76"), Decimal("84"))
    assert figures.item(detail.items[1].id).survey.n == 0
    assert figures.overall.degree is None and "自评部分" in figures.overall.reason
    assert figures.questionnaires == {"客户": 25, "经销商": 0, "自评": 0}
    assert any("至少回收 100 份" in w for w in figures.warnings)
    assert any("至少回收 10 份竞争对手问卷" in w for w in figures.warnings)


def test_parts_types_competitors_and_the_weighted_overall(session: Session, office: Office) -> None:
    detail = running(session, office)
    a, b = detail.items[0].id, detail.items[1].id
    competitor = detail.competitors[0].id
    enter(session, office.clerk, detail, office.customers[0], {a: "很满意", b: "满意"})
    dealer = enter(session, office.clerk, detail, office.dealer, {a: "不满意", b: "基本满意"})
    assert dealer.respondent_type == "经销商"  # a 中间商 answers as a dealer by default
    enter(
        session, office.clerk, detail, office.customers[0], {a: 5, b: 4}, competitor_id=competitor
    )
    self_data = QuestionnaireInput(
        respondent_type="自评", staff_id=office.zhang.id, levels={a: 2, b: 2}
    )
    survey_answers.save_questionnaire(session, office.clerk, detail.id, self_data)
    figures = surveys.survey_figures(session, office.clerk, detail.id)
    assert figures.survey == Score.of_levels(["很满意", "满意", "不满意", "基本满意"])
    assert figures.self_assessment.figures == (Decimal(80), Decimal(100))
    assert figures.by_type["经销商"].figures == score_levels(["不满意", "基本满意"])
    assert figures.overall.degree == Decimal(80) * Decimal("0.4") + Decimal(70) * Decimal("0.6")
    assert percent_text(figures.overall.degree) == "74.0%"
    (first, second) = figures.competitors
    assert first.questionnaires == 1 and first.score.figures == (Decimal(30), Decimal(0))
    assert second.questionnaires == 0 and second.score.degree is None
    assert figures.competitor_questionnaires == 1 and figures.customer_questionnaires == 2
    assert figures.by_group["前20名"].n == 2  # customer 0 is among the top 20; the dealer not
    assert [i.name for i in figures.dissatisfied_items] == [detail.items[0].name]


def test_one_questionnaire_per_respondent_and_company(session: Session, office: Office) -> None:
    detail = running(session, office)
    a = detail.items[0].id
    enter(session, office.clerk, detail, office.customers[0], {a: 1})
    with pytest.raises(ValidationError, match="关于「本公司」的问卷已经录入过了") as refused:
        enter(session, office.clerk, detail, office.customers[0], {a: 2})
    assert "customer_id" in refused.value.by_field
    # about a competitor it is another questionnaire
    enter(
        session,
        office.clerk,
        detail,
        office.customers[0],
        {a: 2},
        competitor_id=detail.competitors[1].id,
    )


def test_a_questionnaire_is_checked_field_by_field(session: Session, office: Office) -> None:
    detail = running(session, office)
    a, b = detail.items[0].id, detail.items[1].id
    before = session.scalar(select(func.count()).select_from(SurveyAnswer))
    with pytest.raises(ValidationError) as refused:
        enter(
            session, office.clerk, detail, office.customers[0], {a: "很好", b: None},
            reasons={b: "没选就写了原因"}, returned_on="2099-01-01",
        )  # fmt: skip
    problems = refused.value.by_field
    assert "不是满意程度" in problems[f"item:{a}"]
    assert "先选满意程度" in problems[f"reason:{b}"]
    assert "不能晚于今天" in problems["returned_on"]
    with pytest.raises(ValidationError, match="没有任何回答"):
        enter(session, office.clerk, detail, office.customers[0], {a: None})
    with pytest.raises(ValidationError, match="请选择答卷的客户"):
        enter(session, office.clerk, detail, None, {a: 1})
    assert session.scalar(select(func.count()).select_from(SurveyAnswer)) == before


def test_correcting_a_questionnaire_keeps_the_copies_for_the_figures_in_step(
    session: Session, office: Office
) -> None:
    detail = running(session, office)
    a, b = detail.items[0].id, detail.items[1].id
    row = enter(session, office.clerk, detail, office.customers[0], {a: "满意", b: "满意"})
    changed = survey_answers.save_questionnaire(
        session,
        office.clerk,
        detail.id,
        QuestionnaireInput(
            customer_id=office.customers[0],
            competitor_id=detail.competitors[0].id,
            levels={a: "不满意"},
            reasons={a: "到货晚"},
            feedback="希望准时",
        ),  # fmt: skip
        questionnaire_id=row.id,
        expected_version=row.version,
    )
    assert changed.version == row.version + 1
    assert changed.levels == {a: "不满意"} and changed.reasons == {a: "到货晚"}
    assert changed.competitor_name == "冀东水泥" and changed.feedback == "希望准时"
    copies = session.execute(
        select(SurveyAnswer.competitor_id, SurveyAnswer.respondent_type, SurveyAnswer.respondent_group)
        .where(SurveyAnswer.questionnaire_id == row.id)
    ).all()  # fmt: skip
    assert copies == [(detail.competitors[0].id, "客户", "前20名")]
    figures = surveys.survey_figures(session, office.clerk, detail.id)
    assert figures.survey.n == 0 and figures.competitors[0].score.n == 1
    with pytest.raises(Conflict, match="刚被别人修改过"):
        survey_answers.save_questionnaire(
            session, office.clerk, detail.id, QuestionnaireInput(customer_id=office.customers[0],
            levels={a: 1}), questionnaire_id=row.id, expected_version=row.version,
        )  # fmt: skip
    edit = session.scalar(
        select(AuditEntry).where(AuditEntry.object_type == "survey_questionnaire")
        .order_by(AuditEntry.seq.desc())
    )  # fmt: skip
    assert edit.act == "修改" and "满意" in edit.old_value and "不满意（到货晚）" in edit.new_value


def test_rows_for_the_grid_and_deleting_one(session: Session, office: Office) -> None:
    detail = running(session, office)
    a = detail.items[0].id
    first = enter(
        session, office.clerk, detail, office.customers[0], {a: 1}, returned_on="2026-05-03"
    )
    enter(session, office.clerk, detail, office.customers[1], {a: 3})
    rows = survey_answers.questionnaire_rows(session, office.clerk, detail.id, about="us")
    assert [r.respondent_name for r in rows] == ["西安第1建材有限公司", "西安第2建材有限公司"]
    assert rows[0].level_list([i.id for i in detail.items])[:2] == ["很满意", None]
    assert rows[0].returned_on == date(2026, 5, 3) and rows[0].about == "本公司"
    survey_answers.delete_questionnaire(session, office.clerk, first.id, first.version)  # own entry
    assert [r.id for r in survey_answers.questionnaire_rows(session, office.clerk, detail.id)] == [
        rows[1].id
    ]
    assert (
        session.scalar(select(func.count()).where(SurveyAnswer.questionnaire_id == first.id)) == 0
    )


def test_sales_staff_enter_and_see_only_their_own(session: Session, office: Office) -> None:
    detail = running(session, office)
    a = detail.items[0].id
    enter(session, office.zhang, detail, office.zhang_customers[0], {a: 1})
    with pytest.raises(PermissionDenied, match="不归您或您的部门负责"):
        enter(session, office.zhang, detail, office.customers[1], {a: 1})  # 李娜's customer
    enter(session, office.clerk, detail, office.customers[1], {a: 2})
    seen = survey_answers.questionnaire_rows(session, office.zhang, detail.id)
    assert [r.customer_id for r in seen] == [office.zhang_customers[0]]
    # the figures are the survey's: they count every questionnaire
    assert surveys.survey_figures(session, office.zhang, detail.id).survey.n == 2
    picked = survey_answers.respondent_choices(session, office.zhang, detail.id, "西安")
    assert {c.id for c in picked} <= set(office.zhang_customers)


def test_the_respondent_picker_finds_by_pinyin_listed_first(
    session: Session, office: Office
) -> None:
    detail = running(session, office)
    found = survey_answers.respondent_choices(session, office.clerk, detail.id, "xa", limit=30)
    assert found and all(c.name.startswith("西安") for c in found)
    listed = [c.listed for c in found]
    assert listed == sorted(listed, key=lambda g: g is None)  # planned respondents first
    dealer = survey_answers.respondent_choices(session, office.clerk, detail.id, "华盛")
    assert dealer[0].respondent_type == "经销商"


# ------------------------------------------------------------------ completing and improving


def test_a_survey_below_its_targets_needs_an_improvement_plan(
    session: Session, office: Office
) -> None:
    detail = running(session, office)
    a = detail.items[0].id
    for customer_id, level in zip(office.customers, WORKED, strict=False):
        enter(
            session,
            office.clerk,
            detail,
            customer_id,
            {a: level},
            reasons={a: "到货晚"} if level in ("不满意", "很不满意") else {},
        )
    check = surveys.completion_check(session, office.clerk, detail.id)
    assert check.below_target and check.items_without_plan == (detail.items[0].name,)
    with pytest.raises(ValidationError, match="须先为每个有不满意评价的项目制定改进计划"):
        surveys.complete_survey(session, office.clerk, detail.id)
    found = survey_improvements.dissatisfied_items(session, office.clerk, detail.id)
    assert [(d.name, d.dissatisfied, d.very_dissatisfied, d.ratings) for d in found] == [
        (detail.items[0].name, 3, 1, 25)
    ]
    assert found[0].reasons_text == "到货晚（4 次）"
    plan = survey_improvements.save_improvement(
        session, office.clerk, detail.id,
        {"item_id": a, "responsible_id": office.li.id, "corrective_action": "增开夜班发运",
         "due_on": date.today() - timedelta(days=2)},
    )  # fmt: skip
    assert plan.dissatisfied_count == 4 and plan.reasons == "到货晚（4 次）"
    done = surveys.complete_survey(session, office.clerk, detail.id)
    assert done.state == surveys.COMPLETED and done.actions == (surveys.REOPEN,)
    assert any("至少回收 100 份" in w for w in done.warnings)  # a warning, not a refusal
    # overdue on 今日待办: for the clerk (all) and the responsible person, not for 张伟
    rows, total = survey_improvements.overdue_improvements(session, office.clerk)
    assert total == 1 and rows[0].item_name == detail.items[0].name
    assert survey_improvements.overdue_improvements(session, office.li)[1] == 1
    assert survey_improvements.overdue_improvements(session, office.zhang)[1] == 0
    with pytest.raises(ValidationError, match="新的完成期限"):
        survey_improvements.verify_improvement(
            session, office.clerk, plan.id, "未见效", effective=False
        )
    verified = survey_improvements.verify_improvement(
        session, office.clerk, plan.id, "客户反映到货准时"
    )
    assert verified.state == "已验证" and verified.verified_by == "陈客服"
    assert survey_improvements.overdue_improvements(session, office.clerk)[1] == 0
    with pytest.raises(ValidationError, match="请先「开始调查」|调查已完成"):
        enter(session, office.clerk, detail, office.customers[-2], {a: 1})


def test_completing_needs_questionnaires_and_reopening_a_reason(
    session: Session, office: Office
) -> None:
    detail = running(session, office)
    with pytest.raises(ValidationError, match="还没有录入任何问卷"):
        surveys.complete_survey(session, office.admin, detail.id)
    enter(session, office.clerk, detail, office.customers[0], {detail.items[0].id: 1})
    surveys.complete_survey(session, office.admin, detail.id)
    with pytest.raises(ValidationError, match="原因：必须填写"):
        surveys.reopen_survey(session, office.admin, detail.id, " ")
    reopened = surveys.reopen_survey(session, office.admin, detail.id, "补录两份问卷")
    assert reopened.state == surveys.RUNNING and reopened.completed_at is None
    states = session.scalars(
        select(AuditEntry.new_value).where(AuditEntry.field == "状态").order_by(AuditEntry.seq)
    ).all()
    assert states == ["进行中", "已完成", "进行中"]


def test_a_sales_person_cannot_change_someone_elses_survey(
    session: Session, office: Office
) -> None:
    detail = new_survey(session, office.admin)
    with pytest.raises(PermissionDenied):
        surveys.update_survey(session, office.zhang, detail.id, {"notes": "x"})
    own = new_survey(session, office.zhang)
    assert "edit" in own.permitted and "delete" not in own.permitted
    archivist = person(session, office.admin, "钱档案", "BGS", "档案管理员")
    with pytest.raises(PermissionDenied, match="满意度调查·查看"):
        surveys.survey_detail(session, archivist, detail.id)


def test_only_a_survey_without_questionnaires_can_be_deleted(
    session: Session, office: Office
) -> None:
    detail = running(session, office)
    enter(session, office.clerk, detail, office.customers[0], {detail.items[0].id: 1})
    with pytest.raises(ValidationError, match="已有 1 份问卷，不能删除"):
        surveys.delete_survey(session, office.admin, detail.id)
    empty = new_survey(session, office.admin)
    surveys.delete_survey(session, office.admin, empty.id)
    assert session.get(Survey, empty.id) is None


# ------------------------------------------------------------------ trend, proposal, report


def completed(session: Session, office: Office, start: str, end: str, levels: list[str]) -> int:
    detail = new_survey(session, office.admin, period_from=start, period_to=end)
    surveys.start_survey(session, office.admin, detail.id)
    a = detail.items[0].id
    for customer_id, level in zip(office.customers, levels, strict=False):
        enter(session, office.clerk, detail, customer_id, {a: level})
    data = QuestionnaireInput(respondent_type="自评", staff_id=office.zhang.id, levels={a: "满意"})
    survey_answers.save_questionnaire(session, office.clerk, detail.id, data)
    surveys.update_survey(
        session,
        office.admin,
        detail.id,
        {"target_degree": 50, "target_rate": 50, "target_top20": 50},
    )
    surveys.complete_survey(session, office.admin, detail.id)
    return detail.id


def test_trend_proposal_and_the_report_data(session: Session, office: Office) -> None:
    completed(session, office, "2025-07-01", "2025-09-30", ["满意"] * 4)
    completed(session, office, "2025-10-01", "2025-12-31", ["很满意"] * 4)
    proposal = surveys.propose_targets(
        session, office.admin, surveys.KIND_KEY, before=date(2026, 4, 1)
    )
    assert proposal.based_on == ("MY2025-01", "MY2025-02")
    # overall 80 and 92 (自评 满意 80 × 0.4 + 调查 100 × 0.6): the better half is 92
    assert proposal.degree == Decimal("92.0")
    detail = running(session, office, benchmark_degree=80)
    a = detail.items[0].id
    for customer_id, level in zip(office.customers, WORKED, strict=False):
        reasons = {a: "包装破损"} if level == "很不满意" else {}
        enter(session, office.clerk, detail, customer_id, {a: level}, reasons=reasons)
    enter(
        session,
        office.clerk,
        detail,
        office.customers[0],
        {a: "满意"},
        competitor_id=detail.competitors[0].id,
    )
    data = survey_report.report_data(session, office.clerk, detail.id)
    assert data.facts.number == "MY2026-01" and data.facts.respondents_planned == 20
    assert data.facts.respondents_returned == 20 and data.facts.return_rate == Decimal(100)
    survey_line = data.figures[1]
    assert survey_line.label.startswith("调查部分") and (survey_line.degree, survey_line.rate) == (
        76,
        84,
    )
    assert survey_line.degree_met is False and data.figures[0].degree is None
    assert "自评部分" in data.overall_note
    assert (
        data.survey_items[0].counts == (10, 5, 6, 3, 1) and data.survey_items[0].dissatisfied == 4
    )
    assert data.self_items[0].ratings == 0
    assert [p.number for p in data.trend] == ["MY2025-01", "MY2025-02", "MY2026-01"]
    assert data.trend[-1].degree == Decimal(76)  # no 自评 yet: the 调查部分 stands in
    assert "MY2026-01" in data.trend_note
    us, jidong, _ = data.companies
    assert us.is_us and us.degree == 76 and jidong.degree == 80 and jidong.difference_degree == -4
    assert data.dissatisfied[0].reasons_text == "包装破损"
    assert [c.label for c in data.benchmarks] == ["满意度 对比企业基准"]
    blanks = survey_report.blank_questionnaires(session, office.clerk, detail.id, spare=2)
    assert len(blanks) == 22 and blanks[-1].respondent_name == ""
    assert blanks[0].items[0] == "产品功能（主要性能）" and blanks[0].competitors == (
        "冀东水泥",
        "海螺水泥",
    )


def test_figures_take_two_queries_whatever_the_size(session: Session, office: Office) -> None:
    detail = running(session, office)
    ids = [i.id for i in detail.items]
    sheets = [
        ({"respondent_type": "客户", "customer_id": office.customers[k % 20]}, {i: 1 + (k + i) % 5 for i in ids}, {})
        for k in range(400)
    ]  # fmt: skip
    survey_answers.insert_questionnaires(session, office.admin, detail.id, sheets)
    session.commit()
    statements: list[str] = []
    from sqlalchemy import event

    engine = session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        figures = surveys.survey_figures(session, office.admin, detail.id)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    counted = [s for s in statements if "GROUP BY" in s]
    assert len(counted) == 2  # the answers and the questionnaires, each one GROUP BY
    expected = Score.of_levels(
        [satisfaction_name(1 + (k + i) % 5) for k in range(400) for i in ids]
    )
    assert figures.survey == expected and figures.questionnaires["客户"] == 400


def satisfaction_name(code: int) -> str:
    from desktop_crm.services.satisfaction import LEVEL_CODES

    return LEVEL_CODES[code]


def test_demo_surveys_cover_three_years(session: Session, admin: User) -> None:
    from desktop_crm.services import demo_data

    demo_data.fill_demo_data(session, admin, 60, with_surveys=True)
    kinds = dict(session.execute(select(Survey.kind, func.count()).group_by(Survey.kind)).all())
    assert kinds[surveys.KIND_KEY] >= 12 and kinds[surveys.KIND_ORDINARY] >= 5
    assert kinds[surveys.KIND_SPECIAL] == 1
    states = set(session.scalars(select(Survey.state)))
    assert states == {surveys.PREPARING, surveys.RUNNING, surveys.COMPLETED}
    first = session.scalar(select(func.min(Survey.period_from)))
    assert first <= date.today() - timedelta(days=2 * 365)
    assert session.scalar(select(func.count()).select_from(SurveyQuestionnaire)) > 200
    assert survey_improvements.overdue_improvements(session, admin)[1] >= 1
    # every completed survey passed the completion rule and has figures
    for survey_id in session.scalars(select(Survey.id).where(Survey.state == surveys.COMPLETED)):
        figures = surveys.survey_figures(session, admin, survey_id)
        assert figures.overall.available
