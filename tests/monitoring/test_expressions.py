"""The rules' small language (monitoring/expressions.py) and the checks built on it
(monitoring/validation.py): parsing with a field error naming the problem, evaluation over
free categories, sum(), previous(), missing values and division by zero."""

from decimal import Decimal

import pytest

from drugcontrol.core.errors import ValidationFailed
from drugcontrol.monitoring import expressions
from drugcontrol.monitoring.choices import Importance
from drugcontrol.monitoring.expressions import Values, disaggregation_key, parse_key
from drugcontrol.monitoring.validation import read_value, violations

CATEGORIES = {
    "PREV": ["drug", "period"],
    "TREAT": ["drug"],
    "TREAT_TOTAL": [],
    "POP": [],
    "DEATHS": ["sex"],
}
OPTIONS = {
    "drug": ["cannabis", "cocaine", "opiates"],
    "period": ["lifetime", "past_year", "past_month"],
    "sex": ["men", "women"],
}


def key(**options) -> str:
    return disaggregation_key(options)


def prev(drug, period) -> tuple[str, str]:
    return ("PREV", key(drug=drug, period=period))


def value(text, binding=None, current=None, previous=None):
    node = expressions.parse(text)
    values = Values(
        current={k: Decimal(str(v)) for k, v in (current or {}).items()},
        previous={k: Decimal(str(v)) for k, v in (previous or {}).items()},
    )
    return expressions.evaluate(node, binding or {}, values, CATEGORIES)


def problem(text, options=None) -> str:
    with pytest.raises(ValidationFailed) as caught:
        expressions.check(text, CATEGORIES, "rules.0.left", options)
    assert list(caught.value.details) == ["rules.0.left"]
    (message,) = caught.value.details["rules.0.left"]
    return message


# --- keys ------------------------------------------------------------------------------------


def test_a_disaggregation_key_is_in_the_order_of_the_category_codes():
    assert key(period="past_year", drug="cannabis") == "drug=cannabis;period=past_year"
    assert parse_key("drug=cannabis;period=past_year") == {
        "drug": "cannabis",
        "period": "past_year",
    }
    assert key() == "" and parse_key("") == {}


def test_combinations_give_every_cell_of_an_element():
    found = list(expressions.combinations(["drug", "period"], OPTIONS))
    assert len(found) == 9
    assert found[0] == "drug=cannabis;period=lifetime"
    assert list(expressions.combinations([], OPTIONS)) == [""]


# --- parsing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "PREV[period=past_month]",
        "sum(TREAT) - TREAT_TOTAL",
        "3 * previous(PREV)",
        "-(POP + 2.5) / 4",
        "  PREV[drug=cannabis, period=lifetime]  ",
        "sum(PREV[period=past_year])",
    ],
)
def test_well_formed_expressions_parse(text):
    node = expressions.check(text, CATEGORIES, "left", OPTIONS)
    assert node.kind in ("binary", "reference", "unary", "number")


def test_references_keep_the_chosen_options_sorted_and_the_function():
    node = expressions.parse("sum(PREV[period=past_year, drug=cannabis]) + previous(POP)")
    first, second = expressions.references(node)
    assert first.element == "PREV" and first.function == "sum"
    assert first.selected == (("drug", "cannabis"), ("period", "past_year"))
    assert second.element == "POP" and second.function == "previous"


def test_operator_precedence_and_unary_minus():
    assert value("2 + 3 * 4") == Decimal(14)
    assert value("(2 + 3) * 4") == Decimal(20)
    assert value("10 - 4 - 3") == Decimal(3)
    assert value("-2 * 3") == Decimal(-6)
    assert value("8 / 4 / 2") == Decimal(1)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "The expression ends too early."),
        ("PREV +", "The expression ends too early."),
        ("PREV $ 2", "Unexpected character $ at position 6."),
        (".5 * PREV", "Unexpected character . at position 1."),
        ("PREV PREV", "Unexpected PREV."),
        ("PREV)", "Unexpected )."),
        ("(PREV", "Expected )."),
        ("PREV[period=past_month", "Expected ]."),
        ("PREV[period past_month]", "Expected =."),
        ("sum(3)", "Expected name."),
        ("sum PREV", "Expected (."),
        ("1e5", "Unexpected e5."),
    ],
)
def test_a_malformed_expression_is_a_field_error_naming_the_problem(text, message):
    assert problem(text) == message


def test_an_unknown_element_category_or_option_is_named():
    assert problem("PREVALENCE + 1") == "Unknown data element PREVALENCE."
    assert problem("PREV[sex=men]") == "PREV is not broken down by sex."
    assert problem("sum(TREAT[drug=tea])", OPTIONS) == "drug has no option tea."
    # Without the options, only the shape and the elements are checked.
    expressions.check("sum(TREAT[drug=tea])", CATEGORIES, "left")


