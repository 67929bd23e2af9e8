"""Number formats and serial dates, as openpyxl 3.1.5 reads them — without importing openpyxl.

`check` and `build` never need openpyxl's loader (workbook/read.py parses the
package itself), and importing openpyxl costs about 0.16 s of every run. These
few rules are openpyxl's own (openpyxl/styles/numbers.py and
openpyxl/utils/datetime.py, MIT licence), restated here; tests/test_read.py
asserts that both give the same answers.
"""

from __future__ import annotations

import datetime as dt
import re

# The built-in formats with a date or time in them (ECMA-376 Part 1, 18.8.30; openpyxl's BUILTIN_FORMATS).
# The others (0–13, 37–44, 48, 49) are numbers and text, which is all the reader needs to know of them.
BUILTIN_DATE_FORMATS = {
    14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM",
    20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm", 45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0",
}

_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')  # quoted literals; [locale]/[colour] tags
_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_TIMEDELTA = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)

WINDOWS_EPOCH = dt.datetime(1899, 12, 30)
MAC_EPOCH = dt.datetime(1904, 1, 1)
_SECONDS_PER_DAY = 86400


def is_date_format(code: str | None) -> bool:
    if code is None:
        return False
    return _DATE_LETTER.search(_STRIP.sub("", code.split(";")[0])) is not None


def is_timedelta_format(code: str | None) -> bool:
    if code is None:
        return False
    return _TIMEDELTA.search(code.split(";")[0]) is not None


def from_excel(value: int | float, epoch: dt.datetime = WINDOWS_EPOCH, timedelta: bool = False):
    """An Excel serial number → datetime (or time for 0 ≤ value < 1, or timedelta)."""
    if timedelta:
        delta = dt.timedelta(days=value)
        if delta.microseconds:  # to the millisecond
            delta = dt.timedelta(seconds=delta.total_seconds() // 1, microseconds=round(delta.microseconds, -3))
        return delta
    day, fraction = divmod(value, 1)
    diff = dt.timedelta(milliseconds=round(fraction * _SECONDS_PER_DAY * 1000))
    if 0 <= value < 1 and diff.days == 0:
        minutes, seconds = divmod(diff.seconds, 60)
        hours, minutes = divmod(minutes, 60)
        return dt.time(hours, minutes, seconds, diff.microseconds)
    if 0 < value < 60 and epoch == WINDOWS_EPOCH:
        day += 1  # Excel's 1900-02-29, which never was
    return epoch + dt.timedelta(days=day) + diff
