from decimal import Decimal

import pytest

from budget_author.money import AmountError, format_wan, parse_amount, round_half_up


@pytest.mark.parametrize(
    "value, expected",
    [
        (1234, Decimal("1234")),
        (0.1, Decimal("0.1")),
        (0.1 + 0.2, Decimal("0.3")),  # Excel's 15 digits, not 0.30000000000000004
        ("1,234.50", Decimal("1234.50")),
        ("１２３４．５６", Decimal("1234.56")),  # full-width digits and point
        ("１，２３４", Decimal("1234")),
        ("  98 765.00 ", Decimal("98765.00")),  # stray spaces
        ("\u3000123\u3000", Decimal("123")),  # ideographic spaces
        ("-", Decimal("0")),
        ("—", Decimal("0")),
        ("", None),
        (None, None),
    ],
)
def test_parse_amount_forgives_what_clerks_type(value, expected):
    assert parse_amount(value) == expected


@pytest.mark.parametrize(
    "value, code",
    [
        ("12万元", "VAL_AMOUNT_UNIT"),
        ("100元", "VAL_AMOUNT_UNIT"),
        ("(1,234.00)", "VAL_AMOUNT_NEGATIVE"),
        ("abc", "VAL_AMOUNT_NOT_NUMBER"),
        ("1.2.3", "VAL_AMOUNT_NOT_NUMBER"),
        ("NaN", "VAL_AMOUNT_NOT_NUMBER"),
        ("Infinity", "VAL_AMOUNT_NOT_NUMBER"),
        ("1e999999999", "VAL_AMOUNT_NOT_NUMBER"),
        (float("nan"), "VAL_AMOUNT_NOT_NUMBER"),
        (float("inf"), "VAL_AMOUNT_NOT_NUMBER"),
        ("1234567890123456", "VAL_AMOUNT_TOO_LONG"),
        (True, "VAL_AMOUNT_NOT_NUMBER"),
    ],
)
def test_parse_amount_rejects_with_a_code(value, code):
    with pytest.raises(AmountError) as info:
        parse_amount(value)
    assert info.value.code == code


def test_rounding_is_half_up_not_half_even():
    assert round_half_up(Decimal("2.665")) == Decimal("2.67")
    assert round_half_up(Decimal("2.675")) == Decimal("2.68")
    assert round_half_up(Decimal("-0.005")) == Decimal("-0.01")


def test_format_wan_rounds_once_from_yuan():
    # 1187.195 万元 (summed in 元) shows as 1187.20, as fenyang-2025 prints it.
    assert format_wan(Decimal("11871950.00")) == "1187.20"
    assert format_wan(Decimal("25513350.00"), thousands=True) == "2,551.34"
    assert format_wan(Decimal("0")) == "0.00"
