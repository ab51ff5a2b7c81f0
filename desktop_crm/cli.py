"""Command-line verbs for scheduled jobs and for checking the program from outside.

Exit status: 0 success, 1 input refused (each problem on its own line on stderr, nothing
written), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path

from sqlalchemy.exc import OperationalError

from desktop_crm import documents
from desktop_crm.config import ConfigError, StoreLocation, store_from_args
from desktop_crm.models.db import make_engine, make_session_factory
from desktop_crm.models.migrate import SchemaError, upgrade_database
from desktop_crm.reports.fonts import FontNotFoundError
from desktop_crm.reports.table_xlsx import ExportCancelled
from desktop_crm.services import (
    accounts,
    audit,
    backup,
    bootstrap,
    complaints,
    customer_import,
    customers,
    demo_data,
)
from desktop_crm.services.customer_list import customer_query, find_customers
from desktop_crm.services.errors import ServiceError
from desktop_crm.services.spreadsheet_reader import SpreadsheetError, open_table

log = logging.getLogger(__name__)
EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
VERBS = ("demo-data", "import", "export", "find", "report", "user", "check", "backup")
PASSWORD_ENV = "DESKTOP_CRM_PASSWORD"
NEW_PASSWORD_ENV = "DESKTOP_CRM_NEW_PASSWORD"


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would exit itself
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="desktop-crm", description="客户服务管理系统")
    parser.add_argument("--db", metavar="PATH", help="SQLite 数据库文件")
    parser.add_argument(
        "--db-url", metavar="URL", help="数据库地址（SQLAlchemy URL，如 postgresql://…）"
    )
    parser.add_argument(
        "--user",
        metavar="LOGIN",
        help=f"以此登录名登录；密码取自环境变量 {PASSWORD_ENV}",
    )
    verbs = parser.add_subparsers(dest="verb", parser_class=_Parser)

    demo = verbs.add_parser("demo-data", help="向空数据库装入演示数据")
    demo.add_argument("--customers", type=int, required=True, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="S")

    imp = verbs.add_parser("import", help="导入")
    imp_what = imp.add_subparsers(dest="what", required=True, parser_class=_Parser)
    imp_customers = imp_what.add_parser("customers", help="导入客户表格")
    imp_customers.add_argument("file", type=Path)
    imp_customers.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    imp_customers.add_argument(
        "--skip-invalid", action="store_true", help="跳过有问题的行，只导入正确的行"
    )
    imp_answers = imp_what.add_parser("survey-answers", help="导入满意度调查问卷答案")
    imp_answers.add_argument("number", metavar="调查编号")
    imp_answers.add_argument("file", type=Path)
    imp_answers.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    imp_answers.add_argument(
        "--skip-invalid", action="store_true", help="跳过有问题的行，只导入正确的行"
    )

    exp = verbs.add_parser("export", help="导出")
    exp_what = exp.add_subparsers(dest="what", required=True, parser_class=_Parser)
    exp_customers = exp_what.add_parser("customers", help="导出客户名册")
    exp_customers.add_argument("file", type=Path)
    exp_customers.add_argument("--search", default="", metavar="TEXT")
    exp_complaints = exp_what.add_parser("complaints", help="导出投诉列表")
    exp_complaints.add_argument("file", type=Path)
    exp_complaints.add_argument("--search", default="", metavar="TEXT")
    exp_answers = exp_what.add_parser("survey-answers", help="导出满意度调查问卷答案")
    exp_answers.add_argument("number", metavar="调查编号")
    exp_answers.add_argument("file", type=Path)

    find = verbs.add_parser("find", help="查找")
    find_what = find.add_subparsers(dest="what", required=True, parser_class=_Parser)
    find_customers_parser = find_what.add_parser("customers", help="查找客户")
    find_customers_parser.add_argument("text")
    find_customers_parser.add_argument("--limit", type=int, default=20, metavar="N")

    report = verbs.add_parser("report", help="打印表单")
    report_what = report.add_subparsers(dest="what", required=True, parser_class=_Parser)
    card = report_what.add_parser("customer-card", help="客户资料管理卡")
    card.add_argument("code", metavar="客户编号")
    card.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf|FILE.xlsx")
    record = report_what.add_parser("complaint-record", help="顾客产品质量投诉调查处理记录")
    record.add_argument("number", metavar="投诉编号")
    record.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf|FILE.xlsx")
    revisit = report_what.add_parser("revisit-record", help="客户投诉回访记录")
    revisit.add_argument("number", metavar="回访编号")
    revisit.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf|FILE.xlsx")
    week = report_what.add_parser("complaint-week", help="客户投诉记录表（一周）")
    week.add_argument("week", metavar="2026-W47")
    week.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf|FILE.xlsx")
    week.add_argument(
        "--department", metavar="部门", help="只列此责任部门的投诉（部门名称或机构代码）"
    )
    month = report_what.add_parser("complaint-month", help="顾客投诉统计分析报告表（一月）")
    month.add_argument("month", metavar="2026-11")
    month.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf|FILE.xlsx")
    handling = report_what.add_parser(
        "complaint-handling", help="顾客投诉处理报告表（该投诉最近一份）"
    )
    handling.add_argument("number", metavar="投诉编号")
    handling.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf|FILE.xlsx")
    _add_revisit_report_parsers(report_what)
    _add_survey_report_parsers(report_what)
    _add_archive_parsers(imp_what, exp_what, report_what)

    user = verbs.add_parser("user", help="账户")
    user_what = user.add_subparsers(dest="what", required=True, parser_class=_Parser)
    user_add = user_what.add_parser(
        "add", help=f"添加账户（密码取自环境变量 {NEW_PASSWORD_ENV}，未设置则不设密码）"
    )
    user_add.add_argument("login", metavar="LOGIN")
    user_add.add_argument("--name", required=True, metavar="姓名")
    user_add.add_argument("--department", required=True, metavar="部门", help="部门名称或机构代码")
    user_add.add_argument(
        "--role", action="append", required=True, metavar="角色", help="可重复给出多个角色"
    )
    user_what.add_parser("list", help="列出账户")
    user_password = user_what.add_parser(
        "password", help=f"设置账户密码（新密码取自环境变量 {NEW_PASSWORD_ENV}）"
    )
    user_password.add_argument("login", metavar="LOGIN")

    backup_parser = verbs.add_parser("backup", help="备份整个数据库（需复制客户资料的权限）")
    backup_parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.sqlite3")
    check = verbs.add_parser("check", help="检查")
    check_what = check.add_subparsers(dest="what", required=True, parser_class=_Parser)
    check_what.add_parser("audit", help="检查审计日志是否被改动")
    return parser


def parse(argv: Sequence[str]) -> argparse.Namespace:
    return build_parser().parse_args(list(argv))


def _backup(session, actor, args) -> int:  # noqa: ANN001
    size = backup.back_up(session, actor, args.output)
    print(f"已备份到 {args.output}（{size / 1048576:.1f} MB）。")
    return EXIT_OK


def refuse(*lines: str) -> int:
    for line in lines:
        print(line, file=sys.stderr)
    return EXIT_REFUSED


def open_store(location: StoreLocation):  # noqa: ANN201 - a sessionmaker
    engine = make_engine(location.url)
    upgrade_database(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        bootstrap.ensure_defaults(session)
    return factory


def run(argv: Sequence[str]) -> int:
    """Run one verb; returns the exit status."""
    try:
        args = parse(argv)
        if args.verb is None:
            raise UsageError("缺少命令")
        location = store_from_args(args.db, args.db_url)
    except UsageError as error:
        print(f"用法错误：{error}", file=sys.stderr)
        build_parser().print_usage(sys.stderr)
        return EXIT_USAGE
    except ConfigError as error:
        return refuse(str(error))
    try:
        factory = open_store(location)
        with factory() as session:
            actor = acting_user(session, args.user)
            if isinstance(actor, int):
                return actor
            return VERB_HANDLERS[args.verb](session, actor, args)
    except (ServiceError, SpreadsheetError) as error:
        return refuse(*error.message.splitlines())
    except (SchemaError, FontNotFoundError) as error:
        return refuse(str(error))
    except OperationalError as error:
        log.exception("database error")
        return refuse(f"无法使用数据库 {location.description}：{error.orig}")
    except OSError as error:
        log.exception("file error")
        return refuse(f"文件操作失败：{error.strerror or error}（{error.filename or ''}）")


NEEDS_SIGN_IN = (
    f"此数据库已启用账户密码，请用 --user 登录名 并在环境变量 {PASSWORD_ENV} 中给出密码。"
)


def acting_user(session, login: str | None):  # noqa: ANN001, ANN201 - User | exit status
    """Who runs the verb: `--user` signed in with the password from the environment, or the
    administrator of a store without passwords. An exit status when refused."""
    if login is None:
        if accounts.passwords_in_use(session):
            print(NEEDS_SIGN_IN, file=sys.stderr)
            return EXIT_USAGE
        return bootstrap.administrator(session)
    password = os.environ.get(PASSWORD_ENV)
    if password is None and accounts.passwords_in_use(session):
        print(f"请在环境变量 {PASSWORD_ENV} 中给出 {login} 的密码。", file=sys.stderr)
        return EXIT_USAGE
    try:
        return accounts.sign_in(session, login, password or "", accounts.this_workstation())
    except accounts.SignInRefused as error:
        return refuse(f"无法以 {login} 登录：{error.message}")


def _demo_data(session, actor, args) -> int:  # noqa: ANN001
    if args.customers < 1:
        return refuse("--customers 必须是正整数。")
    count = demo_data.fill_demo_data(
        session, actor, args.customers, seed=args.seed, with_complaints=True
    )
    print(f"已装入 {count} 个演示客户。")
    return EXIT_OK


def _import_customers(session, actor, args) -> int:  # noqa: ANN001
    with open_table(args.file) as source:
        mapping, unknown = customer_import.match_headers(source.headers)
        preview = customer_import.check_rows(session, actor, source, mapping)
    _tell_unknown(unknown)
    return _finish_import(
        args,
        _rows_checked(preview),
        customer_import.problem_lines(preview.all_problems),
        len(preview.bad_rows),
        lambda: customer_import.write_rows(
            session, actor, preview, skip_invalid=True, source_name=args.file.name
        ),
        lambda written: f"已导入 {written} 个客户。",
    )


def _rows_checked(preview) -> str:  # noqa: ANN001
    """共 N 行，正确 V 行，有问题 B 行。 — a check's outcome, for a dry run."""
    return (
        f"共 {preview.total_rows} 行，正确 {len(preview.valid)} 行，"
        f"有问题 {len(preview.bad_rows)} 行。"
    )


