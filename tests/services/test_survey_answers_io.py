"""A survey's answers to and from a spreadsheet: the export's cells, a round trip that
changes nothing, corrections and new rows, and the customer import's refusal rules (every
problem by row and column, nothing written unless the bad rows are skipped)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_crm.models import AuditEntry, Customer, SurveyAnswer, SurveyQuestionnaire, User
from desktop_crm.services import survey_answers, survey_answers_io, surveys
from desktop_crm.services.errors import PermissionDenied, ValidationError
from desktop_crm.services.spreadsheet_reader import SpreadsheetError, open_table
from desktop_crm.services.survey_answers import QuestionnaireInput
from desktop_crm.services.survey_answers_io import AnswerImportRefused
from tests.services.test_surveys import Office, build_office, person, running

ITEMS = list(surveys.DEFAULT_ITEMS)


@pytest.fixture
def office(session: Session, admin: User) -> Office:
    return build_office(session, admin)


def entered(session: Session, office: Office) -> surveys.SurveyDetail:
    """A running survey with three questionnaires: two customers about us (one with a
    dissatisfied item and its reason), one about 冀东水泥."""
    detail = running(session, office)
    a, b = detail.items[0].id, detail.items[4].id  # 产品功能, 交货期
    for data in (
        QuestionnaireInput(customer_id=office.customers[0], levels={a: "很满意", b: "不满意"},
                           reasons={b: "到货晚"}, feedback="希望旺季保供"),
        QuestionnaireInput(customer_id=office.customers[1], levels={a: "满意"}),
        QuestionnaireInput(customer_id=office.customers[0], competitor_id=detail.competitors[0].id,
                           levels={a: "基本满意"}),
    ):  # fmt: skip
        survey_answers.save_questionnaire(session, office.clerk, detail.id, data)
    return detail


def code_of(session: Session, customer_id: int) -> str:
    return session.get(Customer, customer_id).code


def sheet_rows(path: Path) -> list[tuple[object, ...]]:
    return list(load_workbook(path).active.iter_rows(values_only=True))


def check(session: Session, actor: User, survey_id: int, path: Path):  # noqa: ANN201
    with open_table(path) as source:
        return survey_answers_io.check_answers(session, actor, survey_id, source)


def counts(session: Session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(SurveyQuestionnaire)),
        session.scalar(select(func.count()).select_from(SurveyAnswer)),
    )


def test_the_export_has_one_row_per_questionnaire_and_a_column_per_item(
    session: Session, office: Office, tmp_path: Path
) -> None:
    detail = entered(session, office)
    target = tmp_path / "答案.xlsx"
    assert survey_answers_io.export_answers(session, office.admin, detail.id, target) == 3
    rows = sheet_rows(target)
    assert rows[0] == (
        "问卷号",
        "答卷人类型",
        "客户编号",
        "答卷人",
        "竞争对手",
        *ITEMS,
        "不满意原因",
        "反馈",
        "回收日期",
    )
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["答卷人"] == "西安第1建材有限公司" and first["竞争对手"] is None
    assert first["产品功能（主要性能）"] == "很满意" and first["交货期"] == "不满意"
    assert first["可靠性"] is None  # not answered
    assert first["不满意原因"] == "交货期：到货晚" and first["反馈"] == "希望旺季保供"
    assert rows[3][4] == "冀东水泥" and rows[3][5] == "基本满意"
    validations = load_workbook(target).active.data_validations.dataValidation
    assert validations and "很满意,满意,基本满意,不满意,很不满意" in validations[0].formula1
    exported = session.scalar(
        select(AuditEntry.detail).where(
            AuditEntry.act == "导出", AuditEntry.object_type == "survey"
        )
    )
    assert exported.startswith("问卷答案：3 份")


def test_reimporting_the_export_changes_nothing(
    session: Session, office: Office, tmp_path: Path
) -> None:
    detail = entered(session, office)
    target = tmp_path / "答案.xlsx"
    survey_answers_io.export_answers(session, office.admin, detail.id, target)
    preview = check(session, office.admin, detail.id, target)
    assert (preview.total_rows, preview.unchanged, len(preview.valid), preview.problems) == (
        3,
        3,
        0,
        [],
    )
    before = counts(session)
    assert survey_answers_io.write_answers(session, office.admin, detail.id, preview) == 0
    assert counts(session) == before


def test_corrections_and_new_rows_are_written_in_one_go(
    session: Session, office: Office, tmp_path: Path
) -> None:
    detail = entered(session, office)
    target = tmp_path / "答案.xlsx"
    survey_answers_io.export_answers(session, office.admin, detail.id, target)
    book = load_workbook(target)
    sheet = book.active
    sheet["F3"] = "不满意"  # the second questionnaire: 产品功能 满意 → 不满意
    sheet["M3"] = "价格偏高"  # a reason without an item: the row's only dissatisfied item
    code = code_of(session, office.customers[2])
    sheet.append(
        [None, None, code, None, None, 1, 2, 3, None, "5", None, None, "交货期：周末不发货"]
    )
    sheet.append([None, "自评", None, "张伟", None, "满意", "满意"])
    book.save(target)
    preview = check(session, office.admin, detail.id, target)
    assert preview.problems == []
    assert (preview.new_rows, preview.changed_rows, preview.unchanged) == (2, 1, 2)
    assert (
        survey_answers_io.write_answers(
            session, office.admin, detail.id, preview, source_name="答案.xlsx"
        )
        == 3
    )
    rows = {
        r.respondent_name: r
        for r in survey_answers.questionnaire_rows(session, office.admin, detail.id, about="us")
    }
    product, delivery = detail.items[0].id, detail.items[4].id
    assert rows["西安第2建材有限公司"].levels[product] == "不满意"
    assert rows["西安第2建材有限公司"].reasons == {product: "价格偏高"}
    assert rows["西安第3建材有限公司"].levels[delivery] == "很不满意"
    assert rows["西安第3建材有限公司"].reasons == {delivery: "周末不发货"}
    assert rows["张伟"].respondent_type == "自评"
    figures = surveys.survey_figures(session, office.admin, detail.id)
    assert figures.self_assessment.n == 2 and figures.overall.available
    imported = session.scalar(select(AuditEntry.detail).where(AuditEntry.act == "导入"))
    assert imported == "从 答案.xlsx 导入：新增 2 份问卷，更正 1 份"


def bad_file(session: Session, path: Path, office: Office) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["答卷人类型", "客户编号", "答卷人", "竞争对手", "外观", "交货期", "不存在的列"])
    sheet.append(["客户", code_of(session, office.customers[3]), None, None, "满意", "很好"])
    sheet.append(["客户", "KH999999", None, "华新水泥", "满意", None])
    sheet.append(["客户", None, "西安第5建材有限公司", None, "一般", 2])
    sheet.append(["客户", None, None, None, None, None, "x"])
    book.save(path)
    return path


def test_refused_rows_are_reported_by_row_and_column_and_nothing_is_written(
    session: Session, office: Office, tmp_path: Path
) -> None:
    detail = entered(session, office)
    preview = check(
        session, office.admin, detail.id, bad_file(session, tmp_path / "错.xlsx", office)
    )
    assert preview.unknown_headers == ["不存在的列"]
    assert preview.lines() == [
        "第 2 行，F 交货期 列：「很好」不是满意程度，应为：很满意、满意、基本满意、不满意、很不满意（或 1–5）。",
        "第 3 行，B 客户编号 列：没有客户编号为「KH999999」的客户。",
        "第 3 行，D 竞争对手 列：「华新水泥」不是本次调查的竞争对手（冀东水泥、海螺水泥）；关于本公司的问卷请留空。",
        "第 5 行，B 客户编号 列：没有填写客户编号或答卷人。",
    ]
    assert len(preview.valid) == 1  # row 4, found by its name
    before = counts(session)
    with pytest.raises(AnswerImportRefused, match="有 3 行有问题，没有导入任何数据"):
        survey_answers_io.write_answers(session, office.admin, detail.id, preview)
    assert counts(session) == before
    assert (
        survey_answers_io.write_answers(
            session, office.admin, detail.id, preview, skip_invalid=True
        )
        == 1
    )
    assert counts(session)[0] == before[0] + 1


def test_a_second_sheet_of_the_same_respondent_is_refused(
    session: Session, office: Office, tmp_path: Path
) -> None:
    detail = entered(session, office)
    book = Workbook()
    sheet = book.active
    code = code_of(session, office.customers[0])
    sheet.append(["客户编号", "外观"])
    sheet.append([code, "满意"])  # already entered about us
    other = code_of(session, office.customers[4])
    sheet.append([other, "满意"])
    sheet.append([other, "很满意"])  # twice in the file
    path = tmp_path / "重复.xlsx"
    book.save(path)
    lines = check(session, office.admin, detail.id, path).lines()
    assert "第 2 行" in lines[0] and "已经录入过了" in lines[0] and "问卷号" in lines[0]
    assert lines[1] == "第 4 行：与本表第 3 行是同一答卷人关于同一对象的问卷。"


def test_the_file_and_the_survey_must_fit(session: Session, office: Office, tmp_path: Path) -> None:
    detail = entered(session, office)
    book = Workbook()
    book.active.append(["客户编号", "价格"])
    book.active.append(["KH000001", "满意"])
    path = tmp_path / "别的表.xlsx"
    book.save(path)
    with pytest.raises(SpreadsheetError, match="没有本次调查的任何项目列"):
        check(session, office.admin, detail.id, path)
    waiting = surveys.create_survey(
        session, office.admin,
        {"name": "下季度", "kind": surveys.KIND_KEY, "period_from": "2026-07-01", "period_to": "2026-09-30"},
    )  # fmt: skip
    with pytest.raises(ValidationError, match="只有「进行中」的调查可以导入问卷"):
        check(session, office.admin, waiting.id, path)
    broken = tmp_path / "坏.xlsx"
    broken.write_text("不是表格", encoding="utf-8")
    with pytest.raises(SpreadsheetError, match="不是有效的 Excel 工作簿"):
        open_table(broken)


def test_importing_needs_the_import_right(session: Session, office: Office, tmp_path: Path) -> None:
    detail = entered(session, office)
    target = tmp_path / "答案.xlsx"
    survey_answers_io.export_answers(session, office.admin, detail.id, target)
    with pytest.raises(PermissionDenied, match="满意度调查·导入"):
        check(session, office.clerk, detail.id, target)
    head = person(session, office.admin, "王部长", "YXB", "部门负责人")
    # a department head imports the department's customers only
    preview = check(session, head, detail.id, target)
    assert preview.unchanged == 2  # 张伟's customer: about us and about 冀东水泥
    assert any("不归您或您的部门负责" in line for line in preview.lines())
