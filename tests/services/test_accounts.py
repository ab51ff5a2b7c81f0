"""Accounts and sign-in: hashed passwords, the lock after five wrong ones, resets."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from desktop_crm.services import accounts, bootstrap
from desktop_crm.services.accounts import SignInRefused
from desktop_crm.services.errors import PermissionDenied, ValidationError

NOW = datetime(2026, 11, 12, 14, 20)


def _add(session, admin, login="zhang", roles=("客户开发专员",), password=None):  # noqa: ANN001, ANN202
    return accounts.add_account(session, admin, login, "张三", "YXB", list(roles), password)


def test_hash_round_trip_and_self_describing() -> None:
    stored = accounts.hash_password("秘密口令123")
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(salt) == 24 and len(digest) == 44  # 16 and 32 bytes in base64
    assert accounts.verify_password("秘密口令123", stored)
    assert not accounts.verify_password("秘密口令124", stored)
    assert accounts.hash_password("秘密口令123") != stored  # salted
    assert not accounts.verify_password("x", "scrypt$broken")
    assert not accounts.verify_password("x", None)


def test_no_clear_text_in_the_store_or_the_log(session, admin, caplog) -> None:  # noqa: ANN001
    caplog.set_level(logging.DEBUG)
    accounts.set_password(session, admin, admin.id, "Hua-2026!")
    with pytest.raises(SignInRefused):
        accounts.sign_in(session, "admin", "Wrong-pass", "PC-1", now=NOW)
    accounts.sign_in(session, "admin", "Hua-2026!", "PC-1", now=NOW)
    dump = "\n".join(str(row) for row in session.execute(text("SELECT * FROM app_user")).all())
    assert "Hua-2026!" not in dump and "scrypt$" in dump
    assert "Hua-2026!" not in caplog.text and "Wrong-pass" not in caplog.text
    assert "sign-in succeeded" in caplog.text and "sign-in refused" in caplog.text


def test_password_rule(session, admin) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError, match="至少要 6 个字符"):
        accounts.set_password(session, admin, admin.id, "12345")
    assert not accounts.passwords_in_use(session)


def test_no_passwords_means_no_sign_in_needed(session, admin) -> None:  # noqa: ANN001
    assert not accounts.passwords_in_use(session)
    user = _add(session, admin)
    # Before anyone has a password, any account may open without one.
    assert accounts.sign_in(session, "zhang", "", "PC-1").id == user.id
    accounts.set_password(session, admin, admin.id, "admin-pass")
    assert accounts.passwords_in_use(session)
    with pytest.raises(SignInRefused, match="还没有设置密码") as refused:
        accounts.sign_in(session, "zhang", "", "PC-1")
    assert refused.value.reason == "no_password"


def test_five_wrong_passwords_lock_for_fifteen_minutes(session, admin) -> None:  # noqa: ANN001
    accounts.set_password(session, admin, admin.id, "admin-pass")
    _add(session, admin, password="right-pass")
    for attempt in range(1, 5):
        with pytest.raises(SignInRefused) as refused:
            accounts.sign_in(session, "zhang", "wrong", "PC-1", now=NOW)
        assert refused.value.reason == "wrong_password" and not refused.value.locked
        if attempt >= 3:
            assert f"再输错 {5 - attempt} 次" in refused.value.message
    with pytest.raises(SignInRefused, match="账户已锁定，请在 14:35 后再试") as refused:
        accounts.sign_in(session, "zhang", "wrong", "PC-1", now=NOW)
    assert refused.value.locked and refused.value.locked_until == NOW + timedelta(minutes=15)
    user = accounts.find_account(session, "zhang")
    assert user.failed_logins == 0 and user.locked_until == datetime(2026, 11, 12, 14, 35)

    # The right password does not open a locked account…
    with pytest.raises(SignInRefused, match="账户已锁定，请在 14:35 后再试") as refused:
        accounts.sign_in(session, "zhang", "right-pass", "PC-1", now=NOW + timedelta(minutes=14))
    assert refused.value.locked
    # …until the 15 minutes are over.
    later = NOW + timedelta(minutes=15, seconds=1)
    assert accounts.sign_in(session, "zhang", "right-pass", "PC-1", now=later).login == "zhang"
    assert (user.failed_logins, user.locked_until) == (0, None)


def test_success_resets_the_count(session, admin) -> None:  # noqa: ANN001
    accounts.set_password(session, admin, admin.id, "admin-pass")
    for _ in range(4):
        with pytest.raises(SignInRefused):
            accounts.sign_in(session, "admin", "wrong", now=NOW)
    accounts.sign_in(session, "admin", "admin-pass", now=NOW)
    for _ in range(4):
        with pytest.raises(SignInRefused) as refused:
            accounts.sign_in(session, "admin", "wrong", now=NOW)
        assert not refused.value.locked


def test_unknown_and_inactive_accounts_are_refused(session, admin) -> None:  # noqa: ANN001
    accounts.set_password(session, admin, admin.id, "admin-pass")
    with pytest.raises(SignInRefused, match="登录名或密码不正确") as refused:
        accounts.sign_in(session, "nobody", "whatever")
    assert refused.value.reason == "unknown"
    user = _add(session, admin, password="right-pass")
    user.active = False
    session.commit()
    with pytest.raises(SignInRefused, match="已停用") as refused:
        accounts.sign_in(session, "zhang", "right-pass")
    assert refused.value.reason == "inactive"


def test_reset_by_admin_lifts_the_lock_and_others_may_not(session, admin) -> None:  # noqa: ANN001
    accounts.set_password(session, admin, admin.id, "admin-pass")
    user = _add(session, admin, password="right-pass")
    for _ in range(5):
        with pytest.raises(SignInRefused):
            accounts.sign_in(session, "zhang", "wrong", now=NOW)
    accounts.set_password(session, admin, user.id, "fresh-pass")
    assert accounts.sign_in(session, "zhang", "fresh-pass", now=NOW).id == user.id
    with pytest.raises(PermissionDenied, match="账户·"):
        accounts.set_password(session, user, admin.id, "taken-over")
    assert accounts.sign_in(session, "admin", "admin-pass", now=NOW).id == admin.id


def test_change_own_password(session, admin) -> None:  # noqa: ANN001
    accounts.change_own_password(session, admin, "", "first-pass")  # had none: no old one asked
    with pytest.raises(ValidationError, match="原密码不正确") as refused:
        accounts.change_own_password(session, admin, "wrong", "second-pass")
    assert "old_password" in refused.value.by_field
    with pytest.raises(ValidationError, match="至少要 6 个字符"):
        accounts.change_own_password(session, admin, "first-pass", "short")
    accounts.change_own_password(session, admin, "first-pass", "second-pass")
    assert accounts.sign_in(session, "admin", "second-pass").id == admin.id


def test_first_password_must_be_an_administrators(session, admin) -> None:  # noqa: ANN001
    """Otherwise the store would ask everyone to sign in and no administrator could."""
    user = _add(session, admin)
    with pytest.raises(ValidationError, match="请先为系统管理员设置密码"):
        accounts.set_password(session, admin, user.id, "right-pass")
    with pytest.raises(ValidationError, match="请先为系统管理员设置密码"):
        _add(session, admin, login="li", password="right-pass")
    assert not accounts.passwords_in_use(session)
    # A second administrator may be the first to have one.
    boss = _add(session, admin, login="wang", roles=("系统管理员",), password="boss-pass")
    assert accounts.passwords_in_use(session) and boss.password_hash


def test_add_account_reports_every_problem(session, admin) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as refused:
        accounts.add_account(session, admin, "admin", "", "无此部门", ["厨师"], "123")
    fields = refused.value.by_field
    assert set(fields) == {"login", "name", "department_id", "roles", "password"}
    assert "已被别人使用" in fields["login"] and "厨师" in fields["roles"]
    assert len(accounts.account_rows(session, admin)) == 1


def test_account_rows(session, admin) -> None:  # noqa: ANN001
    accounts.set_password(session, admin, admin.id, "admin-pass")
    _add(session, admin, roles=("客户开发专员", "质检员"), password="zhang-pass")
    rows = accounts.account_rows(session, admin)
    assert [(r.login, r.department, r.roles, r.has_password) for r in rows] == [
        ("admin", "总经理办公室", ("系统管理员",), True),
        ("zhang", "市场营销部", ("客户开发专员", "质检员"), True),
    ]
    assert bootstrap.administrator(session).id == admin.id