def _tell_unknown(headers: Iterable[str]) -> None:
    for header in headers:
        print(f"提示：不认识的列「{header}」，已忽略。", file=sys.stderr)


def _finish_import(
    args,  # noqa: ANN001
    checked: str,
    problems: list[str],
    bad_rows: int,
    write: Callable[[], int],
    done: Callable[[int], str],
) -> int:
    """The end every import verb shares: --dry-run only reports; a refused row stops the
    whole import unless --skip-invalid; then the rows are written and the skipped told."""
    if args.dry_run:
        print(f"检查完毕：{checked}未写入。")
        return refuse(*problems) if problems else EXIT_OK
    if problems and not args.skip_invalid:
        return refuse(*problems, f"有 {bad_rows} 行有问题，没有导入任何数据。")
    written = write()
    for line in problems:
        print(f"已跳过 {line}", file=sys.stderr)
    print(done(written))
    return EXIT_OK


def _export_customers(session, actor, args) -> int:  # noqa: ANN001
    if args.file.suffix.lower() != ".xlsx":
        return refuse("导出文件名应以 .xlsx 结尾。")
    query = customer_query(session, actor, args.search)
    try:
        count = documents.export_list(
            session,
            actor,
            query,
            args.file,
            "客户名册",
            detail=f"查找：{args.search}" if args.search else None,
        )
    except ExportCancelled:
        return refuse("导出已取消。")
    print(f"已导出 {count} 个客户到 {args.file}。")
    return EXIT_OK


