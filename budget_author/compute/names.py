"""Names from codes: the bundled classifications, the unit's own entries, then typed names.

The one resolver of code names for a budget: the report (tables, narrative) asks it for names, and the
rules (rules/base.Context.names) check codes against the same three tables.
"""

from __future__ import annotations

from budget_author import classification as C
from budget_author.model import Budget


class Names:
    def __init__(self, budget: Budget):
        def additions(scheme: str) -> dict[str, str]:
            return {c.code: c.name for c in budget.custom_codes if c.scheme == scheme}

        self.budget = budget
        # the bundled classifications with the unit's 自定义科目 (no typed names): what the code rules check against
        self.functional_table = C.bundled(C.FUNCTIONAL).with_additions(additions(C.FUNCTIONAL))
        self.economic_table = C.bundled(C.ECONOMIC_DEPT).with_additions(additions(C.ECONOMIC_DEPT))
        self.gov_table = C.bundled(C.ECONOMIC_GOV).with_additions(additions(C.ECONOMIC_GOV))
        self._typed_functional = {f.code: f.name for f in budget.expenditure if f.name}
        self._typed_economic = {f.code: f.name for f in budget.basic_economic if f.name}
        self._gov_override = {f.code: f.gov_code for f in budget.basic_economic if f.gov_code}
        self._gov_override_custom = {c.code: c.gov_code for c in budget.custom_codes
                                     if c.scheme == C.ECONOMIC_DEPT and c.gov_code}
        self._admin = bool(budget.unit and budget.unit.is_admin)

    def functional(self, code: str) -> str:
        return self.functional_table.name(code) or self._typed_functional.get(code, "")

    def functional_classes(self) -> list[str]:
        return self.functional_table.codes(3)

    def economic(self, code: str) -> str:
        return self.economic_table.name(code) or self._typed_economic.get(code, "")

    def gov_code_for(self, dept_code: str) -> str:
        """The 政府经济分类 款 the document shows for a 部门经济分类 款: typed on a row of the code, else
        default_gov_code."""
        if dept_code in self._gov_override:
            return self._gov_override[dept_code]
        return self.default_gov_code(dept_code)

    def default_gov_code(self, dept_code: str) -> str:
        """Where no row types one: the unit's 自定义科目, else the correspondence table for the unit type."""
        if dept_code in self._gov_override_custom:
            return self._gov_override_custom[dept_code]
        return C.derived_gov_code(dept_code, self._admin)

    def gov_name_for(self, dept_code: str) -> str:
        return self.gov_table.name(self.gov_code_for(dept_code)) or ""
