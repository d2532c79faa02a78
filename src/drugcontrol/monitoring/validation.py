"""Validation of a country's values: the element's own bounds (value type and range) for
each cell, and the validation rules (left operator right) for each combination of options
they hold for. Pure: it reads the definitions and values it is given."""

import decimal
import operator as python_operator
from dataclasses import dataclass, field

from drugcontrol.core.bounds import plain_number
from drugcontrol.core.messages import gettext as _
from drugcontrol.monitoring import expressions
from drugcontrol.monitoring.choices import Importance, ValueType

OPERATORS = {
    "<=": python_operator.le,
    "<": python_operator.lt,
    ">=": python_operator.ge,
    ">": python_operator.gt,
    "==": python_operator.eq,
}
PERCENT = (decimal.Decimal(0), decimal.Decimal(100))
# The column (24, 6) takes 18 digits before the point, but SQLite keeps a decimal as a
# float: 15 significant digits read back, and a value near 10^18 no longer fits the column
# once read. No drug statistic comes near 10^15.
LARGEST = decimal.Decimal("1e15")


def value_problem(element, value: decimal.Decimal) -> str | None:
    """Why `value` is no value of the element (None when it is one)."""
    if not value.is_finite():
        return _("Not a number.")
    if abs(value) >= LARGEST:
        return _("The number is too large.")
    if value != value.quantize(decimal.Decimal("0.000001"), rounding=decimal.ROUND_HALF_EVEN):
        return _("At most six decimal places.")
    if element.value_type == ValueType.INTEGER and value != value.to_integral_value():
        return _("A whole number.")
    low, high = element.minimum, element.maximum
    if element.value_type == ValueType.PERCENT:
        low = PERCENT[0] if low is None else max(low, PERCENT[0])
        high = PERCENT[1] if high is None else min(high, PERCENT[1])
    if low is not None and value < low:
        return _("At least %(minimum)s.") % {"minimum": plain_number(low)}
    if high is not None and value > high:
        return _("At most %(maximum)s.") % {"maximum": plain_number(high)}
    return None


def read_value(element, raw) -> tuple[decimal.Decimal | None, str | None]:
    """(value, problem) from what a form, a file or the API gave: a decimal number written
    with a point (no thousands separators, no exponent)."""
    if isinstance(raw, bool):
        return None, _("Not a number.")
    if isinstance(raw, int | decimal.Decimal):
        value = decimal.Decimal(raw)
    elif isinstance(raw, float):
        value = decimal.Decimal(repr(raw))
    elif isinstance(raw, str):
        text = raw.strip()
        if not text or len(text) > 40 or any(c not in "0123456789.-+" for c in text):
            return None, _("Not a number.")
        try:
            value = decimal.Decimal(text)
        except decimal.InvalidOperation:
            return None, _("Not a number.")
    else:
        return None, _("Not a number.")
    problem = value_problem(element, value)
    return (None, problem) if problem else (value, None)


@dataclass
class Violation:
    rule: object  # the ValidationRule
    binding: dict[str, str]
    left: decimal.Decimal
    right: decimal.Decimal
    cells: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_error(self) -> bool:
        return self.rule.importance == Importance.ERROR


def violations(rules, values: expressions.Values, categories) -> list[Violation]:
    """Every rule that does not hold, for each combination of options it was evaluated on."""
    found = []
    for rule in rules:
        try:
            left = expressions.parse(rule.left)
            right = expressions.parse(rule.right)
        except ValueError:
            continue  # refused when the rule is kept; a stored one always parses
        compare = OPERATORS[rule.operator]
        for binding in expressions.bindings([left, right], values, categories):
            left_value = expressions.evaluate(left, binding, values, categories)
            right_value = expressions.evaluate(right, binding, values, categories)
            if left_value is None or right_value is None:
                continue
            if not compare(left_value, right_value):
                cells = expressions.cells(left, binding, categories) + expressions.cells(
                    right, binding, categories
                )
                present = [cell for cell in dict.fromkeys(cells) if cell in values.current]
                found.append(Violation(rule, binding, left_value, right_value, present))
    return found
