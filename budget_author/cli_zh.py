"""click in Chinese: help pages, usage lines and usage errors.

click has no Chinese message catalogue, and its own words ("Usage:", "Options:",
"Show this message and exit.", "Error: Missing argument 'PATH'.") would reach a
clerk who reads no English. Rather than patching click's gettext, the command
classes here supply the Chinese: a formatter for the usage line and section
headings, a help option with Chinese help, parameter types that fail in Chinese,
and `ZhGroup.main`, which reports every usage error itself from the exception's
fields (the option, the argument, the value), never from click's English text.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from typing import Any

import click

HELP_TEXT = "显示本帮助并退出。"
VERSION_HELP = "显示版本号并退出。"
VERSION_MESSAGE = "%(prog)s 版本 %(version)s"
OPTIONS_METAVAR = "[选项]"
HEADINGS = {"Options": "选项", "Commands": "命令", "Positional arguments": "参数"}


def display_width(text: str) -> int:
    """Columns a terminal gives the text: East Asian wide and fullwidth characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in click.unstyle(text))


_TOKEN = re.compile(r"[!-~–]+|\s+|.", re.S)  # a run of printable ASCII (a word, an option, a path), blanks, or one character
_NO_LINE_START = set("，。、；：？！）」』”’》】…%")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def wrap_cjk(text: str, width: int) -> list[str]:
    """Lines of at most `width` columns: Chinese breaks between any two characters (never before closing
    punctuation), ASCII words stay whole."""
    lines, line, used = [], "", 0
    for token in _TOKEN.findall(text):
        size = display_width(token)
        if token.isspace():
            if line and used + 1 <= width:
                line, used = line + " ", used + 1
            continue
        if used + size > width and line.strip():
            carried = ""
            if token[0] in _NO_LINE_START and len(line.rstrip()) > 1:  # take the character before along
                line = line.rstrip()
                line, carried = line[:-1], line[-1]
            lines.append(line.rstrip())
            line, used = carried, display_width(carried)
        line, used = line + token, used + size
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _join(lines: list[str]) -> str:
    """A paragraph's lines as one: no space where Chinese meets Chinese (a line break in the docstring)."""
    out = ""
    for line in lines:
        line = line.strip()
        if out and line and not (_wide(out[-1]) or _wide(line[0])):
            out += " "
        out += line
    return out


