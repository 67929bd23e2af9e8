"""Properties of the input side (hypothesis).

- parse_amount round-trips every amount of at most two decimals, however a clerk
  writes it: full-width digits and punctuation, thousands separators (half- and
  full-width), stray spaces of every kind, trailing zeros or none, and as the
  number Excel stores;
- no text at all makes parse_amount or the cell coercion raise anything but
  their own error, and a message never quotes more than a bounded excerpt;
- `check` is idempotent: the same file checked twice gives the same problems.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget_author.check import check_workbook
from budget_author.money import AmountError, parse_amount
from budget_author.workbook import schema as S
from budget_author.workbook.parse import MAX_SHOWN_CHARS, _Bad, coerce, shown
from budget_author.workbook.read import InputError
from test_fuzz_workbook import base_package, mutate_part, sheet_parts
from corpus.make_corpus import Package

FULL_WIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")
SPACES = [" ", "\u3000", "\u00a0", "\t", "\u2002", "\u202f"]

amounts = st.decimals(min_value=Decimal("-9999999999999.99"), max_value=Decimal("9999999999999.99"), places=2,
                      allow_nan=False, allow_infinity=False)


@st.composite
def written(draw, amount: Decimal) -> str:
    """One way a clerk (or a program) writes `amount` as text."""
    text = f"{amount:,.2f}" if draw(st.booleans()) else f"{amount:.2f}"
    if draw(st.booleans()) and "." in text:
        text = text.rstrip("0").rstrip(".")  # 1234.50 → 1234.5, 12.00 → 12
    if draw(st.booleans()):
        text = text.replace(",", "，")  # full-width comma only
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)  # full-width digits, point, comma and minus
    for _ in range(draw(st.integers(0, 4))):  # stray spaces anywhere
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(SPACES)) + text[at:]
    return text


@settings(max_examples=1500, deadline=None, database=None, derandomize=True)
@given(data=st.data(), amount=amounts)
def test_parse_amount_round_trips_every_forgiving_form(data, amount):
    text = data.draw(written(amount))
    assert parse_amount(text) == amount, text
    if amount >= 0:
        assert coerce("money", text, "金额") == amount


@settings(max_examples=500, deadline=None, database=None, derandomize=True)
@given(amount=amounts)
def test_parse_amount_round_trips_the_numbers_excel_stores(amount):
    assert parse_amount(float(amount)) == amount
    if amount == amount.to_integral_value():
        assert parse_amount(int(amount)) == amount


@settings(max_examples=1500, deadline=None, database=None, derandomize=True)
@given(text=st.one_of(st.text(max_size=60), st.text(alphabet="0123456789.,-+eE()万元 ，．－０１２３４５６７８９", max_size=40),
                      st.from_regex(r"[+-]?[0-9]{0,30}(\.[0-9]{0,30})?([eE][+-]?[0-9]{1,12})?", fullmatch=True)))
def test_any_text_is_an_amount_or_an_amount_error(text):
    try:
        amount = parse_amount(text)
    except AmountError:
        return
    assert amount is None or amount.is_finite()


cell_values = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=300),
                        st.text(alphabet="0123456789.,-eE万元 ", max_size=30), st.datetimes(), st.dates())


@settings(max_examples=1500, deadline=None, database=None, derandomize=True)
@given(kind=st.sampled_from(["money", "int", "number", "date", "choice", "code", "text"]), value=cell_values)
def test_cell_coercion_raises_only_its_own_problem(kind, value):
    try:
        coerce(kind, value, "栏目", choices="资金来源", limit=50)
    except _Bad as bad:
        from budget_author.issues import issue

        message = issue(bad.code, **{"field": "栏目", "hint": "", **bad.params}).message
        assert len(message) < 400


@settings(max_examples=500, deadline=None, database=None, derandomize=True)
@given(value=st.one_of(st.text(), st.floats(), st.integers(min_value=-(10**4000), max_value=10**4000)))
def test_quoted_values_are_bounded(value):
    assert len(shown(value)) <= MAX_SHOWN_CHARS + 20


# ---------------------------------------------------------------- idempotence
@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("idempotent")


def _outcome(path):
    try:
        result = check_workbook(path)
    except InputError as exc:
        return ("input error", exc.code, tuple(sorted(exc.params.items())))
    return tuple((i.code, i.severity, i.sheet, i.cell, i.message, i.related) for i in result.issues)


@settings(max_examples=150, deadline=10_000, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_check_is_idempotent(folder, data):
    package = Package(base_package())
    parts = sheet_parts()
    if data.draw(st.booleans(), label="mutate?"):
        mutate_part(package, parts[data.draw(st.sampled_from(sorted(parts)), label="sheet")], data)
    path = folder / "same.xlsx"
    path.write_bytes(package.to_bytes())
    before = path.read_bytes()
    first = _outcome(path)
    assert _outcome(path) == first
    assert path.read_bytes() == before


@pytest.mark.parametrize("example", ["datong-2024", "fenyang-2025"])
def test_check_is_idempotent_on_the_examples(example):
    from conftest import EXAMPLES

    path = EXAMPLES / f"{example}.xlsx"
    assert _outcome(path) == _outcome(path) == ()
    assert S.SCHEMA_VERSION >= 1