def _find_customers(session, actor, args) -> int:  # noqa: ANN001
    for code, name in find_customers(session, actor, args.text, limit=max(1, args.limit)):
        print(f"{code}\t{name}")
    return EXIT_OK


def _report(session, actor, args) -> int:  # noqa: ANN001
    suffix = args.output.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        return refuse("输出文件名应以 .pdf 或 .xlsx 结尾。")
    customer = customers.get_by_code(session, actor, args.code)
    if suffix == ".pdf":
        data = documents.customer_card_pdf(session, actor, customer.id)
    else:
        data = documents.customer_card_xlsx(session, actor, customer.id)
    temporary = args.output.with_name(args.output.name + ".part")
    temporary.write_bytes(data)
    temporary.replace(args.output)
    print(f"已生成 {args.output}。")
    return EXIT_OK


def _export(session, actor, args) -> int:  # noqa: ANN001
    if args.what == "archives":
        return _export_archives(session, actor, args)
    if args.what == "survey-answers":
        return _export_survey_answers(session, actor, args)
    if args.what == "complaints":
        return _export_complaints(session, actor, args)
    return _export_customers(session, actor, args)


def _export_complaints(session, actor, args) -> int:  # noqa: ANN001
    if args.file.suffix.lower() != ".xlsx":
        return refuse("导出文件名应以 .xlsx 结尾。")
    # services.complaint_list is written beside this module: imported when used.
    from desktop_crm.services.complaint_list import complaint_query

    query = complaint_query(session, actor, args.search)
    try:
        count = documents.export_list(
            session,
            actor,
            query,
            args.file,
            "客户投诉",
            detail=f"查找：{args.search}" if args.search else None,
            object_type="complaint_list",
        )
    except ExportCancelled:
        return refuse("导出已取消。")
    print(f"已导出 {count} 条投诉到 {args.file}。")
    return EXIT_OK


