"""Command-line verbs for scheduled jobs and for checking the program from outside.

Exit status: 0 success, 1 input refused (each problem on its own line on stderr, nothing
written), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import OperationalError

from desktop_crm import documents
from desktop_crm.config import ConfigError, StoreLocation, store_from_args
from desktop_crm.models.db import make_engine, make_session_factory
from desktop_crm.models.migrate import SchemaError, upgrade_database
from desktop_crm.reports.fonts import FontNotFoundError
from desktop_crm.reports.table_xlsx import ExportCancelled
from desktop_crm.services import bootstrap, customer_import, customers, demo_data
from desktop_crm.services.customer_list import customer_query, find_customers
from desktop_crm.services.errors import ServiceError
from desktop_crm.services.spreadsheet_reader import SpreadsheetError, open_table

log = logging.getLogger(__name__)
EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
VERBS = ("demo-data", "import", "export", "find", "report")


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

    exp = verbs.add_parser("export", help="导出")
    exp_what = exp.add_subparsers(dest="what", required=True, parser_class=_Parser)
    exp_customers = exp_what.add_parser("customers", help="导出客户名册")
    exp_customers.add_argument("file", type=Path)
    exp_customers.add_argument("--search", default="", metavar="TEXT")

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
    return parser


def parse(argv: Sequence[str]) -> argparse.Namespace:
    return build_parser().parse_args(list(argv))


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
            actor = bootstrap.administrator(session)
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


def _demo_data(session, actor, args) -> int:  # noqa: ANN001
    if args.customers < 1:
        return refuse("--customers 必须是正整数。")
    count = demo_data.fill_demo_data(session, actor, args.customers, seed=args.seed)
    print(f"已装入 {count} 个演示客户。")
    return EXIT_OK


def _import_customers(session, actor, args) -> int:  # noqa: ANN001
    with open_table(args.file) as source:
        mapping, unknown = customer_import.match_headers(source.headers)
        preview = customer_import.check_rows(session, source, mapping)
    for header in unknown:
        print(f"提示：不认识的列「{header}」，已忽略。", file=sys.stderr)
    problems = customer_import.problem_lines(preview.all_problems)
    valid = len(preview.valid)
    if args.dry_run:
        print(
            f"检查完毕：共 {preview.total_rows} 行，正确 {valid} 行，有问题 {len(preview.bad_rows)} 行。未写入。"
        )
        return refuse(*problems) if problems else EXIT_OK
    if problems and not args.skip_invalid:
        return refuse(*problems, f"有 {len(preview.bad_rows)} 行有问题，没有导入任何数据。")
    written = customer_import.write_rows(
        session, actor, preview, skip_invalid=True, source_name=args.file.name
    )
    for line in problems:
        print(f"已跳过 {line}", file=sys.stderr)
    print(f"已导入 {written} 个客户。")
    return EXIT_OK


def _export_customers(session, actor, args) -> int:  # noqa: ANN001
    if args.file.suffix.lower() != ".xlsx":
        return refuse("导出文件名应以 .xlsx 结尾。")
    query = customer_query(session, args.search)
    try:
        count = documents.export_list(session, actor, query, args.file, "客户名册")
    except ExportCancelled:
        return refuse("导出已取消。")
    print(f"已导出 {count} 个客户到 {args.file}。")
    return EXIT_OK


def _find_customers(session, actor, args) -> int:  # noqa: ANN001
    for code, name in find_customers(session, args.text, limit=max(1, args.limit)):
        print(f"{code}\t{name}")
    return EXIT_OK


def _report(session, actor, args) -> int:  # noqa: ANN001
    suffix = args.output.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        return refuse("输出文件名应以 .pdf 或 .xlsx 结尾。")
    customer = customers.get_by_code(session, args.code)
    if suffix == ".pdf":
        data = documents.customer_card_pdf(session, actor, customer.id)
    else:
        data = documents.customer_card_xlsx(session, actor, customer.id)
    temporary = args.output.with_name(args.output.name + ".part")
    temporary.write_bytes(data)
    temporary.replace(args.output)
    print(f"已生成 {args.output}。")
    return EXIT_OK


VERB_HANDLERS = {
    "demo-data": _demo_data,
    "import": _import_customers,
    "export": _export_customers,
    "find": _find_customers,
    "report": _report,
}
