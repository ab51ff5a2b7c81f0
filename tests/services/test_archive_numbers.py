"""档号: the pattern, continuous 案卷号 per 门类 + 年度 + 期限 + 机构 (also with two PCs
filing at once), the settings, and the year a cross-year document belongs to."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from desktop_crm.models import User
from desktop_crm.services import archive_numbers, archive_settings, archives
from desktop_crm.services.archive_numbers import NumberParts, suggest_year
from desktop_crm.services.errors import PermissionDenied, ValidationError
from tests.services.archive_office import file, make_office, volume_values


@pytest.fixture
def office(session, admin):  # noqa: ANN001, ANN201
    return make_office(session, admin)


def test_the_default_pattern_writes_the_example_of_the_rules() -> None:
    parts = NumberParts("Z001", "WS", 2026, "D10", "YXB", 7)
    number = archive_numbers.format_number(archive_settings.DEFAULT_PATTERN, parts)
    assert number == "Z001-WS·2026-D10-YXB-0007"
    assert archive_numbers.parse_number(archive_settings.DEFAULT_PATTERN, number) == parts
    assert archive_numbers.parse_number(archive_settings.DEFAULT_PATTERN, "WS-2026-7") is None


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("全宗号-门类代码·年度-案卷号", "必须包含：保管期限代码、机构代码"),
        ("门类代码-年度-保管期限代码-机构代码-案卷号-案卷号", "案卷号只能出现一次"),
        ("", "请填写"),
    ],
)
def test_a_pattern_that_could_repeat_numbers_is_refused(pattern, problem) -> None:  # noqa: ANN001
    assert problem in (archive_numbers.check_pattern(pattern) or "")


def test_numbers_run_on_per_series_without_gaps(session, office) -> None:  # noqa: ANN001
    keeper = office.keeper
    assert file(session, keeper, office).number == "Z001-WS·2026-D10-YXB-0001"
    assert file(session, keeper, office).number == "Z001-WS·2026-D10-YXB-0002"
    assert file(session, keeper, office, year=2025).number == "Z001-WS·2025-D10-YXB-0001"
    assert file(session, keeper, office, period_code="Y").number == "Z001-WS·2026-Y-YXB-0001"
    assert file(session, keeper, office, department_id=office.zjb).number.endswith("ZJB-0001")
    assert file(session, keeper, office, category_code="HT").number == "Z001-HT·2026-D10-YXB-0001"
    with pytest.raises(ValidationError):
        file(session, keeper, office, title="")
    unsaved = archives.file_volume(session, keeper, volume_values(office), commit=False)
    assert unsaved.number.endswith("YXB-0003")
    session.rollback()  # the caller's unit of work failed: the number comes back
    assert file(session, keeper, office).number == "Z001-WS·2026-D10-YXB-0003"


def test_a_number_held_by_an_imported_volume_is_passed_over(session, office) -> None:  # noqa: ANN001
    first = file(session, office.keeper, office)
    archive_numbers.correct_number(
        session, office.keeper, first.id, "Z001-WS·2026-D10-YXB-0002", "与原台账一致"
    )
    # the next filing would take 0002, held now: it takes 0003 (0001 is documented as changed)
    assert file(session, office.keeper, office).number.endswith("-0003")
    archive_numbers.note_number_taken(session, NumberParts("Z001", "WS", 2026, "D10", "YXB", 40))
    session.commit()
    assert file(session, office.keeper, office).number.endswith("-0041")


def test_the_settings_change_new_numbers_only(session, office) -> None:  # noqa: ANN001
    before = file(session, office.keeper, office)
    admin = office.admin
    archive_settings.set_text(session, admin, archive_settings.FONDS_CODE, "Q12")
    archive_settings.set_text(
        session,
        admin,
        archive_settings.NUMBER_PATTERN,
        "全宗号/年度/门类代码/保管期限代码/机构代码/案卷号",
    )
    archive_settings.set_text(session, admin, archive_settings.CASE_DIGITS, "3")
    after = file(session, office.keeper, office)
    assert after.number == "Q12/2026/WS/D10/YXB/001"
    assert before.number == "Z001-WS·2026-D10-YXB-0001"
    with pytest.raises(ValidationError, match="档号格式：必须包含：保管期限代码、机构代码、案卷号"):
        archive_settings.set_text(session, admin, archive_settings.NUMBER_PATTERN, "年度-门类代码")
    with pytest.raises(PermissionDenied):
        archive_settings.set_text(session, office.keeper, archive_settings.FONDS_CODE, "Z9")


def test_categories_and_periods_are_settings(session, office) -> None:  # noqa: ANN001
    admin = office.admin
    archive_settings.save_period(session, admin, "D5", "定期5年", 5)
    archive_settings.save_category(session, admin, "SB", "设备", "D5")
    volume = file(session, office.keeper, office, category_code="设备", period_code=None)
    assert volume.number == "Z001-SB·2026-D5-YXB-0001"
    assert volume.appraisal_due_on == date(2032, 1, 1)
    with pytest.raises(Exception, match="不能改年限"):
        archive_settings.save_period(session, admin, "D5", "定期5年", 6)
    with pytest.raises(ValidationError, match="默认保管期限"):
        archive_settings.save_category(session, admin, "QT", "其他", "D99")
    assert archive_settings.find_period(session, "30年").code == "D30"
    assert archive_settings.find_period(session, "短期").code == "D10"
    assert archive_settings.find_category(session, "kj").name == "会计"


def test_two_pcs_filing_at_once_never_share_a_number(session_factory, office) -> None:  # noqa: ANN001
    numbers: list[str] = []
    errors: list[BaseException] = []

    def archivist_at_a_pc() -> None:
        try:
            for _ in range(8):
                with session_factory() as session:
                    keeper = session.get(User, office.keeper.id)
                    numbers.append(
                        archives.file_volume(session, keeper, volume_values(office)).number
                    )
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=archivist_at_a_pc) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(numbers) == [f"Z001-WS·2026-D10-YXB-{n:04d}" for n in range(1, 17)]


# ------------------------------------------------------------------ the year of filing


def test_a_document_belongs_to_the_year_of_its_date() -> None:
    assert suggest_year("其他", date(2025, 12, 30)) == 2025
    assert suggest_year(None, date(2026, 1, 2)) == 2026
    assert suggest_year(None) is None


def test_a_request_with_its_reply_belongs_to_the_year_of_the_reply() -> None:
    assert suggest_year("请示", date(2025, 12, 20), replied_on=date(2026, 1, 8)) == 2026


def test_a_request_without_reply_belongs_to_the_year_of_the_request() -> None:
    assert suggest_year("请示", date(2025, 12, 20)) == 2025


def test_a_plan_belongs_to_its_first_year() -> None:
    assert (
        suggest_year(
            "规划", date(2025, 11, 1), period_from=date(2026, 1, 1), period_to=date(2030, 12, 31)
        )
        == 2026
    )


def test_a_summary_belongs_to_its_last_year() -> None:
    assert (
        suggest_year(
            "总结", date(2027, 1, 15), period_from=date(2024, 1, 1), period_to=date(2026, 12, 31)
        )
        == 2026
    )


def test_meeting_papers_belong_to_the_year_the_meeting_opened() -> None:
    assert suggest_year("会议文件", date(2026, 1, 3), opened_on=date(2025, 12, 30)) == 2025