class ZhFormatter(click.HelpFormatter):
    def write_text(self, text: str) -> None:
        """click's paragraphs (a blank line between; a `\\b` line keeps one as typed), wrapped by display width."""
        paragraphs: list[list[str]] = [[]]
        for line in text.splitlines():
            if line.strip():
                paragraphs[-1].append(line)
            elif paragraphs[-1]:
                paragraphs.append([])
        blocks = []
        for lines in (p for p in paragraphs if p):
            extra = len(lines[0]) - len(lines[0].lstrip())
            indent = " " * (self.current_indent + extra)
            if lines[0].strip() == "\b":
                blocks.append("\n".join(indent + line for line in lines[1:]))
            else:
                wrapped = wrap_cjk(_join(lines), max(self.width - len(indent), 20))
                blocks.append("\n".join(indent + line for line in wrapped))
        self.write("\n\n".join(blocks))
        self.write("\n")

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        """click's definition list, with the first column aligned by display width (a Chinese character
        takes two columns: `--unit 名称` is 11 columns wide, not 9)."""
        rows = list(rows)
        first_col = min(max((display_width(first) for first, _ in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            width = display_width(first)
            if width <= first_col - col_spacing:
                self.write(" " * (first_col - width))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap_cjk(second, max(self.width - first_col - self.current_indent, 10)) or [""]
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{HEADINGS.get(heading, heading)}：\n")


class ZhContext(click.Context):
    formatter_class = ZhFormatter


class _Chinese:
    """Mixin for commands and groups: the Chinese formatter, help option and options placeholder."""

    context_class = ZhContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_TEXT
        return option


class ZhCommand(_Chinese, click.Command):
    pass


class ZhGroup(_Chinese, click.Group):
    command_class = ZhCommand

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help(), err=True)
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            show_usage_error(exc)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"错误：{exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort as exc:
            if isinstance(exc.__cause__, KeyboardInterrupt):
                raise exc.__cause__ from None  # cli.main() reports an interruption
            click.echo("已中止。", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


# ---------------------------------------------------------------- parameter types that fail in Chinese
class ZhChoice(click.Choice):
    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            self.fail(f"“{value}”不是可选的值，应为 {'、'.join(map(str, self.choices))} 之一", param, ctx)


class ZhProfile(click.ParamType):
    """A profile (publication standard) name: one the registry can load, checked when the command runs
    (BUDGET_AUTHOR_PROFILES may add folders), named in Chinese with the known ones when it is not."""

    name = "标准"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from budget_author import profiles

        text = str(value).strip()
        if not profiles.is_known(text):
            known = "、".join(f"{n}（{profiles.BUILT_IN[n]}）" if n in profiles.BUILT_IN else n
                             for n in profiles.available())
            self.fail(f"没有名为“{text}”的公开标准，可用的标准：{known}", param, ctx)
        return text


class ZhIntRange(click.IntRange):
    def _describe_range(self) -> str:  # shown in the help as [2000–2100]
        return f"{self.min}–{self.max}"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            self.fail(f"“{value}”应为 {self.min} 到 {self.max} 之间的整数", param, ctx)


class ZhPath(click.Path):
    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            text = os.fsdecode(value)
            if not self.dir_okay and os.path.isdir(text):
                self.fail(f"“{text}”是文件夹，这里应为一个文件", param, ctx)
            if not self.file_okay and os.path.isfile(text):
                self.fail(f"“{text}”是文件，这里应为一个文件夹", param, ctx)
            if self.exists and not os.path.exists(text):
                self.fail(f"“{text}”不存在", param, ctx)
            self.fail(f"“{text}”无法使用", param, ctx)


# ---------------------------------------------------------------- usage errors
def _name_of(param: click.Parameter | None) -> str:
    if param is None:
        return ""
    if isinstance(param, click.Argument):
        return param.human_readable_name
    return "/".join(param.opts)


_EXTRA = re.compile(r"^Got unexpected extra arguments? \((?P<args>.*)\)$")


def usage_message(exc: click.UsageError) -> str:
    """The Chinese sentence for a usage error, built from the exception's fields."""
    ctx = exc.ctx
    if isinstance(exc, click.MissingParameter):
        kind = "参数" if isinstance(exc.param, click.Argument) else "选项"
        return f"缺少{kind} {_name_of(exc.param)}。"
    if isinstance(exc, click.NoSuchOption):
        hint = f"您是不是想用 {'、'.join(exc.possibilities)}？" if exc.possibilities else ""
        return f"没有选项 {exc.option_name}。{hint}"
    if isinstance(exc, click.exceptions.NoSuchCommand):
        commands = "、".join(ctx.command.list_commands(ctx)) if ctx and isinstance(ctx.command, click.Group) else ""
        hint = f"您是不是想用 {'、'.join(exc.possibilities)}？" if exc.possibilities else ""
        return f"没有命令“{exc.command_name}”。{hint}" + (f"可用的命令：{commands}。" if commands else "")
    if isinstance(exc, click.BadOptionUsage):
        if "does not take a value" in exc.message:
            return f"选项 {exc.option_name} 后面不能带值。"
        return f"选项 {exc.option_name} 后面需要一个值。"
    if isinstance(exc, click.BadParameter):
        name = _name_of(exc.param) or exc.param_hint or ""
        return f"{name} 的值无效：{exc.message}。"
    extra = _EXTRA.match(exc.message)
    if extra:
        return f"多余的参数：{extra.group('args')}。"
    if exc.message == "Missing command.":
        return "缺少命令。"
    return exc.message


def show_usage_error(exc: click.UsageError) -> None:
    ctx = exc.ctx
    if ctx is not None:
        click.echo(ctx.get_usage(), err=True)
        names = ctx.command.get_help_option_names(ctx)
        if names and ctx.command.add_help_option:
            click.echo(f"运行“{ctx.command_path} {max(names, key=len)}”查看说明。", err=True)
        click.echo(err=True)
    click.echo(f"{click.style('错误', fg='red', bold=True)}：{usage_message(exc)}", err=True)