def write_atomically(target: Path, data: bytes) -> None:
    """Write beside `target` and rename, so a failure never leaves half a file."""
    temporary = target.with_name(target.name + ".part")
    try:
        temporary.write_bytes(data)
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _report_any(session, actor, args) -> int:  # noqa: ANN001
    handler = REPORT_HANDLERS.get(args.what)
    if handler is None:
        return _report(session, actor, args)
    suffix = args.output.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        return refuse("输出文件名应以 .pdf 或 .xlsx 结尾。")
    write_atomically(args.output, handler(session, actor, args, suffix == ".pdf"))
    print(f"已生成 {args.output}。")
    return EXIT_OK


def _complaint_record(session, actor, args, pdf: bool) -> bytes:  # noqa: ANN001
    complaint = complaints.get_by_number(session, actor, args.number)
    if pdf:
        return documents.complaint_record_pdf(session, actor, complaint.id)
    return documents.complaint_record_xlsx(session, actor, complaint.id)


def _revisit_record(session, actor, args, pdf: bool) -> bytes:  # noqa: ANN001
    # services.revisits is written beside this module: imported when used.
    from desktop_crm.services import revisits

    revisit = revisits.get_by_number(session, actor, args.number)
    if pdf:
        return documents.revisit_record_pdf(session, actor, revisit.id)
    return documents.revisit_record_xlsx(session, actor, revisit.id)