# --- evaluation --------------------------------------------------------------------------------


def test_a_reference_reads_its_cell_with_the_free_options_bound():
    current = {prev("cannabis", "past_year"): 4, prev("cocaine", "past_year"): 1}
    assert value("PREV[period=past_year]", {"drug": "cannabis"}, current) == Decimal(4)
    assert value("PREV[period=past_year]", {"drug": "cocaine"}, current) == Decimal(1)
    assert value("PREV[period=past_year]", {"drug": "opiates"}, current) is None
    # A binding of a category the reference chose itself is overridden by its choice.
    assert value("PREV[period=past_year]", {"drug": "cannabis", "period": "lifetime"}, current) == 4


def test_bindings_are_the_combinations_of_the_free_options_that_hold_values():
    values = Values(
        current={
            prev("cannabis", "past_month"): Decimal(2),
            prev("cannabis", "past_year"): Decimal(5),
            prev("cocaine", "past_year"): Decimal(1),
        }
    )
    nodes = [
        expressions.parse("PREV[period=past_month]"),
        expressions.parse("PREV[period=past_year]"),
    ]
    assert expressions.bindings(nodes, values, CATEGORIES) == [
        {"drug": "cannabis"},
        {"drug": "cocaine"},
    ]
    # Nothing free: one empty binding.
    assert expressions.bindings([expressions.parse("POP")], values, CATEGORIES) == [{}]
    # No values of a free reference at all: no binding, nothing to check.
    assert expressions.bindings([expressions.parse("DEATHS")], values, CATEGORIES) == []


def test_cells_name_the_current_year_s_cells_a_binding_reads():
    node = expressions.parse("PREV[period=past_month] + previous(PREV) + sum(TREAT) + POP")
    assert expressions.cells(node, {"drug": "cannabis", "period": "past_month"}, CATEGORIES) == [
        prev("cannabis", "past_month"),
        ("POP", ""),
    ]


def test_sum_adds_over_the_open_categories_and_skips_missing_cells():
    current = {
        ("TREAT", key(drug="cannabis")): 10,
        ("TREAT", key(drug="opiates")): 5.5,
        prev("cannabis", "past_year"): 3,
        prev("cocaine", "past_year"): 1,
        prev("cocaine", "lifetime"): 7,
    }
    assert value("sum(TREAT)", current=current) == Decimal("15.5")
    assert value("sum(PREV[period=past_year])", current=current) == Decimal(4)
    assert value("sum(PREV)", current=current) == Decimal(11)
    assert value("sum(DEATHS)", current=current) is None  # nothing to add: missing


def test_previous_reads_the_year_before():
    previous = {prev("cannabis", "past_year"): 2}
    current = {prev("cannabis", "past_year"): 9}
    binding = {"drug": "cannabis", "period": "past_year"}
    assert value("previous(PREV)", binding, current, previous) == Decimal(2)
    assert value("3 * previous(PREV)", binding, current, previous) == Decimal(6)
    assert (
        value("previous(PREV)", {"drug": "cocaine", "period": "past_year"}, current, previous)
        is None
    )


def test_a_missing_value_or_a_division_by_zero_is_not_evaluated():
    current = {("POP", ""): 100, ("TREAT_TOTAL", ""): 0}
    assert value("TREAT_TOTAL / POP", current=current) == Decimal(0)
    assert value("POP / TREAT_TOTAL", current=current) is None
    assert value("POP + PREV[drug=cannabis, period=lifetime]", current=current) is None
    assert value("-PREV[drug=cannabis, period=lifetime]", current=current) is None


# --- rules over values ----------------------------------------------------------------------


class Rule:
    def __init__(self, code, left, operator, right, importance=Importance.ERROR):
        self.code, self.left, self.operator, self.right = code, left, operator, right
        self.importance, self.name = importance, code


MONTH_YEAR = Rule("MONTH_YEAR", "PREV[period=past_month]", "<=", "PREV[period=past_year]")
PARTS = Rule("PARTS", "sum(TREAT)", "<=", "TREAT_TOTAL")
JUMP = Rule("JUMP", "PREV", "<=", "3 * previous(PREV)", Importance.WARNING)
RATIO = Rule("RATIO", "TREAT_TOTAL / POP", "<", "1")


def check(rules, current, previous=None):
    values = Values(
        current={k: Decimal(str(v)) for k, v in current.items()},
        previous={k: Decimal(str(v)) for k, v in (previous or {}).items()},
    )
    return violations(rules, values, CATEGORIES)


