"""How numbers are written in the document. Every rounding goes through money.round_half_up.

- tables: 万元 with 2 decimals, no thousands separators, zero left blank (as the standard does);
- narrative: 万元 with thousands separators, zero written "0";
- percentages: 2 decimals, zero written "0%";
- 绩效目标表: 元 with thousands separators, cents only when there are any.
"""

from __future__ import annotations

from decimal import Decimal

from budget_author.money import round_half_up, to_wan

HUNDRED = Decimal(100)

_DIGITS = "零一二三四五六七八九"


def table_amount(yuan: Decimal) -> str:
    shown = round_half_up(to_wan(yuan))
    return "" if shown == 0 else f"{shown:.2f}"


def narrative_amount(yuan: Decimal) -> str:
    shown = round_half_up(to_wan(yuan))
    return "0" if shown == 0 else f"{shown:,.2f}"


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole × 100, exact; None when the whole is zero (no share to speak of)."""
    if whole == 0:
        return None
    return part / whole * HUNDRED


def percent(value: Decimal | None) -> str:
    if value is None:
        return "0%"
    shown = round_half_up(value)
    return "0%" if shown == 0 else f"{shown:.2f}%"


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