def _complaint_week(session, actor, args, pdf: bool) -> bytes:  # noqa: ANN001
    department_id = None
    if args.department:
        department_id = accounts.find_department(session, args.department).id
    if pdf:
        return documents.complaint_week_pdf(session, actor, args.week, department_id)
    return documents.complaint_week_xlsx(session, actor, args.week, department_id)


def _complaint_month(session, actor, args, pdf: bool) -> bytes:  # noqa: ANN001
    if pdf:
        return documents.complaint_month_pdf(session, actor, args.month)
    return documents.complaint_month_xlsx(session, actor, args.month)


def _complaint_handling(session, actor, args, pdf: bool) -> bytes:  # noqa: ANN001
    # services.complaint_handling_reports is written beside this module: imported when used.
    from desktop_crm.services import complaint_handling_reports

    complaint = complaints.get_by_number(session, actor, args.number)
    report_id = complaint_handling_reports.latest_report_id(session, actor, complaint.id)
    if pdf:
        return documents.complaint_handling_report_pdf(session, actor, report_id)
    return documents.complaint_handling_report_xlsx(session, actor, report_id)


REPORT_HANDLERS = {
    "complaint-record": _complaint_record,
    "revisit-record": _revisit_record,
    "complaint-week": _complaint_week,
    "complaint-month": _complaint_month,
    "complaint-handling": _complaint_handling,
}


def _user(session, actor, args) -> int:  # noqa: ANN001
    if args.what == "list":
        for row in accounts.account_rows(session, actor):
            print(
                "\t".join(
                    (
                        row.login,
                        row.name,
                        row.department,
                        "、".join(row.roles),
                        "在职" if row.active else "停用",
                        "有密码" if row.has_password else "无密码",
                    )
                )
            )
        return EXIT_OK
    new_password = os.environ.get(NEW_PASSWORD_ENV)
    if args.what == "add":
        accounts.add_account(
            session, actor, args.login, args.name, args.department, args.role, new_password
        )
        note = "，已设置密码" if new_password is not None else "，未设置密码"
        print(f"已添加账户 {args.login}（{args.name}）{note}。")
        return EXIT_OK
    # password
    if new_password is None:
        print(f"请在环境变量 {NEW_PASSWORD_ENV} 中给出新密码。", file=sys.stderr)
        return EXIT_USAGE
    target = accounts.find_account(session, args.login)
    if target is None:
        return refuse(f"没有登录名为 {args.login} 的账户。")
    if target.id == actor.id:
        old = os.environ.get(PASSWORD_ENV, "")
        accounts.change_own_password(session, actor, old, new_password)
    else:
        accounts.set_password(session, actor, target.id, new_password)
    print(f"已设置 {args.login} 的密码。")
    return EXIT_OK


def _check(session, actor, args) -> int:  # noqa: ANN001
    broken = audit.verify_chain(session)
    if broken is not None:
        return refuse(f"审计日志在第 {broken} 条被改动")
    print(f"审计日志完整（{audit.count(session)} 条）")
    return EXIT_OK


def _import(session, actor, args) -> int:  # noqa: ANN001
    if args.what == "archives":
        return _import_archives(session, actor, args)
    if args.what == "survey-answers":
        return _import_survey_answers(session, actor, args)
    return _import_customers(session, actor, args)


