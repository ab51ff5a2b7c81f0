"""鉴定销毁: the due date rule, appraisal batches (销毁 / 延长), the open-complaint refusal,
destruction with its approvals and two different 监销人, and the 档案销毁清册."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from desktop_crm.models import ArchiveDestructionEntry, ArchiveNote, ArchiveVolume, Complaint
from desktop_crm.services import approvals, archive_appraisal, archive_list
from desktop_crm.services.errors import Conflict, PermissionDenied, ValidationError

from .archive_office import file, make_office, person

TODAY = date.today()


@pytest.fixture
def office(session, admin):  # noqa: ANN001, ANN201
    return make_office(session, admin)


def old_file(session, office, **changes):  # noqa: ANN001, ANN003, ANN201
    values = {"year": 2015, "period_code": "D10", "filed_on": date(2016, 3, 1)}
    values.update(changes)
    return file(session, office.keeper, office, **values)


def due_ids(session, office, day):  # noqa: ANN001, ANN201
    query = archive_list.due_query(session, office.keeper, day)
    return [row[0] for row in query.page(session, 0, 100)]


def test_a_2015_file_kept_ten_years_is_due_from_2026(session, office) -> None:  # noqa: ANN001
    volume = old_file(session, office, title="2015年营销工作总结")
    assert volume.appraisal_due_on == date(2026, 1, 1)
    assert due_ids(session, office, date(2025, 12, 31)) == []
    assert due_ids(session, office, date(2026, 1, 1)) == [volume.id]
    with pytest.raises(ValidationError, match="2026-01-01 才到期"):
        archive_appraisal.create_appraisal(
            session,
            office.keeper,
            [{"volume_id": volume.id, "decision": "销毁"}],
            appraised_on=date(2025, 12, 31),
        )


def test_extend_sets_a_new_period_and_appraisal_date(session, office) -> None:  # noqa: ANN001
    volume = old_file(session, office)
    with pytest.raises(ValidationError, match="延长保管请写明理由"):
        archive_appraisal.create_appraisal(
            session,
            office.keeper,
            [{"volume_id": volume.id, "decision": "延长", "period_code": "D30"}],
        )
    batch = archive_appraisal.create_appraisal(
        session,
        office.keeper,
        [
            {
                "volume_id": volume.id,
                "decision": "延长",
                "period_code": "定期30年",
                "reason": "仍有诉讼",
            }
        ],
        appraisers="孙丽、李明",
    )
    assert batch.batch_no == f"JD{TODAY.year}-01"
    session.refresh(volume)
    assert (volume.period_code, volume.retention_years) == ("D30", 30)
    assert volume.appraisal_due_on == date(2046, 1, 1)
    assert volume.state == "在库"
    rows = archive_appraisal.appraisal_entries(session, office.keeper, batch.id)
    assert [(r.decision, r.old_period, r.new_period, r.new_due_on) for r in rows] == [
        ("延长", "定期10年", "定期30年", date(2046, 1, 1))
    ]
    note = session.scalar(select(ArchiveNote).where(ArchiveNote.volume_id == volume.id))
    assert "由定期10年延长为定期30年" in note.text
    assert due_ids(session, office, TODAY) == []


def test_destroy_refused_for_a_volume_linked_to_an_open_complaint(session, office) -> None:  # noqa: ANN001
    from desktop_crm.services import complaints, customers

    customer = customers.save_customer(
        session, office.admin, {"name": "渭南华源商砼有限公司", "owner_id": office.head.id}
    )
    complaint = complaints.register(
        session, office.admin, {"customer_id": customer.id, "content": "水泥强度不足",
                                "category": "产品质量", "channel": "电话"},
    )  # fmt: skip
    volume = old_file(session, office, complaint_id=complaint.id)
    with pytest.raises(ValidationError, match=f"关联的投诉 {complaint.number} 尚未结案"):
        archive_appraisal.create_appraisal(
            session, office.keeper, [{"volume_id": volume.id, "decision": "销毁"}]
        )
    session.refresh(volume)
    assert volume.state == "在库"
    # the complaint closed: it may go
    session.get(Complaint, complaint.id).state = "已结案"
    session.commit()
    archive_appraisal.create_appraisal(
        session, office.keeper, [{"volume_id": volume.id, "decision": "销毁"}]
    )
    session.refresh(volume)
    assert volume.state == "待鉴定"


def _approved_destruction(session, office, *volumes):  # noqa: ANN001, ANN202
    archive_appraisal.create_appraisal(
        session,
        office.keeper,
        [{"volume_id": v.id, "decision": "销毁", "reason": "已过保管期限"} for v in volumes],
    )
    destruction = archive_appraisal.request_destruction(
        session, office.keeper, [v.id for v in volumes], "2026年度到期档案销毁"
    )
    return destruction


def test_destruction_needs_head_review_manager_approval_and_two_supervisors(
    session, office
) -> None:  # noqa: ANN001
    first = old_file(session, office, title="2015年营销工作总结", pages=20)
    second = old_file(session, office, title="2015年客户来访登记", pages=35, secrecy="秘密")
    destruction = _approved_destruction(session, office, first, second)
    assert destruction.batch_no == f"XH{TODAY.year}-01"
    steps = [
        (s.department.name if s.department else "") + s.role for s in destruction.approval.steps
    ]
    assert steps == ["市场营销部部门负责人", "总经理"]
    supervisors = [person(session, office.admin, "马兰", "ZHB", "档案管理员"), office.clerk]
    with pytest.raises(ValidationError, match="尚未审批完（待：市场营销部部门负责人、总经理）"):
        archive_appraisal.carry_out_destruction(
            session, office.keeper, destruction.id, [s.id for s in supervisors], TODAY, "档案室"
        )
    approvals.decide(session, office.head, approvals.open_step(destruction.approval).id, True)
    session.refresh(destruction)
    with pytest.raises(ValidationError, match="待：总经理"):
        archive_appraisal.carry_out_destruction(
            session, office.keeper, destruction.id, [s.id for s in supervisors], TODAY, "档案室"
        )
    approvals.decide(session, office.gm, approvals.open_step(destruction.approval).id, True, "同意")
    session.refresh(destruction)
    assert archive_appraisal.destruction_state(destruction) == "已批准"
    # two different supervisors, a place; secret files only shredded
    with pytest.raises(ValidationError) as refused:
        archive_appraisal.carry_out_destruction(
            session, office.keeper, destruction.id, [office.clerk.id, office.clerk.id], TODAY, "",
            method="焚烧",
        )  # fmt: skip
    assert set(refused.value.by_field) == {"supervisor2_id", "place", "method"}
    assert "必须是不同的人" in refused.value.by_field["supervisor2_id"]
    with pytest.raises(PermissionDenied):
        archive_appraisal.carry_out_destruction(
            session, office.clerk, destruction.id, [s.id for s in supervisors], TODAY, "档案室"
        )
    archive_appraisal.carry_out_destruction(
        session, office.keeper, destruction.id, [s.id for s in supervisors], TODAY, "档案室碎纸间"
    )
    session.refresh(destruction)
    assert (destruction.state, destruction.method) == ("已销毁", "粉碎")
    # destroyed volumes stay in the ledger, marked with the batch
    for volume in (first, second):
        session.refresh(volume)
        assert (volume.state, volume.destroyed_batch) == ("已销毁", destruction.batch_no)
    listed = archive_list.archive_query(session, office.keeper, filters={"state": "已销毁"})
    assert {row[0] for row in listed.page(session, 0, 10)} == {first.id, second.id}
    notes = session.scalars(select(ArchiveNote.kind).where(ArchiveNote.volume_id == first.id))
    assert list(notes) == ["销毁"]
    # the 清册
    register = archive_appraisal.destruction_by_batch(session, office.keeper, destruction.batch_no)
    assert [(r.seq, r.title, r.year, r.number, r.period, r.kept, r.pages, r.remarks) for r in register.rows] == [
        (1, "2015年营销工作总结", 2015, first.number, "定期10年", f"{TODAY.year - 2016}年", 20, "已过保管期限"),
        (2, "2015年客户来访登记", 2015, second.number, "定期10年", f"{TODAY.year - 2016}年", 35, "已过保管期限"),
    ]  # fmt: skip
    assert register.reviewed_by == ("李明",) and register.approved_by == "周强"
    assert register.supervisors == ("马兰", "钱程")
    assert (register.destroyed_on, register.place, register.total_pages) == (
        TODAY,
        "档案室碎纸间",
        55,
    )
    with pytest.raises(Conflict, match="已销毁"):
        archive_appraisal.carry_out_destruction(
            session, office.keeper, destruction.id, [s.id for s in supervisors], TODAY, "档案室"
        )


def test_register_rows_are_kept_for_good(session, office) -> None:  # noqa: ANN001
    volume = old_file(session, office)
    destruction = _approved_destruction(session, office, volume)
    entry_id = destruction.entries[0].id
    for statement in (
        "DELETE FROM archive_destruction_entry",
        "UPDATE archive_destruction_entry SET title = 'x'",
    ):
        with pytest.raises(DBAPIError, match="只能追加"):
            session.execute(text(statement))
        session.rollback()
    assert session.get(ArchiveDestructionEntry, entry_id).title == volume.title
    with pytest.raises(DBAPIError):
        session.execute(text("DELETE FROM archive_volume"))
    session.rollback()


def test_refused_destruction_leaves_volumes_for_a_new_decision(session, office) -> None:  # noqa: ANN001
    volume = old_file(session, office)
    destruction = _approved_destruction(session, office, volume)
    with pytest.raises(ValidationError, match="已在销毁批次"):
        archive_appraisal.request_destruction(session, office.keeper, [volume.id])
    approvals.decide(
        session, office.head, approvals.open_step(destruction.approval).id, False, "仍需保存"
    )
    session.refresh(destruction)
    assert destruction.state == "已拒绝"  # stored at once, not only as the rows show it
    assert (
        archive_appraisal.destruction_by_batch(session, office.keeper, destruction.batch_no).state
        == "已拒绝"
    )
    session.refresh(volume)
    assert volume.state == "待鉴定"
    archive_appraisal.create_appraisal(
        session,
        office.keeper,
        [{"volume_id": volume.id, "decision": "延长", "period_code": "Y", "reason": "负责人意见"}],
    )
    session.refresh(volume)
    assert (volume.state, volume.appraisal_due_on) == ("在库", None)
    assert session.get(ArchiveVolume, volume.id) is not None


def test_unappraised_volumes_cannot_be_put_to_destruction(session, office) -> None:  # noqa: ANN001
    volume = old_file(session, office)
    with pytest.raises(ValidationError, match="未经鉴定为销毁"):
        archive_appraisal.request_destruction(session, office.keeper, [volume.id])
    with pytest.raises(PermissionDenied):
        archive_appraisal.create_appraisal(
            session, office.clerk, [{"volume_id": volume.id, "decision": "销毁"}]
        )
