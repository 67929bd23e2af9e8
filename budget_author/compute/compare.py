"""compare: one comparison of a figure with its value in another dataset (last year's budget or actuals).

Every change column of a table and every change sentence of the narrative is this function with a
profile-chosen pair of datasets. It decides the facts the wording depends on (up or down, unchanged
as shown, a zero base); the profile's macros choose the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from budget_author.display import change_percent
from budget_author.money import round_half_up, to_wan

ZERO = Decimal(0)


@dataclass(frozen=True)
class Comparison:
    current: Decimal
    prior: Decimal  # 0 when the prior figure is missing
    prior_known: bool  # False: no prior figure was given at all

    @property
    def difference(self) -> Decimal:
        return self.current - self.prior

    @property
    def up(self) -> bool:
        return self.difference > 0

    @property
    def same(self) -> bool:
        """Unchanged as the document shows it: the change rounds to 0.00 万元."""
        return round_half_up(to_wan(self.difference)) == 0

    @property
    def zero_base(self) -> bool:
        return self.prior == 0

    @property
    def ratio(self) -> Decimal | None:
        """|change| / prior × 100, exact; None on a zero base (no percentage to speak of)."""
        return change_percent(abs(self.difference), self.prior)

    def shown_ratio(self, *, zero_base: Decimal | None = None, drop_zero: bool = True,
                    same: bool | None = None) -> Decimal | None:
        """The percentage a sentence prints: `zero_base` (e.g. 100) from a zero base instead of none;
        with drop_zero, a change too small to show as a percentage prints none (never 增长0.00%).
        `same`: whether the sentence shows the change as none (in its own number format); default 0.00 万元."""
        ratio = self.ratio
        same = self.same if same is None else same
        if ratio is None:
            return zero_base if zero_base is not None and self.difference != 0 else None
        if drop_zero and not same and round_half_up(ratio) == 0:
            return None
        return ratio


def compare(current: Decimal, prior: Decimal | None) -> Comparison:
    """Counts (ints) compare as Decimals too."""
    return Comparison(Decimal(current or 0), Decimal(prior) if prior is not None else ZERO, prior is not None)
