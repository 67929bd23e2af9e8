"""The command line: thin. Parse options, call one library function, print, pick the exit code.

Exit codes are the same for every command; what each exception means (its exit code and how its
message is printed) is the one table in exits.py, which watch and batch read too:
  0  done; no errors (warnings alone, unless --strict)
  1  the workbook has errors (or warnings with --strict)
  2  the file cannot be used (not an .xlsx, damaged, encrypted, …)
  3  the output could not be written (exists, folder not writable, …)
  4  the PDF could not be made; 70 a bug; 130/143 interrupted; 141 the reader of our output went away
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import click

from budget_author import __version__, profiles
from budget_author.catalogue import CATALOGUE
from budget_author.cli_zh import VERSION_HELP, VERSION_MESSAGE, ZhChoice, ZhGroup, ZhIntRange, ZhPath, ZhProfile
from budget_author.exits import (EXIT_INTERNAL, EXIT_OK, EXIT_OUTPUT, EXIT_PROBLEMS, EXIT_UNUSABLE, Shown,
                                 Terminated, batch_exit_code, exit_for, internal_message, problem_of)
from budget_author.issues import Issue, Severity, issue
from budget_author.outputs import display

REPEAT_LIMIT = 20  # problems of one code per sheet shown before "……另有 N 处"

EXIT_CODES_HELP = """\b
退出码：
  0  没有错误（只有警告时也为 0，除非使用 --strict）
  1  填报数据有错误
  2  文件无法使用或有害（不是 .xlsx、文件损坏、设有密码、超过上限等）
  3  输出文件无法写入（会覆盖填报表、不是普通文件、磁盘已满、文件夹不可写、
     PDF 正在阅读器中打开、另一个生成正在写入等）；原有文件保持不变
  4  无法生成 PDF（缺少中文字体、文档引用了外部资源、排版超时或超内存）
  70 程序内部错误（请把提示信息和填报表发给维护人员）
  130 按 Ctrl-C 中断（143：被终止）；原有文件保持不变"""
CHECK_EXIT_CODES_HELP = EXIT_CODES_HELP
# Commands without --strict (and the overview) do not offer it.
NO_STRICT_EXIT_CODES_HELP = EXIT_CODES_HELP.replace("（只有警告时也为 0，除非使用 --strict）", "（只有警告时也为 0）")
GROUP_EXIT_CODES_HELP = EXIT_CODES_HELP.replace("除非使用 --strict", "除非 check 使用 --strict")
INIT_EXIT_CODES_HELP = """\b
退出码：
  0  已生成空白填报表（--from：已由上年的填报表生成）
  1  --from 的上年填报表有错误（什么都没有写入）
  2  命令用法有误（如年度不在 2000–2100 之间）；--from 的文件无法使用、
     公开标准与 --profile 不同或格式版本过新
  3  文件已存在（不会覆盖）或无法写入
  70 程序内部错误（请把提示信息发给维护人员）
  130 按 Ctrl-C 中断"""


def _on_sigterm(signum, frame) -> None:
    raise Terminated()


class _Escaped(Exception):
    """Ctrl-C, SIGTERM or a closed pipe, carried past click (which would print "Aborted!" and exit 1) to main()."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(original)
        self.original = original


class _Group(ZhGroup):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (KeyboardInterrupt, BrokenPipeError) as exc:
            raise _Escaped(exc) from None


