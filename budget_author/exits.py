"""What an exception means to the clerk: one table, read by the CLI, watch and batch.

Each row maps an exception class to its exit code, how its message is shown, and the status a batch
summary gives a unit that ended with it. The first row whose class the exception is an instance of
wins, so the more specific classes come first. The exit codes are the README's "退出码" table.

The table is built on first use, so that `budget-author --help` does not load the reader and the renderer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING

from budget_author.issues import Issue, issue

if TYPE_CHECKING:
    from budget_author.outputs import OutputError
    from budget_author.render.pdf import RenderError
    from budget_author.workbook.read import InputError

EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE, EXIT_OUTPUT, EXIT_RENDER = 0, 1, 2, 3, 4
EXIT_INTERNAL = 70
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE, EXIT_TERMINATED = 130, 141, 143  # 128 + SIGINT, SIGPIPE, SIGTERM

# Batch statuses of a unit (the 状态 column of the summary); a unit with check errors is PROBLEMS.
OK, PROBLEMS, UNUSABLE, RENDER_FAILED, OUTPUT_FAILED, CRASHED, SKIPPED = (
    "成功", "有错误", "无法读取", "无法生成", "无法写入", "进程崩溃", "已跳过")


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C (every cleanup that runs for Ctrl-C runs for it)."""


class Shown(Enum):
    """How the message of an exception reaches the clerk."""

    PROBLEM = "problem"  # as a located problem, listed the way `check` lists problems (standard output)
    ERROR_LINE = "error_line"  # "错误 [CODE] message" on standard error
    CODE_LINE = "code_line"  # "[CODE] message" on standard error
    INTERRUPTED = "interrupted"  # the catalogue's INTERRUPTED line on standard error
    NOTHING = "nothing"  # the reader of our output went away: nothing to say, nowhere to say it
    INTERNAL = "internal"  # INTERNAL_MESSAGE with the exception's type, on standard error; no stack trace


@dataclass(frozen=True)
class Exit:
    code: int
    shown: Shown
    status: str = ""  # a unit's status in a batch summary ("" where a unit never ends so: the batch stops)


@lru_cache(maxsize=None)
def table() -> tuple[tuple[type[BaseException], Exit], ...]:
    from budget_author.outputs import OutputError
    from budget_author.profiles import ProfileError
    from budget_author.render.pdf import RenderError
    from budget_author.workbook.read import InputError

    return (
        (InputError, Exit(EXIT_UNUSABLE, Shown.PROBLEM, UNUSABLE)),
        (ProfileError, Exit(EXIT_UNUSABLE, Shown.ERROR_LINE, UNUSABLE)),
        (OutputError, Exit(EXIT_OUTPUT, Shown.ERROR_LINE, OUTPUT_FAILED)),
        (RenderError, Exit(EXIT_RENDER, Shown.CODE_LINE, RENDER_FAILED)),
        (Terminated, Exit(EXIT_TERMINATED, Shown.INTERRUPTED)),
        (KeyboardInterrupt, Exit(EXIT_INTERRUPTED, Shown.INTERRUPTED)),
        (BrokenPipeError, Exit(EXIT_BROKEN_PIPE, Shown.NOTHING)),
        (BaseException, Exit(EXIT_INTERNAL, Shown.INTERNAL, CRASHED)),  # MemoryError and every bug
    )


def coded() -> tuple[type[Exception], ...]:
    """The exceptions that carry a catalogue code and its parameters: a problem of the workbook or the outputs,
    never a bug. watch shows them as the round's problem; batch records them as the unit's outcome."""
    return tuple(kind for kind, row in table() if row.shown in (Shown.PROBLEM, Shown.ERROR_LINE, Shown.CODE_LINE))

INTERNAL_MESSAGE = ("budget-author 内部错误（{name}）。这是程序的问题，不是您的操作问题；"
                    "请把这条信息和填报表发给维护人员。")


def exit_for(exc: BaseException) -> Exit:
    return next(row for kind, row in table() if isinstance(exc, kind))


def batch_exit_code(status: str) -> int:
    """The exit code a batch ends with for a unit of this status (the largest over the failed units is used)."""
    if status == PROBLEMS:
        return EXIT_PROBLEMS
    return next((row.code for _, row in table() if row.status and row.status == status), EXIT_INTERNAL)


def problem_of(exc: "InputError | OutputError | RenderError") -> Issue:
    """A coded exception as the problem it reports (its code, its parameters, no location)."""
    return issue(exc.code, **exc.params)


def internal_message(exc: BaseException) -> str:
    return INTERNAL_MESSAGE.format(name=type(exc).__name__)
