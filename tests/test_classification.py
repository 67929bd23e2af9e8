from budget_author import classification as C


def test_bundled_tables_load_with_provenance():
    functional = C.bundled(C.FUNCTIONAL)
    assert len(functional.codes(3)) == 30  # every 类 of the 2024 edition
    assert functional.name("2210202") == "提租补贴"
    assert functional.name("2080109") == "社会保险经办机构"
    assert C.bundled(C.ECONOMIC_DEPT).name("30231") == "公务用车运行维护费"
    assert C.dept_to_gov()["30302"] == ("", "50905")
    assert C.package_data("classification", "data", "PROVENANCE.md").exists()


def test_cost_kind_follows_from_the_code():
    assert C.cost_kind("30101") == C.PERSONNEL
    assert C.cost_kind("30302") == C.PERSONNEL
    assert C.cost_kind("30201") == C.PUBLIC_USE
    assert C.cost_kind("31002") == C.PUBLIC_USE


def test_unit_additions_take_precedence():
    table = C.bundled(C.ECONOMIC_GOV).with_additions({"50206": "公务接待费"})
    assert table.name("50206") == "公务接待费"
    assert not C.bundled(C.ECONOMIC_GOV).knows("50206")  # the bundled table is not changed


def test_well_formed_and_parents():
    table = C.bundled(C.FUNCTIONAL)
    assert table.well_formed("2080109") and not table.well_formed("208010") and not table.well_formed("２０８")
    assert table.parents("2080109") == ["208", "20801"]