def _import_survey_answers(session, actor, args) -> int:  # noqa: ANN001
    """import survey-answers: the customer import's rules — every row checked first, each
    problem on stderr, nothing written when a row is refused (unless --skip-invalid)."""
    from desktop_crm.services import survey_answers_io, surveys

    survey = surveys.find_by_number(session, actor, args.number)
    with open_table(args.file) as source:
        preview = survey_answers_io.check_answers(session, actor, survey.id, source)
    _tell_unknown(preview.unknown_headers)
    summary = (
        f"共 {preview.total_rows} 行：新问卷 {preview.new_rows} 份，更正 {preview.changed_rows} 份，"
        f"未变 {preview.unchanged} 份，有问题 {len(preview.bad_rows)} 行。"
    )
    return _finish_import(
        args,
        summary,
        preview.lines(),
        len(preview.bad_rows),
        lambda: survey_answers_io.write_answers(
            session, actor, survey.id, preview, skip_invalid=True, source_name=args.file.name
        ),
        lambda written: f"已导入 {written} 份问卷（调查 {survey.number}）。",
    )


def _export_survey_answers(session, actor, args) -> int:  # noqa: ANN001
    from desktop_crm.services import survey_answers_io, surveys

    if args.file.suffix.lower() != ".xlsx":
        return refuse("导出文件名应以 .xlsx 结尾。")
    survey = surveys.find_by_number(session, actor, args.number)
    count = survey_answers_io.export_answers(session, actor, survey.id, args.file)
    print(f"已导出 {count} 份问卷到 {args.file}。")
    return EXIT_OK


VERB_HANDLERS = {
    "demo-data": _demo_data,
    "import": _import,
    "export": _export,
    "find": _find_customers,
    "report": _report_any,
    "user": _user,
    "check": _check,
    "backup": _backup,
}


# --------------------------------------------------------------------------- revisit reports


def _add_revisit_report_parsers(report_what) -> None:  # noqa: ANN001 - a subparsers action
    output = {"type": Path, "required": True, "metavar": "FILE.pdf|FILE.xlsx"}
    report = report_what.add_parser("revisit-report", help="客户回访报告表")
    report.add_argument("number", metavar="回访编号")
    report.add_argument("-o", "--output", **output)
    brief = report_what.add_parser("visit-brief", help="客户拜访简报（一条回访计划）")
    brief.add_argument("plan_id", type=int, metavar="计划ID")
    brief.add_argument("-o", "--output", **output)
    plans = report_what.add_parser("revisit-plans", help="客户回访计划（日期范围）")
    plans.add_argument("start", metavar="2026-11-01")
    plans.add_argument("end", metavar="2026-11-30")
    plans.add_argument("-o", "--output", **output)


def _revisit_report(session, actor, args, pdf: bool) -> bytes:  # noqa: ANN001
    from desktop_crm.services import revisits

    revisit = revisits.get_by_number(session, actor, args.number)
    if pdf:
        return documents.revisit_report_pdf(session, actor, revisit.id)
    return documents.revisit_report_xlsx(session, actor, revisit.id)


def _visit_brief(session, actor, args, pdf: bool) -> bytes:  # noqa: ANN001
    if pdf:
        return documents.visit_brief_pdf(session, actor, args.plan_id)
    return documents.visit_brief_xlsx(session, actor, args.plan_id)


def _revisit_plans(session, actor, args, pdf: bool) -> bytes:  # noqa: ANN001
    if pdf:
        return documents.revisit_plans_pdf(session, actor, args.start, args.end)
    return documents.revisit_plans_xlsx(session, actor, args.start, args.end)


REPORT_HANDLERS.update(
    {
        "revisit-report": _revisit_report,
        "visit-brief": _visit_brief,
        "revisit-plans": _revisit_plans,
    }
)


# --------------------------------------------------------------------------- satisfaction surveys


def _add_survey_report_parsers(report_what) -> None:  # noqa: ANN001 - a subparsers action
    report = report_what.add_parser("satisfaction", help="客户满意度调查分析报告")
    report.add_argument("number", metavar="调查编号")
    report.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf|FILE.xlsx")
    blank = report_what.add_parser(
        "questionnaire", help="客户满意度调查问卷（调查对象名单，每人一页）"
    )
    blank.add_argument("number", metavar="调查编号")
    blank.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf")


