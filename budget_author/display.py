"""How numbers are written in the document. Every rounding goes through money.round_half_up.

`NumberFormat` is the one description of a number's written form (a profile's tables and
narrative say theirs as data); the functions below are the Shanxi forms in use today:

- tables: 万元 with 2 decimals, no thousands separators, zero left blank (as the standard does);
- narrative: 万元 with thousands separators, zero written "0";
- percentages: 2 decimals, zero written "0%";
- 绩效目标表: 元 with thousands separators, cents only when there are any.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from budget_author.money import round_half_up, to_wan

HUNDRED = Decimal(100)

_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class NumberFormat:
    """How one kind of number is written.

    `amount(yuan)` writes money held in 元 in the format's `unit` (万元 or 元); `number(value)` writes a
    value already in the unit shown (percent points, a count); `percent(change, base)` writes
    change / base × 100, or `zero_base` when the base is zero. Rounding: once, ROUND_HALF_UP, to
    `decimals` places; `trim` then drops trailing zeros (2.90 → 2.9, 18.00 → 18); a value that rounds
    to zero is written `zero` ("" blank, "0", "0.00", …); `thousands` adds separators (1,234.50).
    """

    unit: str = "万元"
    decimals: int = 2
    trim: bool = False
    zero: str = ""
    thousands: bool = False
    zero_base: str = ""

    def rounded(self, value: Decimal) -> Decimal:
        """The value `number(value)` writes, as a number: rounded once, a zero without its sign."""
        shown = round_half_up(value, self.decimals)
        return abs(shown) if shown == 0 else shown

    def rounded_amount(self, yuan: Decimal) -> Decimal:
        return self.rounded(to_wan(yuan) if self.unit == "万元" else yuan)

    def number(self, value: Decimal) -> str:
        shown = round_half_up(value, self.decimals)
        if shown == 0:
            return self.zero
        text = f"{shown:,.{self.decimals}f}" if self.thousands else f"{shown:.{self.decimals}f}"
        if self.trim and "." in text:
            text = text.rstrip("0").rstrip(".")
        return text

    def amount(self, yuan: Decimal) -> str:
        return self.number(to_wan(yuan) if self.unit == "万元" else yuan)

    def shows_zero(self, yuan: Decimal) -> bool:
        """Whether `amount(yuan)` writes a value that rounds to zero (in this format's unit and decimals)."""
        return round_half_up(to_wan(yuan) if self.unit == "万元" else yuan, self.decimals) == 0

    def percent(self, change: Decimal, base: Decimal) -> str:
        value = change_percent(change, base)
        return self.zero_base if value is None else self.number(value)


def change_percent(change: Decimal, base: Decimal) -> Decimal | None:
    """change / base × 100, exact; None when the base is zero."""
    return None if base == 0 else change / base * HUNDRED


TABLE = NumberFormat()  # Shanxi's table cells


def table_amount(yuan: Decimal) -> str:
    return TABLE.amount(yuan)


NARRATIVE = NumberFormat(zero="0", thousands=True)  # Shanxi's 第三部分 amounts
NARRATIVE_PERCENT = NumberFormat(zero="0")  # and its percentages (followed by "%")


def narrative_amount(yuan: Decimal) -> str:
    return NARRATIVE.amount(yuan)


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole × 100, exact; None when the whole is zero (no share to speak of)."""
    if whole == 0:
        return None
    return part / whole * HUNDRED


def percent(value: Decimal | None) -> str:
    return "0%" if value is None else NARRATIVE_PERCENT.number(value) + "%"


def form_yuan(yuan: Decimal | None) -> str:
    if yuan is None:
        return ""
    shown = round_half_up(yuan)
    if shown == shown.to_integral_value():
        return f"{int(shown):,}"
    return f"{shown:,.2f}"


def plain_number(value: Decimal) -> str:
    """A measured quantity as typed (4216.3 平方米), without trailing zeros."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 13 → 十三, 25 → 二十五 (1–99)."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


NUMBERING_STYLES = ("一、", "（一）", "1.", "1、", "（1）")


def numbered(n: int, style: str) -> str:
    """The label of the n-th item in a numbering style: 一、 / （一） / 1. / 1、 / （1）."""
    if style == "一、":
        return f"{chinese_numeral(n)}、"
    if style == "（一）":
        return f"（{chinese_numeral(n)}）"
    if style == "1.":
        return f"{n}."
    if style == "1、":
        return f"{n}、"
    if style == "（1）":
        return f"（{n}）"
    raise ValueError(style)
