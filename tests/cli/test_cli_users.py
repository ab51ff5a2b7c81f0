"""Accounts from the command line, and signing in for every verb with --user."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_crm.app import main

NEEDS_SIGN_IN = (
    "此数据库已启用账户密码，请用 --user 登录名 并在环境变量 DESKTOP_CRM_PASSWORD 中给出密码。"
)


def run(capsys, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "users.sqlite3")


@pytest.fixture(autouse=True)
def _no_passwords_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DESKTOP_CRM_PASSWORD", raising=False)
    monkeypatch.delenv("DESKTOP_CRM_NEW_PASSWORD", raising=False)


def _with_admin_password(capsys, monkeypatch, db) -> None:  # noqa: ANN001
    monkeypatch.setenv("DESKTOP_CRM_NEW_PASSWORD", "admin-pass")
    assert run(capsys, "--db", db, "user", "password", "admin")[0] == 0
    monkeypatch.delenv("DESKTOP_CRM_NEW_PASSWORD")


def test_user_add_without_password_and_list(capsys, db) -> None:  # noqa: ANN001
    status, out, _ = run(
        capsys,
        *("--db", db, "user", "add", "zhang", "--name", "张三", "--department", "市场营销部"),
        *("--role", "客户开发专员", "--role", "质检员"),
    )
    assert status == 0 and "已添加账户 zhang（张三）" in out and "未设置密码" in out
    status, out, _ = run(capsys, "--db", db, "user", "list")
    assert status == 0
    assert out.splitlines() == [
        "admin\t系统管理员\t总经理办公室\t系统管理员\t在职\t无密码",
        "zhang\t张三\t市场营销部\t客户开发专员、质检员\t在职\t无密码",
    ]


def test_user_add_with_password_then_sign_in(capsys, monkeypatch, db) -> None:  # noqa: ANN001
    _with_admin_password(capsys, monkeypatch, db)
    monkeypatch.setenv("DESKTOP_CRM_PASSWORD", "admin-pass")
    monkeypatch.setenv("DESKTOP_CRM_NEW_PASSWORD", "zhang-pass")
    status, out, _ = run(
        capsys,
        *("--db", db, "--user", "admin", "user", "add", "zhang", "--name", "张三"),
        *("--department", "YXB", "--role", "客户开发专员"),
    )
    assert status == 0 and "已设置密码" in out
    status, out, _ = run(capsys, "--db", db, "--user", "admin", "user", "list")
    assert status == 0 and out.splitlines() == [
        "admin\t系统管理员\t总经理办公室\t系统管理员\t在职\t有密码",
        "zhang\t张三\t市场营销部\t客户开发专员\t在职\t有密码",
    ]
    # zhang signs in rightly but is no administrator: refused, exit 1.
    monkeypatch.setenv("DESKTOP_CRM_PASSWORD", "zhang-pass")
    status, out, err = run(capsys, "--db", db, "--user", "zhang", "user", "list")
    assert (status, out) == (1, "") and "账户·" in err
    status, _, err = run(
        capsys,
        *("--db", db, "--user", "zhang", "user", "add", "li", "--name", "李四"),
        *("--department", "YXB", "--role", "系统管理员"),
    )
    assert status == 1 and "账户·" in err


def test_user_add_refusals_give_the_reason(capsys, db) -> None:  # noqa: ANN001
    status, _, err = run(
        capsys,
        *("--db", db, "user", "add", "admin", "--name", "王五", "--department", "无此部"),
        *("--role", "厨师"),
    )
    assert status == 1
    assert "登录名「admin」已被别人使用" in err
    assert "没有这个部门：无此部" in err and "没有这个角色：厨师" in err
    assert run(capsys, "--db", db, "user", "list")[1].count("\n") == 1


def test_password_store_refuses_verbs_without_user(capsys, monkeypatch, db) -> None:  # noqa: ANN001
    _with_admin_password(capsys, monkeypatch, db)
    for verb in (("user", "list"), ("find", "customers", "甲"), ("demo-data", "--customers", "3")):
        status, out, err = run(capsys, "--db", db, *verb)
        assert (status, out, err.strip()) == (2, "", NEEDS_SIGN_IN)


def test_wrong_password_exit_1_and_nothing_done(capsys, monkeypatch, db) -> None:  # noqa: ANN001
    _with_admin_password(capsys, monkeypatch, db)
    monkeypatch.setenv("DESKTOP_CRM_PASSWORD", "wrong-pass")
    status, out, err = run(capsys, "--db", db, "--user", "admin", "demo-data", "--customers", "3")
    assert (status, out) == (1, "") and "登录名或密码不正确" in err
    monkeypatch.setenv("DESKTOP_CRM_PASSWORD", "admin-pass")
    assert run(capsys, "--db", db, "--user", "admin", "find", "customers", "公司")[1] == ""
    status, out, _ = run(capsys, "--db", db, "--user", "admin", "demo-data", "--customers", "3")
    assert status == 0 and "已装入 3 个演示客户" in out


def test_locked_account_exit_1_even_with_the_right_password(capsys, monkeypatch, db) -> None:  # noqa: ANN001
    _with_admin_password(capsys, monkeypatch, db)
    monkeypatch.setenv("DESKTOP_CRM_PASSWORD", "wrong-pass")
    for _ in range(5):
        assert run(capsys, "--db", db, "--user", "admin", "user", "list")[0] == 1
    monkeypatch.setenv("DESKTOP_CRM_PASSWORD", "admin-pass")
    status, out, err = run(capsys, "--db", db, "--user", "admin", "user", "list")
    assert (status, out) == (1, "") and "账户已锁定，请在" in err


def test_user_without_password_env_is_a_usage_error(capsys, monkeypatch, db) -> None:  # noqa: ANN001
    _with_admin_password(capsys, monkeypatch, db)
    status, _, err = run(capsys, "--db", db, "--user", "admin", "user", "list")
    assert status == 2 and "DESKTOP_CRM_PASSWORD" in err


def test_user_on_a_store_without_passwords_acts_as_that_user(capsys, db) -> None:  # noqa: ANN001
    run(
        capsys,
        *("--db", db, "user", "add", "zhang", "--name", "张三", "--department", "YXB"),
        *("--role", "客户开发专员"),
    )
    status, _, err = run(capsys, "--db", db, "--user", "zhang", "user", "list")
    assert status == 1 and "账户·" in err
    assert run(capsys, "--db", db, "--user", "admin", "user", "list")[0] == 0