def _satisfaction_report(session, actor, args, pdf: bool) -> bytes:  # noqa: ANN001
    from desktop_crm.services import surveys

    survey = surveys.find_by_number(session, actor, args.number)
    if pdf:
        return documents.satisfaction_report_pdf(session, actor, survey.id)
    return documents.satisfaction_report_xlsx(session, actor, survey.id)


def _questionnaire(session, actor, args, pdf: bool) -> bytes:  # noqa: ANN001
    from desktop_crm.services import surveys
    from desktop_crm.services.errors import ValidationError

    if not pdf:
        raise ValidationError("问卷只能输出为 PDF：输出文件名应以 .pdf 结尾。", "output")
    survey = surveys.find_by_number(session, actor, args.number)
    content, _sheets = documents.questionnaires_pdf(session, actor, survey.id)
    return content


REPORT_HANDLERS.update(
    {
        "satisfaction": _satisfaction_report,
        "questionnaire": _questionnaire,
    }
)


# --------------------------------------------------------------------------- archive ledger


def _add_archive_parsers(imp_what, exp_what, report_what) -> None:  # noqa: ANN001 - subparsers
    imp = imp_what.add_parser("archives", help="导入档案台账（每行一个案卷）")
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    imp.add_argument("--skip-invalid", action="store_true", help="跳过有问题的行，只导入正确的行")
    exp = exp_what.add_parser("archives", help="导出档案台账")
    exp.add_argument("file", type=Path)
    exp.add_argument("--search", default="", metavar="TEXT")
    output = {"type": Path, "required": True, "metavar": "FILE.pdf|FILE.xlsx"}
    catalogue = report_what.add_parser("archive-catalog", help="案卷目录（一年，每种保管期限一册）")
    catalogue.add_argument("year", type=int, metavar="年度")
    catalogue.add_argument("--category", metavar="门类", help="门类名称或代码")
    catalogue.add_argument("--period", metavar="保管期限", help="永久、定期30年、30年、D30 等")
    catalogue.add_argument("-o", "--output", **output)
    contents = report_what.add_parser("file-contents", help="卷内文件目录和卷内备考表（一个案卷）")
    contents.add_argument("number", metavar="档号")
    contents.add_argument("-o", "--output", **output)
    due = report_what.add_parser("retention-due", help="到期鉴定清单（截至某日，默认今天）")
    due.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD")
    due.add_argument("-o", "--output", **output)
    labels = report_what.add_parser("labels", help="一年案卷的档号章和档案盒脊背标签")
    labels.add_argument("year", type=int, metavar="年度")
    labels.add_argument(
        "--kind", choices=("spine", "stamp", "both"), default="both",
        help="spine 盒脊背标签，stamp 档号章，both 两种（默认）",
    )  # fmt: skip
    labels.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf")
    receipt_book = report_what.add_parser("receipt-book", help="档案签收簿（一年）")
    receipt_book.add_argument("year", type=int, metavar="年度")
    receipt_book.add_argument("-o", "--output", **output)
    loan_book = report_what.add_parser("loan-book", help="借阅登记簿（一年）")
    loan_book.add_argument("year", type=int, metavar="年度")
    loan_book.add_argument("-o", "--output", **output)
    register = report_what.add_parser("destruction-list", help="档案销毁清册（一个批次）")
    register.add_argument("batch_no", metavar="批次号")
    register.add_argument("-o", "--output", **output)


def _archive_catalogue(session, actor, args, pdf: bool) -> bytes:  # noqa: ANN001
    from desktop_crm.services import archive_settings
    from desktop_crm.services.errors import ValidationError

    filters: dict[str, object] = {"year": _book_year(args.year)}
    if args.category:
        category = archive_settings.find_category(session, args.category)
        if category is None:
            names = "、".join(c.name for c in archive_settings.categories(session))
            raise ValidationError(f"没有这个门类「{args.category}」，应为：{names}。", "category")
        filters["category_code"] = category.code
    if args.period:
        period = archive_settings.find_period(session, args.period)
        if period is None:
            names = "、".join(p.name for p in archive_settings.periods(session))
            raise ValidationError(f"没有这个保管期限「{args.period}」，应为：{names}。", "period")
        filters["period_code"] = period.code
    return documents.archive_catalogue(session, actor, pdf, filters)


