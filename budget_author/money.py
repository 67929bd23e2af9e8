"""Money: Decimal from the cell to the PDF.

Amounts are held in 元 (yuan) to the 分 (two decimals), as the budget platform
holds them. The document shows 万元. Rounding happens once, at display, with
ROUND_HALF_UP, in `round_half_up` below; nothing else in the project rounds.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal("0")
TEN_THOUSAND = Decimal("10000")
CENT = Decimal("0.01")

# Excel keeps 15 significant digits; floats from openpyxl are converted with that precision.
EXCEL_DIGITS = 15


class AmountError(ValueError):
    """A cell value that is not an amount. `code` is a catalogue code."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail


_UNIT_WORDS = ("万元", "亿元", "千元", "元", "万", "亿")
_DASHES = {"-", "—", "–", "－", "——", "--"}
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def decimal_from_float(value: float) -> Decimal:
    """A float from openpyxl as Excel shows it (15 significant digits)."""
    if math.isnan(value) or math.isinf(value):
        raise AmountError("VAL_AMOUNT_NOT_NUMBER", repr(value))
    return Decimal(format(value, f".{EXCEL_DIGITS}g"))


def parse_amount(value: object) -> Decimal | None:
    """Turn a cell value into a Decimal, forgiving the way a clerk types.

    Accepts numbers, numbers stored as text, full-width digits (１２３４．５６),
    thousands separators (1,234.50 / 1，234.50), stray spaces, and a lone dash
    for zero. Returns None for an empty cell. Raises AmountError otherwise.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise AmountError("VAL_AMOUNT_NOT_NUMBER", str(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return decimal_from_float(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise AmountError("VAL_AMOUNT_NOT_NUMBER", str(value))
        return value
    if not isinstance(value, str):
        raise AmountError("VAL_AMOUNT_NOT_NUMBER", str(value))
    text = unicodedata.normalize("NFKC", value)
    text = "".join(text.split())  # every kind of white space, inside too
    if text == "":
        return None
    if text in _DASHES:
        return ZERO
    if any(word in text for word in _UNIT_WORDS):
        raise AmountError("VAL_AMOUNT_UNIT", value)
    if text.startswith("(") and text.endswith(")"):
        raise AmountError("VAL_AMOUNT_NEGATIVE", value)
    text = text.replace(",", "")
    if not _NUMBER.fullmatch(text):
        raise AmountError("VAL_AMOUNT_NOT_NUMBER", value)
    mantissa = text.lower().split("e")[0]
    if len(mantissa.replace(".", "").lstrip("+-").lstrip("0")) > EXCEL_DIGITS:
        raise AmountError("VAL_AMOUNT_TOO_LONG", value)
    try:
        result = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex already screened it
        raise AmountError("VAL_AMOUNT_NOT_NUMBER", value) from exc
    if not result.is_finite() or abs(result.adjusted()) > 20:
        raise AmountError("VAL_AMOUNT_NOT_NUMBER", value)
    return result


def has_more_than_cents(amount: Decimal) -> bool:
    return amount != amount.quantize(CENT, rounding=ROUND_HALF_UP)


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """The one rounding rule of the project."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def to_wan(yuan: Decimal) -> Decimal:
    """元 → 万元, exact (no rounding)."""
    return yuan / TEN_THOUSAND


def format_wan(yuan: Decimal, *, thousands: bool = False) -> str:
    """An amount in 元 shown in 万元 with two decimals."""
    shown = round_half_up(to_wan(yuan))
    return f"{shown:,.2f}" if thousands else f"{shown:.2f}"


def format_yuan(yuan: Decimal) -> str:
    """An amount in 元 as a clerk reads it in messages: 1,234.50."""
    return f"{yuan:,.2f}"
