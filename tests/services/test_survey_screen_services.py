"""The service functions the survey screens added: the list's figures and 达标 column, the
自评 picker's search, and the 统计 tab's data (surveys·view, unlike the printed report)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import survey_answers, survey_list, survey_report, surveys
from desktop_crm.services.errors import PermissionDenied
from desktop_crm.services.survey_answers import QuestionnaireInput
from tests.services.test_surveys import WORKED, Office, build_office, enter, running


@pytest.fixture
def office(session: Session, admin: User) -> Office:
    return build_office(session, admin)


def test_list_figures_match_the_survey_figures_and_say_whether_targets_are_met(
    session: Session, office: Office
) -> None:
    detail = running(session, office, target_degree="75", target_rate="80")
    item = detail.items[0].id
    for customer_id, level in zip(office.customers, WORKED, strict=False):
        enter(session, office.clerk, detail, customer_id, {item: level})
    empty = surveys.create_survey(
        session,
        office.admin,
        {"name": "空调查", "kind": surveys.KIND_SPECIAL, "period_from": "2026-05-01",
         "period_to": "2026-05-31"},
    )  # fmt: skip
    found = survey_list.list_figures(session, office.clerk, [detail.id, empty.id])
    # only the 调查部分 has answers: its figures stand in, marked partial
    assert found[detail.id] == survey_list.ListFigures(Decimal(76), Decimal(84), True, True)
    assert found[empty.id] == survey_list.ListFigures(None, None, True, None)
    figures = surveys.survey_figures(session, office.clerk, detail.id)
    assert found[detail.id].met is not figures.below_target

    # a 自评 sheet of 很不满意 brings the overall below the targets
    survey_answers.save_questionnaire(
        session,
        office.clerk,
        detail.id,
        QuestionnaireInput(respondent_type="自评", staff_id=office.zhang.id, levels={item: 5}),
    )
    again = survey_list.list_figures(session, office.clerk, [detail.id])[detail.id]
    # 总体 = 20 × 40% + 76 × 60% = 53.6 ; 0 × 40% + 84 × 60% = 50.4
    assert (again.degree, again.rate, again.partial) == (Decimal("53.6"), Decimal("50.4"), False)
    assert again.met is False
    assert again.missed == ("总体满意度 53.6%（指标 75.0%）", "总体满意率 50.4%（指标 80.0%）")
    assert surveys.survey_figures(session, office.clerk, detail.id).below_target


def test_list_figures_need_the_view_right(session: Session, office: Office, admin: User) -> None:
    from desktop_crm.services import staff

    nobody = staff.save_staff(
        session, admin, staff.StaffInput(name="质检小王", department_id=None, roles=("质检员",))
    )
    with pytest.raises(PermissionDenied):
        survey_list.list_figures(session, nobody, [1])


def test_staff_choices_find_by_name_and_pinyin(session: Session, office: Office) -> None:
    names = lambda search: [c.name for c in survey_answers.staff_choices(  # noqa: E731
        session, office.clerk, search)]  # fmt: skip
    assert {"张伟", "李娜"} <= set(names(""))
    assert names("zw") == ["张伟"]
    assert names("zhang") == ["张伟"]
    assert names("李") == ["李娜"]
    assert names("ln") == ["李娜"]
    assert names("xyz") == []


def test_statistics_for_the_tab_need_only_the_view_right(session: Session, office: Office) -> None:
    detail = running(session, office)
    item = detail.items[0].id
    for customer_id, level in zip(office.customers, WORKED, strict=False):
        enter(session, office.clerk, detail, customer_id, {item: level})
    # 张伟 (客户开发专员) may view but not print
    stats = survey_report.statistics(session, office.zhang, detail.id)
    with pytest.raises(PermissionDenied):
        survey_report.report_data(session, office.zhang, detail.id)
    lines = {line.label: line for line in stats.figures}
    survey_line = lines["调查部分（客户和经销商）"]
    assert (survey_line.degree, survey_line.rate, survey_line.ratings) == (
        Decimal(76),
        Decimal(84),
        25,
    )
    assert lines["总体（自评 40%＋调查 60%）"].degree is None
    assert "自评部分（销售人员）没有答卷" in stats.overall_note
    assert stats.survey_items[0].counts == (10, 5, 6, 3, 1)
    assert stats.companies[0].name == "本公司" and stats.companies[0].questionnaires == 25
    assert [c.name for c in stats.companies[1:]] == ["冀东水泥", "海螺水泥"]
    assert stats.trend[-1].survey_id == detail.id and "没有更早的同类调查" in stats.trend_note
    assert stats.questionnaires["客户"] == 25 and stats.questionnaires["经销商"] == 0
    assert any("至少回收 100 份" in w for w in stats.warnings)


def test_overdue_improvement_actions_are_a_section_of_today(
    session: Session, office: Office
) -> None:
    from datetime import date, timedelta

    from desktop_crm.services import survey_improvements
    from desktop_crm.services import today as today_service

    detail = running(session, office)
    item = detail.items[4]
    enter(session, office.clerk, detail, office.customers[0], {item.id: "很不满意"})
    plan = survey_improvements.save_improvement(
        session, office.clerk, detail.id,
        {"item_id": item.id, "responsible_id": office.li.id, "corrective_action": "增开夜班发运",
         "due_on": date.today() - timedelta(days=2)},
    )  # fmt: skip
    lists = today_service.today_items(session, office.clerk, count_not_served=False)
    section = lists.section(today_service.IMPROVEMENTS_OVERDUE)
    assert section is not None and section.total == 1
    (line,) = section.items
    assert (line.kind, line.id, line.code) == ("survey_improvement", plan.id, detail.number)
    assert line.title == f"交货期（{detail.name}）" and line.overdue
    assert line.extra == "逾期 2 天 · 责任人：李娜 · 纠正措施：增开夜班发运"
    # the responsible person's reach: 李娜 sees it, 张伟 (another department's) does not
    assert today_service.today_items(session, office.li).section(
        today_service.IMPROVEMENTS_OVERDUE
    ).total == 1  # fmt: skip
    assert today_service.today_items(session, office.zhang).section(
        today_service.IMPROVEMENTS_OVERDUE
    ).total == 0  # fmt: skip
    # verified: gone
    survey_improvements.verify_improvement(session, office.clerk, plan.id, "已按期发运")
    lists = today_service.today_items(session, office.clerk, count_not_served=False)
    assert lists.section(today_service.IMPROVEMENTS_OVERDUE).total == 0


def test_today_has_no_improvement_section_without_the_survey_right(
    session: Session, office: Office, admin: User
) -> None:
    from desktop_crm.services import staff
    from desktop_crm.services import today as today_service

    inspector = staff.save_staff(
        session, admin, staff.StaffInput(name="质检小王", department_id=None, roles=("质检员",))
    )
    lists = today_service.today_items(session, inspector, count_not_served=False)
    assert lists.section(today_service.IMPROVEMENTS_OVERDUE) is None