def test_a_rule_is_checked_for_each_combination_of_its_free_options():
    found = check(
        [MONTH_YEAR],
        {
            prev("cannabis", "past_month"): 6,
            prev("cannabis", "past_year"): 5,
            prev("cocaine", "past_month"): 0.5,
            prev("cocaine", "past_year"): 1,
            prev("opiates", "past_month"): 3,  # no past-year figure: not compared
        },
    )
    assert [(v.rule.code, v.binding) for v in found] == [("MONTH_YEAR", {"drug": "cannabis"})]
    (violation,) = found
    assert (violation.left, violation.right) == (Decimal(6), Decimal(5))
    assert violation.cells == [prev("cannabis", "past_month"), prev("cannabis", "past_year")]
    assert violation.is_error


def test_parts_above_their_total_and_a_total_that_holds():
    parts = {("TREAT", key(drug="cannabis")): 60, ("TREAT", key(drug="opiates")): 50}
    assert [v.rule.code for v in check([PARTS], {**parts, ("TREAT_TOTAL", ""): 100})] == ["PARTS"]
    assert check([PARTS], {**parts, ("TREAT_TOTAL", ""): 110}) == []
    assert check([PARTS], parts) == []  # no total reported: nothing to compare


def test_a_jump_from_last_year_is_a_warning_on_this_year_s_cell():
    last = {prev("cannabis", "lifetime"): 2, prev("cocaine", "lifetime"): 1}
    found = check([JUMP], {prev("cannabis", "lifetime"): 7, prev("cocaine", "lifetime"): 3}, last)
    assert [(v.binding, v.is_error) for v in found] == [
        ({"drug": "cannabis", "period": "lifetime"}, False)
    ]
    assert found[0].cells == [prev("cannabis", "lifetime")]
    # Without last year's figure there is no jump to speak of.
    assert check([JUMP], {prev("cannabis", "lifetime"): 7}) == []


def test_a_rule_dividing_by_zero_is_not_evaluated():
    assert check([RATIO], {("TREAT_TOTAL", ""): 5, ("POP", ""): 0}) == []
    assert [v.rule.code for v in check([RATIO], {("TREAT_TOTAL", ""): 5, ("POP", ""): 4})] == [
        "RATIO"
    ]


@pytest.mark.parametrize(
    "operator, holds",
    [("<=", [1, 2]), ("<", [1]), (">=", [2, 3]), (">", [3]), ("==", [2])],
)
def test_each_operator(operator, holds):
    rule = Rule("OP", "POP", operator, "2")
    for number in (1, 2, 3):
        broken = bool(check([rule], {("POP", ""): number}))
        assert broken == (number not in holds), (operator, number)


def test_a_rule_that_no_longer_parses_is_skipped():
    assert check([Rule("BAD", "PREV +", "<=", "1")], {("POP", ""): 1}) == []


# --- a cell's value ------------------------------------------------------------------------


class Element:
    def __init__(self, value_type="number", minimum=None, maximum=None):
        self.value_type, self.minimum, self.maximum = value_type, minimum, maximum


@pytest.mark.parametrize(
    "element, raw, expected",
    [
        (Element(), "12.5", Decimal("12.5")),
        (Element(), " 7 ", Decimal(7)),
        (Element(), 3, Decimal(3)),
        (Element(), 2.25, Decimal("2.25")),
        (Element(), Decimal("0.000001"), Decimal("0.000001")),
        (Element("percent"), "100", Decimal(100)),
        (Element("integer", minimum=Decimal(0)), "0", Decimal(0)),
    ],
)
def test_values_read(element, raw, expected):
    assert read_value(element, raw) == (expected, None)


@pytest.mark.parametrize(
    "element, raw, message",
    [
        (Element(), "twelve", "Not a number."),
        (Element(), "1,500", "Not a number."),
        (Element(), "1e5", "Not a number."),
        (Element(), "--1", "Not a number."),
        (Element(), "", "Not a number."),
        (Element(), True, "Not a number."),
        (Element(), ["1"], "Not a number."),
        (Element(), "1" * 41, "Not a number."),
        (Element(), "1" * 19, "The number is too large."),
        (Element(), "0.0000001", "At most six decimal places."),
        (Element("integer"), "2.5", "A whole number."),
        (Element("percent"), "100.5", "At most 100."),
        (Element("percent"), "-1", "At least 0."),
        (Element("integer", minimum=Decimal(0)), "-3", "At least 0."),
        (Element("number", maximum=Decimal("9.5")), "10", "At most 9.5."),
    ],
)
def test_values_refused(element, raw, message):
    assert read_value(element, raw) == (None, message)
