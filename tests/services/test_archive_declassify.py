"""解密: the secrets whose 保密期限 has ended (due on the term's last day, not the day
before), and declassifying one — the 密级 lowered with its documents, a line appended to
the 卷内备考表, the audit written — refused to anyone but the archive room."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from desktop_crm.models import ArchiveItem, ArchiveNote, ArchiveVolume, AuditEntry
from desktop_crm.services import archive_declassify, archive_items, archives
from desktop_crm.services import today as today_service
from desktop_crm.services.errors import Conflict, PermissionDenied, ValidationError

from .archive_office import ArchiveOffice, file, make_office, person

TODAY = date.today()
END = TODAY - timedelta(days=10)  # the term of the due volumes ended ten days ago
FILED = TODAY - timedelta(days=400)


@pytest.fixture
def office(session, admin) -> ArchiveOffice:  # noqa: ANN001
    return make_office(session, admin)


def secret(session, office, level="机密", until=END, **changes):  # noqa: ANN001, ANN003, ANN201
    values = {"secrecy": level, "secrecy_until": until, "filed_on": FILED, **changes}
    return file(session, office.keeper, office, **values)


def numbers(rows) -> list[str]:  # noqa: ANN001
    return [r.number for r in rows]


def test_due_on_the_last_day_of_the_term_not_the_day_before(session, office) -> None:  # noqa: ANN001
    due = secret(session, office, "秘密", title="2025年投标报价")
    secret(session, office, "机密", until=TODAY + timedelta(days=365), title="价格策略")
    file(session, office.keeper, office, title="普通文件")
    keeper = office.keeper
    assert archive_declassify.due_for_declassification(session, keeper, END - timedelta(1)) == []
    rows = archive_declassify.due_for_declassification(session, keeper, END)
    assert numbers(rows) == [due.number]
    row = rows[0]
    assert (row.secrecy, row.secrecy_until, row.days_over, row.department) == (
        "秘密", END, 0, "市场营销部",
    )  # fmt: skip
    later = archive_declassify.due_for_declassification(session, keeper, END + timedelta(5))
    assert later[0].days_over == 5
    assert archive_declassify.due_first(session, keeper, END, 5)[1] == 1
    assert archive_declassify.due_first(session, keeper, END - timedelta(1), 5) == ([], 0)


def test_a_term_kept_only_in_years_counts_from_the_filing_day(
    session_factory, session, office
) -> None:  # noqa: ANN001
    from alembic import command

    from desktop_crm.models.migrate import alembic_config

    volume = secret(session, office, "秘密", title="旧账导入的秘密文件")
    volume.secrecy_until, volume.secrecy_years = None, 1  # a store from before the rule
    volume.filed_on = date(2024, 2, 29)
    session.commit()
    session.close()
    engine = session_factory.kw["bind"]
    command.downgrade(alembic_config(engine), "0013")
    command.upgrade(alembic_config(engine), "head")  # 0014 gives the volume its end
    keeper = office.keeper
    # 2024-02-29 + 1 year: 2025-02-28
    assert archive_declassify.due_for_declassification(session, keeper, date(2025, 2, 27)) == []
    rows = archive_declassify.due_for_declassification(session, keeper, date(2025, 2, 28))
    assert [(r.number, r.secrecy_until) for r in rows] == [(volume.number, date(2025, 2, 28))]
    assert archive_declassify.due_first(session, keeper, date(2025, 2, 28), 5)[1] == 1


def test_destroyed_moved_and_unseen_files_are_left_out(session, office) -> None:  # noqa: ANN001
    top = secret(session, office, "机密", title="机密合同")
    gone = secret(session, office, "秘密", title="已移出的秘密文件")
    gone.state = "移出"
    session.commit()
    plain_secret = secret(session, office, "秘密", title="部门秘密文件")
    assert numbers(archive_declassify.due_for_declassification(session, office.keeper, TODAY)) == [
        top.number, plain_secret.number,
    ]  # fmt: skip
    # the 部门档案员 is not cleared for 机密: only the 秘密 file of the department
    assert numbers(archive_declassify.due_for_declassification(session, office.clerk, TODAY)) == [
        plain_secret.number
    ]


def test_declassify_lowers_the_level_notes_it_and_audits(session, office) -> None:  # noqa: ANN001
    volume = secret(
        session, office, "机密", title="2024年价格策略",
        items=[{"title": "调价方案", "secrecy": "机密", "pages": 3},
               {"title": "会议通知", "pages": 1}],
    )  # fmt: skip
    rows = archive_declassify.due_for_declassification(session, office.keeper, TODAY)
    assert rows[0].documents_text == "1 件：《调价方案》机密"
    archive_declassify.declassify(session, office.keeper, volume.id, "内部", "保密期限届满，已公开")
    session.expire_all()
    stored = session.get(ArchiveVolume, volume.id)
    assert (stored.secrecy, stored.secrecy_until, stored.secrecy_years) == ("内部", None, None)
    items = session.scalars(select(ArchiveItem).where(ArchiveItem.volume_id == volume.id))
    assert {i.title: i.secrecy for i in items} == {"调价方案": "内部", "会议通知": None}
    notes = archive_items.notes(session, office.keeper, volume.id)
    assert [n.kind for n in notes] == ["解密"]
    text = notes[0].text
    assert "密级由机密改为内部" in text and f"原保密期限至 {END:%Y-%m-%d} 届满" in text
    assert "保密期限届满，已公开" in text and "《调价方案》" in text
    assert notes[0].user_name == "孙丽"
    changes = {
        e.field: (e.old_value, e.new_value)
        for e in session.scalars(
            select(AuditEntry).where(
                AuditEntry.object_type == "archive_volume", AuditEntry.object_id == str(volume.id)
            )
        )
    }
    assert changes["密级"] == ("机密", "内部")
    assert changes["保密期限至"] == (END.isoformat(), None)
    assert changes["卷内文件密级"][1] == "内部"
    # no longer due, and not again
    assert archive_declassify.due_for_declassification(session, office.keeper, TODAY) == []
    with pytest.raises(Conflict, match="不是涉密档案"):
        archive_declassify.declassify(session, office.keeper, volume.id, "公开", "再次")
    # the volume is consistent for the ledger's rules: its 密级 can be edited as usual
    archives.update_volume(session, office.keeper, volume.id, {"title": "2024年价格策略（解密）"})


def test_lowering_to_a_lower_secret_needs_a_new_term(session, office) -> None:  # noqa: ANN001
    volume = secret(session, office, "绝密", title="重大投资决策")
    with pytest.raises(ValidationError) as refused:
        archive_declassify.declassify(session, office.keeper, volume.id, "秘密", "降为秘密")
    assert [p.field for p in refused.value.problems] == ["secrecy_until"]
    with pytest.raises(ValidationError, match="应晚于今天"):
        archive_declassify.declassify(session, office.keeper, volume.id, "秘密", "降密", TODAY)
    until = TODAY + timedelta(days=3650)
    archive_declassify.declassify(session, office.keeper, volume.id, "秘密", "降密", until)
    session.expire_all()
    stored = session.get(ArchiveVolume, volume.id)
    assert (stored.secrecy, stored.secrecy_until) == ("秘密", until)
    note = session.scalar(select(ArchiveNote.text).where(ArchiveNote.volume_id == volume.id))
    assert f"降密：密级由绝密改为秘密，保密期限至 {until:%Y-%m-%d}" in note


def test_bad_input_and_an_unended_term_change_nothing(session, office) -> None:  # noqa: ANN001
    volume = secret(session, office, "机密", title="价格策略")
    running = secret(session, office, "秘密", until=TODAY + timedelta(days=1), title="新报价")
    with pytest.raises(ValidationError) as refused:
        archive_declassify.declassify(session, office.keeper, volume.id, "绝密", "  ")
    fields = sorted(p.field for p in refused.value.problems)
    assert fields == ["reason", "secrecy"]
    assert "应低于现在的机密" in str(refused.value.problems)
    with pytest.raises(ValidationError, match="尚未届满"):
        archive_declassify.declassify(session, office.keeper, running.id, "内部", "提前解密")
    session.expire_all()
    assert session.get(ArchiveVolume, volume.id).secrecy == "机密"
    assert session.get(ArchiveVolume, running.id).secrecy == "秘密"
    assert session.scalar(select(ArchiveNote.id)) is None


def test_only_the_archive_room_declassifies(session, office, admin) -> None:  # noqa: ANN001
    volume = secret(session, office, "秘密", title="部门秘密文件")
    # the 部门档案员 edits the department's files, but not over 全部
    with pytest.raises(PermissionDenied, match="解密档案"):
        archive_declassify.declassify(session, office.clerk, volume.id, "内部", "到期")
    # the 总经理 sees every file but does not keep the archive
    with pytest.raises(PermissionDenied):
        archive_declassify.declassify(session, office.gm, volume.id, "内部", "到期")
    assert not archive_declassify.may_declassify(session, office.gm)
    assert archive_declassify.may_declassify(session, office.keeper)
    session.expire_all()
    assert session.get(ArchiveVolume, volume.id).secrecy == "秘密"
    assert session.scalar(select(ArchiveNote.id)) is None


def test_the_keepers_today_list_has_the_line_only_when_something_is_due(session, office) -> None:  # noqa: ANN001
    lists = today_service.today_items(session, office.keeper, TODAY)
    assert lists.section(today_service.DECLASSIFY_DUE) is None
    volume = secret(session, office, "机密", title="价格策略")
    lists = today_service.today_items(session, office.keeper, TODAY)
    section = lists.section(today_service.DECLASSIFY_DUE)
    assert section is not None and section.total == 1
    line = section.items[0]
    assert (line.kind, line.id, line.code, line.title) == (
        "archive_volume", volume.id, volume.number, "价格策略",
    )  # fmt: skip
    assert f"保密期限至 {END:%Y-%m-%d} 已届满" in line.extra
    # cut at the limit, and counted
    for n in range(3):
        secret(session, office, "秘密", title=f"秘密文件{n}")
    cut = today_service.today_items(session, office.keeper, TODAY, limit=2)
    assert len(cut.section(today_service.DECLASSIFY_DUE).items) == 2
    assert cut.section(today_service.DECLASSIFY_DUE).total == 4
    # the 总经理 sees the files but declassifies nothing: no line
    assert (
        today_service.today_items(session, office.gm, TODAY).section(today_service.DECLASSIFY_DUE)
        is None
    )
    # another keeper-like account without the role: no line either
    other = person(session, office.admin, "马兰", "ZHB", "部门档案员")
    assert (
        today_service.today_items(session, other, TODAY).section(today_service.DECLASSIFY_DUE)
        is None
    )