def main() -> None:
    """Entry point: the clerk never sees a stack trace (BUDGET_AUTHOR_DEBUG=1 shows it). What each exception
    that reaches here means (exit code, what is printed) is exits.table()."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        cli(standalone_mode=True)
    except SystemExit:
        raise
    except _Escaped as escaped:
        _exit_for(escaped.original)
    except BaseException as exc:  # noqa: BLE001 - the last line of defence (Ctrl-C between parsing and command)
        if exit_for(exc).code == EXIT_INTERNAL and os.environ.get("BUDGET_AUTHOR_DEBUG"):
            raise
        _exit_for(exc)


def _exit_for(exc: BaseException, path: Path | None = None) -> None:
    """Print what the exception means, as exits.table() says, and exit with its code."""
    row = exit_for(exc)
    if row.shown is Shown.PROBLEM and path is not None:
        _print([problem_of(exc)], path, "text")
    elif row.shown in (Shown.PROBLEM, Shown.ERROR_LINE):
        click.echo(f"{click.style('错误', fg='red', bold=True)} [{exc.code}] {exc}", err=True)
    elif row.shown is Shown.CODE_LINE:
        click.echo(f"[{exc.code}] {exc}", err=True)
    elif row.shown is Shown.INTERRUPTED:
        click.echo(CATALOGUE["INTERRUPTED"].message, err=True)
    elif row.shown is Shown.NOTHING:  # the reader of our output went away (`| head`)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that the interpreter's last flush does not fail again
    else:
        click.echo(internal_message(exc), err=True)
    sys.exit(row.code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]}, epilog=GROUP_EXIT_CODES_HELP,
             subcommand_metavar="命令 [参数]...")
@click.version_option(__version__, prog_name="budget-author", message=VERSION_MESSAGE, help=VERSION_HELP)
def cli() -> None:
    """budget-author：编制、检查并生成单位预算公开文件。

    \b
    一般步骤：
      1. budget-author init 填报表.xlsx      生成空白填报表
         （第二年起：budget-author init 本年.xlsx --from 上年.xlsx）
      2. 在 Excel/WPS 中填写
      3. budget-author check 填报表.xlsx     检查，列出全部问题
      4. budget-author build 填报表.xlsx     生成公开文件 PDF
    """


@cli.command("init", epilog=INIT_EXIT_CODES_HELP)
@click.argument("path", required=False, default="单位预算填报表.xlsx", type=ZhPath(dir_okay=False, path_type=Path))
@click.option("--unit", "unit_name", metavar="名称", help="预先填入的单位名称。")
@click.option("--year", type=ZhIntRange(2000, 2100), metavar="年度", help="预先填入的预算年度，如 2025。")
@click.option("--profile", type=ZhProfile(), metavar="标准",
              help=f"公开标准（决定填报表有哪些工作表和栏目）：{'、'.join(profiles.BUILT_IN)}，"
                   f"或 {profiles.ENVIRONMENT_VARIABLE} 中的标准；默认 {profiles.DEFAULT}"
                   "（--from 时沿用上年填报表的标准）。")
@click.option("--from", "source", type=ZhPath(dir_okay=False, path_type=Path), metavar="上年填报表",
              help="由上年的填报表生成本年的：带入单位信息、文字、项目（待确认）、自定义科目等，"
                   "上年的预算数成为本年的上年数，本年的金额留空。--year 默认为上年的年度加 1。")
def init_command(path: Path, unit_name: str | None, year: int | None, profile: str | None,
                 source: Path | None) -> None:
    """生成空白填报表 PATH（默认：单位预算填报表.xlsx）；--from 时由上年的填报表生成。

    填报表包含填表说明、下拉列表和自动合计公式。已存在的文件不会被覆盖。
    填报表记住所选的公开标准，check、build 等命令按它处理。
    --from 上年填报表：先检查上年填报表（有错误时列出问题，什么都不写），再打印带入了什么、
    清空了什么、需要复核或填写什么。
    """
    from budget_author.workbook.template import write_template

    if source is not None:
        _init_from(source, path, year, profile, unit_name)
        return
    unit = {k: v for k, v in (("name", unit_name), ("year", year)) if v}
    try:
        write_template(path, {"unit": unit} if unit else None, profile=profile)
    except FileExistsError:
        click.echo(f"文件已存在：{path}。为避免覆盖已填写的内容，init 不会覆盖已有文件；请换一个文件名。", err=True)
        sys.exit(EXIT_OUTPUT)
    except OSError as exc:
        click.echo(f"无法写入 {path}：{exc.strerror or exc}。请检查文件夹是否存在、是否有写入权限。", err=True)
        sys.exit(EXIT_OUTPUT)
    click.echo(f"已生成填报表：{path}")
    click.echo(f"下一步：在 Excel/WPS 中打开它，按填表说明填写并保存，然后运行 budget-author check {_quoted(path)}")


def _init_from(source: Path, path: Path, year: int | None, profile: str | None, unit_name: str | None) -> None:
    """init --from: next year's workbook from last year's (budget_author/carry.py)."""
    from budget_author.carry import CarryRefused, init_from
    from budget_author.exits import coded

    if unit_name:
        click.echo("错误：--unit 不能与 --from 同时使用：单位名称取自上年填报表（需要改名时请在新填报表中修改）。", err=True)
        sys.exit(2)
    try:
        carried = init_from(source, path, year=year, profile=profile)
    except CarryRefused as refused:
        _print(refused.problems[:-1], source, "text")
        last = refused.problems[-1]
        click.echo(f"{click.style('错误', fg='red', bold=True)} [{last.code}] {last.message}", err=True)
        sys.exit(refused.exit_code)
    except FileExistsError:
        click.echo(f"文件已存在：{display(path)}。为避免覆盖已填写的内容，init 不会覆盖已有文件；请换一个文件名。", err=True)
        sys.exit(EXIT_OUTPUT)
    except coded() as exc:  # the source cannot be read (not an .xlsx, damaged, …), or its standard does not load
        _exit_for(exc, source)
    except OSError as exc:
        click.echo(f"无法写入 {display(path)}：{exc.strerror or exc}。请检查文件夹是否存在、是否有写入权限。", err=True)
        sys.exit(EXIT_OUTPUT)
    click.echo(f"已生成 {carried.year} 年的填报表：{display(path)}（由 {display(source)} 带入，公开标准 {carried.profile}）")
    for heading, lines in (("带入：", carried.carried), ("已清空，请填写本年的数：", carried.cleared),
                           ("请复核或填写：", carried.review)):
        click.echo(heading)
        for number, line in enumerate(lines, start=1):
            click.echo(f"  {number}. {line}" if heading.startswith("请") else f"  · {line}")
    click.echo(f"下一步：在 Excel/WPS 中打开它，确认项目、填写本年的数并保存，然后运行 budget-author check {_quoted(path)}")


def _quoted(path: Path) -> str:
    """The path as the clerk would type it back into the shell (quoted when it has spaces)."""
    text = display(path)
    return f'"{text}"' if any(ch.isspace() for ch in text) or not text else text


@cli.command("check", epilog=CHECK_EXIT_CODES_HELP)
@click.argument("path", type=ZhPath(dir_okay=False, path_type=Path))
@click.option("--format", "output_format", type=ZhChoice(["text", "json"]), default="text",
              help="text（默认）：给人看的中文列表；json：给程序读的同样内容。")
@click.option("--strict", is_flag=True, help="有警告时也以退出码 1 结束。")
@click.option("-q", "--quiet", is_flag=True, help="没有问题时不打印“检查通过”。")
def check_command(path: Path, output_format: str, strict: bool, quiet: bool) -> None:
    """检查填报表 PATH，一次列出全部问题。

    每个问题给出规则代码、严重程度（错误/警告）、工作表和单元格，以及说明：
    哪里不对、应该是什么、怎么改。没有问题时打印一行“检查通过”（--quiet 时不打印）。
    """
    from budget_author.check import check_workbook
    from budget_author.profiles import ProfileError
    from budget_author.workbook.read import InputError

    try:
        result = check_workbook(path)
    except (InputError, ProfileError) as exc:
        _print([problem_of(exc)], path, output_format)
        sys.exit(exit_for(exc).code)
    _print(result.issues, path, output_format)
    if not result.issues and output_format == "text" and not quiet:
        click.echo(f"检查通过：{display(path)}")
    errors = sum(i.severity is Severity.ERROR for i in result.issues)
    warnings = len(result.issues) - errors
    sys.exit(EXIT_PROBLEMS if errors or (strict and warnings) else EXIT_OK)


def _print(issues: list[Issue], path: Path, output_format: str) -> None:
    if output_format == "json":
        errors = sum(i.severity is Severity.ERROR for i in issues)
        payload = {
            "file": display(path),
            "errors": errors,
            "warnings": len(issues) - errors,
            "issues": [i.as_dict() for i in issues],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not issues:
        return
    shown: Counter = Counter()
    hidden: defaultdict[tuple[str | None, str], int] = defaultdict(int)
    for problem in issues:
        key = (problem.sheet, problem.code)
        shown[key] += 1
        if shown[key] > REPEAT_LIMIT:
            hidden[key] += 1
            continue
        colour = "red" if problem.severity is Severity.ERROR else "yellow"
        head = click.style(f"{problem.severity.label} {problem.location}", fg=colour, bold=True)
        click.echo(f"{head} [{problem.code}] {problem.message}")
    for (sheet, code), count in hidden.items():
        click.echo(f"……“{sheet or '文件'}”中另有 {count} 处同类问题（{code}）。")
    errors = sum(i.severity is Severity.ERROR for i in issues)
    click.echo(f"共 {errors} 个错误，{len(issues) - errors} 个警告：{display(path)}")


@cli.command("build", epilog=NO_STRICT_EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, required=True, type=ZhPath(path_type=Path))
@click.option("-o", "--output", type=ZhPath(path_type=Path), metavar="路径",
              help="一个填报表时：PDF 的保存位置（默认与填报表同名的 .pdf）；多个时：保存 PDF 的文件夹。")
@click.option("--draft", is_flag=True, help="每页加“仅供内部审核”水印。")
@click.option("--html", "with_html", is_flag=True, help="同时生成可在网站发布的 HTML（单个文件，样式内嵌）。")
@click.option("--xlsx", "with_xlsx", is_flag=True,
              help="同时生成公开表的 Excel 工作簿（PDF 的文件名加“-公开表.xlsx”，每张公开表一个工作表）。")
@click.option("-j", "--jobs", type=ZhIntRange(1, 64), default=None, metavar="进程数",
              help="批量生成时同时运行的进程数（默认：本机 CPU 核数）。")
@click.option("--queue", metavar="地址", default=None,
              help="批量生成交给各台机器上的 budget-author worker：消息队列（Redis）地址，如 redis://主机:6379/0；"
                   "同时需要 --database。")
@click.option("--database", metavar="地址", envvar="BUDGET_AUTHOR_DATABASE", default=None,
              help="与 --queue 一起使用：worker 使用的数据库地址（也可以用环境变量 BUDGET_AUTHOR_DATABASE）。")
def build_command(paths: tuple[Path, ...], output: Path | None, draft: bool, with_html: bool, with_xlsx: bool,
                  jobs: int | None, queue: str | None, database: str | None) -> None:
    """检查填报表 PATH，没有错误时生成单位预算公开 PDF。

    先做与 check 相同的检查：有错误时列出问题，不生成 PDF。输出文件先写入临时文件再改名，
    不会留下写了一半的文件；填报表本身不会被修改。每次生成都在 PDF 旁写一个 .manifest.json，
    再次生成时列出与上次相比变化了的数字。

    PATH 是文件夹或多个文件时批量生成（财政局汇总发布）：并行生成每个单位的文件，显示进度，
    最后列出汇总表；某个单位失败不影响其他单位，有任何失败时退出码不为 0。
    """
    if queue and not database:
        click.echo("错误：--queue 需要同时给出 --database（或环境变量 BUDGET_AUTHOR_DATABASE），"
                   "即 budget-author worker 使用的数据库。", err=True)
        sys.exit(EXIT_UNUSABLE)
    if len(paths) == 1 and not paths[0].is_dir() and not queue:
        _build_single(paths[0], output, draft, with_html, with_xlsx)
    else:
        _build_batch(paths, output, draft, with_html, jobs, with_xlsx, queue=queue, database=database)


def _waiting(target: Path):
    return lambda: click.echo(f"另一个生成正在写入 {display(target)}，等待它完成……", err=True)


def _build_single(path: Path, output: Path | None, draft: bool, with_html: bool, with_xlsx: bool = False) -> None:
    from budget_author.build import build_document, plan_outputs
    from budget_author.exits import coded

    try:
        result = build_document(path, output, draft=draft, html=with_html, xlsx=with_xlsx,
                                on_wait=_waiting(plan_outputs(path, output).pdf))
    except coded() as exc:
        _exit_for(exc, path)
    problems = result.check.issues
    if not result.check.ok:
        _print(problems, path, "text")
        click.echo("填报表有错误，未生成 PDF。请改正后重新运行。")
        sys.exit(EXIT_PROBLEMS)
    if problems:
        _print(problems, path, "text")
    click.echo(f"已生成：{display(result.pdf)}（{result.pages} 页，{result.seconds:.1f} 秒）")
    if result.html:
        click.echo(f"已生成：{display(result.html)}")
    if result.xlsx:
        click.echo(f"已生成：{display(result.xlsx)}")
    _print_repaired(result)
    _print_changes(result.changes, "与上次生成的文件相比")


def _print_repaired(result) -> None:
    if result.repaired:
        problem = issue("OUTPUT_REPAIRED", output=display(result.pdf))
        click.echo(f"{click.style(problem.severity.label, fg='yellow', bold=True)} [{problem.code}] {problem.message}")


def _build_batch(paths: tuple[Path, ...], output: Path | None, draft: bool, with_html: bool,
                 jobs: int | None, with_xlsx: bool = False, *, queue: str | None = None,
                 database: str | None = None) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from budget_author.batch import SKIPPED, build_many, collect_workbooks, summary_folder, write_summary

    collected = collect_workbooks(paths)
    if not collected.workbooks:
        for skipped in collected.skipped:
            click.echo(issue("BATCH_SKIPPED", path=display(skipped.workbook), reason=skipped.message).message,
                       err=True)
        click.echo("没有找到填报表（.xlsx）。", err=True)
        sys.exit(EXIT_UNUSABLE)
    if output is not None:
        if output.exists() and not output.is_dir():
            click.echo(f"批量生成时 -o 应为文件夹：{display(output)}", err=True)
            sys.exit(EXIT_OUTPUT)
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            click.echo(f"无法建立文件夹 {display(output)}：{exc.strerror or exc}。", err=True)
            sys.exit(EXIT_OUTPUT)
    console = Console(highlight=False)
    finished = []

    def done(outcome) -> None:
        finished.append(outcome)
        progress.advance(task)

    try:
        with Progress(TextColumn("生成中"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True) as progress:
            task = progress.add_task("build", total=len(collected.workbooks))
            if queue:  # the same units, outcomes and summary; built by the workers (budget_author/web/remote.py)
                outcomes = _on_queue(collected.workbooks, queue, database, output_dir=output, draft=draft,
                                     html=with_html, xlsx=with_xlsx, on_done=done)
            else:
                outcomes = build_many(collected.workbooks, output_dir=output, draft=draft, html=with_html,
                                      xlsx=with_xlsx, jobs=jobs, on_done=done)
    except KeyboardInterrupt:  # keep the record of what was finished before the interruption
        with contextlib.suppress(OSError):
            write_summary(finished + collected.skipped, summary_folder(finished, output))
        raise
    everything = outcomes + collected.skipped
    table = Table(title="生成结果", show_lines=False)
    for column in ("单位", "状态", "问题数", "页数", "秒", "说明"):
        numeric = column in ("问题数", "页数", "秒")
        # names and notes wrap (fold: Chinese has no spaces to wrap at) rather than end in "…"; numbers stay whole
        table.add_column(column, justify="right" if numeric else "left", overflow="fold", no_wrap=numeric,
                         min_width=4 if column == "单位" else None)
    for o in everything:
        if o.status == SKIPPED:
            table.add_row(o.unit, o.status, "", "", "", o.message)
            continue
        table.add_row(o.unit, o.status, str(o.problems), str(o.pages or ""), f"{o.seconds:.1f}",
                      display(o.pdf) if o.ok else f"{display(o.workbook.name)}：{o.message}")
    console.print(table)
    failed = [o for o in outcomes if not o.ok]
    skipped = f"，跳过 {len(collected.skipped)} 个文件" if collected.skipped else ""
    console.print(f"共 {len(outcomes)} 个单位：成功 {len(outcomes) - len(failed)} 个，失败 {len(failed)} 个{skipped}。")
    try:
        record = write_summary(everything, summary_folder(outcomes, output))
        console.print(f"汇总表已保存：{display(record)}")
    except OSError as exc:
        click.echo(f"无法保存汇总表：{exc.strerror or exc}。上面的汇总表就是本次生成的全部结果。", err=True)
        failed = failed or [None]
    if failed:
        sys.exit(max(batch_exit_code(o.status) if o else EXIT_OUTPUT for o in failed))


def _on_queue(workbooks, queue: str, database: str, **options):
    try:
        from budget_author.web.remote import build_on_queue
    except ImportError:
        from budget_author.web.commands import MISSING

        click.echo(MISSING, err=True)
        sys.exit(EXIT_UNUSABLE)
    try:
        return build_on_queue(workbooks, queue=queue, database=database, **options)
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 - the database or the queue cannot be reached
        if type(exc).__module__.split(".")[0] not in ("sqlalchemy", "redis", "psycopg", "huey"):
            raise
        click.echo(f"错误：无法使用数据库或消息队列：{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                   err=True)
        sys.exit(EXIT_UNUSABLE)


@cli.command("watch", epilog=NO_STRICT_EXIT_CODES_HELP)
@click.argument("path", type=ZhPath(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=ZhPath(path_type=Path), metavar="路径",
              help="PDF 的保存位置（默认：与填报表同名的 .pdf）。")
@click.option("--draft", is_flag=True, help="每页加“仅供内部审核”水印。")
def watch_command(path: Path, output: Path | None, draft: bool) -> None:
    """监视填报表 PATH：每次在 Excel/WPS/LibreOffice 中保存后自动重新生成 PDF。

    每一轮打印检查出的问题，或一行结果（文件、页数、用时）和与上次相比变化了的数字。
    填报表有错误时保留上一次生成的 PDF。按 Ctrl-C 结束。
    """
    from budget_author.outputs import OutputError, check_outputs, plan_outputs
    from budget_author.watch import watch_workbook

    if not path.exists():
        _print([issue("FILE_NOT_FOUND")], path, "text")
        sys.exit(EXIT_UNUSABLE)
    try:
        check_outputs(plan_outputs(path, output), [path])
    except OutputError as exc:
        _exit_for(exc, path)
    click.echo(f"正在监视 {display(path)}，保存后自动重新生成；按 Ctrl-C 结束。")

    def show(round_) -> None:
        stamp = time.strftime("%H:%M:%S")
        if round_.built:
            result = round_.result
            if round_.problems:
                _print(round_.problems, path, "text")
            click.echo(f"[{stamp}] 已生成：{display(result.pdf)}（{result.pages} 页，{round_.seconds:.1f} 秒）")
            _print_repaired(result)
            _print_changes(result.changes, "与上次相比")
        else:
            _print(round_.problems, path, "text")
            click.echo(f"[{stamp}] 未重新生成；上一次生成的 PDF 保持不变。")

    try:
        watch_workbook(path, output, draft=draft, on_round=show)
    except KeyboardInterrupt as exc:  # Ctrl-C is how watch is meant to end (exit 0); SIGTERM keeps its 143
        click.echo("已停止监视，生成的文件保持完整。")
        if isinstance(exc, Terminated):
            sys.exit(exit_for(exc).code)


def _print_changes(changes, since: str) -> None:
    from budget_author.manifest import redline_lines

    if changes is None:
        return
    if not changes:
        click.echo(f"{since}，没有数字发生变化。")
        return
    lines = redline_lines(changes)
    click.echo(f"{since}，以下 {len(lines)} 处数字有变化：")
    for line in lines:
        click.echo(f"  {line}")


@cli.command("diff", epilog=NO_STRICT_EXIT_CODES_HELP)
@click.argument("old", type=ZhPath(dir_okay=False, path_type=Path))
@click.argument("new", type=ZhPath(dir_okay=False, path_type=Path))
def diff_command(old: Path, new: Path) -> None:
    """比较两个填报表：先列出改动了的单元格，每处下面是它引起变化的数字，最后列出改动了的文字。

    \b
    列出的顺序：
      填写的数据有变化的单元格（如 收入!C3），按工作表和行的顺序；
          每处下面是因此变化的数字，按公开文件中的位置和说法；
      几处改动共同引起的数字（如新增一行时）；
      文字有变化的单元格（变动原因、职责、机构设置等）。

    不生成 PDF。两个填报表都必须检查无误；有错误时列出问题。可用于发布前确认：
    除了有意修改的数字及其派生数字之外，没有别的数字发生变化。
    """
    from budget_author.check import check_raw
    from budget_author.compute.report import compute_report
    from budget_author.diff import diff_lines, diff_workbooks
    from budget_author.exits import coded
    from budget_author.manifest import figures_of
    from budget_author.workbook.read import read_workbook

    reports, raws = [], []
    for path in (old, new):
        try:
            raw = read_workbook(path)
            checked = check_raw(raw)
        except coded() as exc:  # an unusable workbook, or a standard that does not load
            _exit_for(exc, path)
        if not checked.ok:
            _print(checked.issues, path, "text")
            click.echo("填报表有错误，无法比较。请先改正。")
            sys.exit(EXIT_PROBLEMS)
        reports.append(figures_of(compute_report(checked.parsed.budget, checked.parsed.load_profile())))
        raws.append(raw)
    result = diff_workbooks(raws[0], raws[1], reports[0], reports[1])
    since = f"{display(new.name)} 与 {display(old.name)} 相比"
    if not result.rows and not result.texts and not result.figures:
        click.echo(f"{since}，填写的内容和文件中的数字都没有变化。")
        return
    count = len(redline_lines_of(result.figures))
    click.echo(f"{since}，文件中共 {count} 处数字有变化。" if count else f"{since}，文件中的数字没有变化。")
    for line in diff_lines(result):
        click.echo(line)


def redline_lines_of(changes) -> list[str]:
    from budget_author.manifest import redline_lines

    return redline_lines(changes)


def _register_web() -> None:
    """`serve`, `units …`, `users …`: the web version (budget_author/web/; its packages are the [web] extra)."""
    from budget_author.web.commands import register

    register(cli)


_register_web()