def _file_contents(session, actor, args, pdf: bool) -> bytes:  # noqa: ANN001
    from desktop_crm.services import archives

    volume_id = archives.get_by_number(session, actor, args.number).id
    return documents.archive_file_contents(session, actor, volume_id, pdf)


def _retention_due(session, actor, args, pdf: bool) -> bytes:  # noqa: ANN001
    from desktop_crm.services.errors import ValidationError
    from desktop_crm.services.field_parsing import ParseError, parse_date

    try:
        as_of = parse_date(args.as_of) if args.as_of else date.today()
    except ParseError as error:
        raise ValidationError(f"截至日期：{error}", "as_of") from None
    return documents.archive_due(session, actor, as_of, pdf)


def _labels(session, actor, args, pdf: bool) -> bytes:  # noqa: ANN001
    from desktop_crm.services.errors import ValidationError

    if not pdf:
        raise ValidationError("标签只能输出为 PDF：输出文件名应以 .pdf 结尾。", "output")
    kinds = ("stamp", "spine") if args.kind == "both" else (args.kind,)
    return documents.archive_labels_for_year(session, actor, _book_year(args.year), kinds)


REPORT_HANDLERS.update(
    {
        "archive-catalog": _archive_catalogue,
        "file-contents": _file_contents,
        "retention-due": _retention_due,
        "labels": _labels,
    }
)


def _book_year(year: int) -> int:
    from desktop_crm.services.errors import ValidationError

    if not 1900 <= year <= 2100:
        raise ValidationError(f"年度「{year}」不对：应在 1900—2100 之间。", "year")
    return year


def _receipt_book(session, actor, args, pdf: bool) -> bytes:  # noqa: ANN001
    return documents.archive_receipt_book(session, actor, _book_year(args.year), pdf)


def _loan_book(session, actor, args, pdf: bool) -> bytes:  # noqa: ANN001
    return documents.archive_loan_book(session, actor, _book_year(args.year), pdf)


def _destruction_register(session, actor, args, pdf: bool) -> bytes:  # noqa: ANN001
    return documents.archive_destruction_register(session, actor, args.batch_no, pdf)


REPORT_HANDLERS.update(
    {
        "receipt-book": _receipt_book,
        "loan-book": _loan_book,
        "destruction-list": _destruction_register,
    }
)


def _export_archives(session, actor, args) -> int:  # noqa: ANN001
    if args.file.suffix.lower() != ".xlsx":
        return refuse("导出文件名应以 .xlsx 结尾。")
    try:
        count = documents.export_archives(session, actor, args.file, args.search)
    except ExportCancelled:
        return refuse("导出已取消。")
    print(f"已导出 {count} 个案卷到 {args.file}。")
    return EXIT_OK


def _import_archives(session, actor, args) -> int:  # noqa: ANN001
    """import archives: every row checked first, each refusal on stderr with its row,
    column and reason; nothing written while a row is refused (unless --skip-invalid)."""
    from desktop_crm.services import archive_import

    with open_table(args.file) as source:
        preview = archive_import.check_rows(session, actor, source)
    _tell_unknown(preview.unknown_headers)
    for line in preview.note_lines():
        print(f"提示：{line}", file=sys.stderr)
    return _finish_import(
        args,
        _rows_checked(preview),
        preview.problem_lines(),
        len(preview.bad_rows),
        lambda: archive_import.write_rows(
            session, actor, preview, skip_invalid=True, source_name=args.file.name
        ),
        lambda written: f"已导入 {written} 个案卷。",
    )
