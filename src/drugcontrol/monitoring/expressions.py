"""The small language of validation rules and indicators, over one country's values.

    expression := term (("+" | "-") term)*
    term       := factor (("*" | "/") factor)*
    factor     := NUMBER | reference | FUNCTION "(" reference ")" | "(" expression ")"
                | "-" factor
    reference  := ELEMENT ["[" CATEGORY "=" OPTION ("," CATEGORY "=" OPTION)* "]"]
    FUNCTION   := "sum" | "previous"

`PREV[period=past_month]` is the element PREV for the option past_month of its category
period; the categories a reference leaves open are free, and a rule holds for each
combination of their options that has values (past-month prevalence of cannabis among men
against past-year prevalence of cannabis among men...). `sum(X)` adds X over the categories
it leaves open, `previous(X)` is X in the year before. A side with a missing value is not
evaluated (nothing to compare), as in DHIS2's validation rules.

Pure: no database; `values` map (element code, disaggregation key) to a Decimal.
"""

import decimal
import itertools
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from drugcontrol.core.errors import ValidationFailed

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<name>[A-Za-z][A-Za-z0-9_]*)|(?P<op>[-+*/()\[\],=]))"
)
FUNCTIONS = ("sum", "previous")
Key = tuple[str, str]  # (element code, disaggregation key)


def disaggregation_key(options: dict[str, str]) -> str:
    """{category: option} as stored: `category=option;...` in the order of the codes."""
    return ";".join(f"{category}={options[category]}" for category in sorted(options))


def parse_key(key: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in key.split(";")) if key else {}


@dataclass(frozen=True)
class Reference:
    element: str
    selected: tuple[tuple[str, str], ...] = ()  # (category, option), sorted
    function: str = ""  # "", "sum" or "previous"

    def free(self, categories: dict[str, list[str]]) -> frozenset:
        """The element's categories this reference leaves open (none under sum)."""
        if self.function == "sum":
            return frozenset()
        chosen = {category for category, _option in self.selected}
        return frozenset(set(categories.get(self.element, ())) - chosen)


@dataclass
class Node:
    kind: str  # number, reference, unary, binary
    value: object = None
    children: list = field(default_factory=list)


class _Parser:
    def __init__(self, text: str):
        self.tokens = self._tokens(text)
        self.position = 0

    @staticmethod
    def _tokens(text: str) -> list[tuple[str, str]]:
        tokens, position = [], 0
        text = text.rstrip()
        while position < len(text):
            match = _TOKEN.match(text, position)
            if not match or match.end() == position:
                # The position of the character itself (1-based), past any spaces before it.
                where = len(text) - len(text[position:].lstrip()) + 1
                raise ValueError(
                    _("Unexpected character %(character)s at position %(position)s.")
                    % {"character": text[where - 1], "position": where}
                )
            kind = match.lastgroup
            tokens.append((kind, match.group(kind)))
            position = match.end()
        return tokens

    def peek(self, value=None):
        if self.position < len(self.tokens):
            token = self.tokens[self.position]
            if value is None or token[1] == value:
                return token
        return None

    def take(self, value=None, kind=None):
        token = self.peek()
        if (
            token is None
            or (value is not None and token[1] != value)
            or (kind is not None and token[0] != kind)
        ):
            wanted = value or kind or _("more")
            raise ValueError(_("Expected %(wanted)s.") % {"wanted": wanted})
        self.position += 1
        return token

    def expression(self) -> Node:
        node = self.term()
        while self.peek("+") or self.peek("-"):
            operator = self.take()[1]
            node = Node("binary", operator, [node, self.term()])
        return node

    def term(self) -> Node:
        node = self.factor()
        while self.peek("*") or self.peek("/"):
            operator = self.take()[1]
            node = Node("binary", operator, [node, self.factor()])
        return node

    def factor(self) -> Node:
        token = self.peek()
        if token is None:
            raise ValueError(_("The expression ends too early."))
        kind, value = token
        if kind == "number":
            self.take()
            return Node("number", decimal.Decimal(value))
        if value == "-":
            self.take()
            return Node("unary", "-", [self.factor()])
        if value == "(":
            self.take()
            node = self.expression()
            self.take(")")
            return node
        if kind == "name" and value in FUNCTIONS:
            self.take()
            self.take("(")
            reference = self.reference(function=value)
            self.take(")")
            return Node("reference", reference)
        if kind == "name":
            return Node("reference", self.reference())
        raise ValueError(_("Unexpected %(token)s.") % {"token": value})

    def reference(self, function: str = "") -> Reference:
        element = self.take(kind="name")[1]
        selected = []
        if self.peek("["):
            self.take("[")
            while True:
                category = self.take(kind="name")[1]
                self.take("=")
                selected.append((category, self.take(kind="name")[1]))
                if not self.peek(","):
                    break
                self.take(",")
            self.take("]")
        return Reference(element, tuple(sorted(selected)), function)


def parse(text: str) -> Node:
    parser = _Parser(text or "")
    node = parser.expression()
    if parser.peek() is not None:
        raise ValueError(_("Unexpected %(token)s.") % {"token": parser.peek()[1]})
    return node


def references(node: Node) -> list[Reference]:
    if node.kind == "reference":
        return [node.value]
    return [found for child in node.children for found in references(child)]


def check(
    text: str,
    categories: dict[str, list[str]],
    field_name: str,
    options: dict[str, object] | None = None,
) -> Node:
    """The expression parsed, every element known, every category it names one of the
    element's and (when `options`, {category: its option codes}, is given) every option one
    of the category's: else a field error."""
    try:
        node = parse(text)
    except ValueError as error:
        raise ValidationFailed({field_name: [str(error)]}) from None
    for reference in references(node):
        if reference.element not in categories:
            raise ValidationFailed(
                {field_name: [_("Unknown data element %(code)s.") % {"code": reference.element}]}
            )
        for category, _option in reference.selected:
            if category not in categories[reference.element]:
                raise ValidationFailed(
                    {
                        field_name: [
                            _("%(element)s is not broken down by %(category)s.")
                            % {"element": reference.element, "category": category}
                        ]
                    }
                )
            if options is not None and _option not in options.get(category, ()):
                raise ValidationFailed(
                    {
                        field_name: [
                            _("%(category)s has no option %(option)s.")
                            % {"category": category, "option": _option}
                        ]
                    }
                )
    return node


@dataclass
class Values:
    """One country's values for a year and for the year before."""

    current: dict[Key, decimal.Decimal]
    previous: dict[Key, decimal.Decimal] = field(default_factory=dict)


def _lookup(reference: Reference, binding: dict[str, str], values: Values):
    source = values.previous if reference.function == "previous" else values.current
    wanted = dict(reference.selected)
    if reference.function == "sum":
        found = [
            value
            for (element, key), value in source.items()
            if element == reference.element
            and all(parse_key(key).get(c) == o for c, o in wanted.items())
        ]
        return sum(found, decimal.Decimal(0)) if found else None
    return source.get((reference.element, disaggregation_key({**binding, **wanted})))


def evaluate(node: Node, binding: dict[str, str], values: Values, categories) -> object:
    """The expression's value for one combination of the free options (None when a value it
    needs is missing, or it divides by zero)."""
    if node.kind == "number":
        return node.value
    if node.kind == "reference":
        reference = node.value
        own = {c: o for c, o in binding.items() if c in reference.free(categories)}
        return _lookup(reference, own, values)
    operands = [evaluate(child, binding, values, categories) for child in node.children]
    if any(operand is None for operand in operands):
        return None
    if node.kind == "unary":
        return -operands[0]
    left, right = operands
    if node.value == "+":
        return left + right
    if node.value == "-":
        return left - right
    if node.value == "*":
        return left * right
    return left / right if right else None


def bindings(nodes: list[Node], values: Values, categories) -> list[dict[str, str]]:
    """The combinations of free options the expressions hold for: those with a value of one
    of their references (one empty combination when nothing is free)."""
    refs = [r for node in nodes for r in references(node) if r.function != "sum"]
    free = frozenset().union(*(r.free(categories) for r in refs)) if refs else frozenset()
    if not free:
        return [{}]
    found = set()
    for reference in refs:
        if reference.free(categories) != free:
            continue
        source = values.previous if reference.function == "previous" else values.current
        wanted = dict(reference.selected)
        for element, key in source:
            if element != reference.element:
                continue
            options = parse_key(key)
            if all(options.get(c) == o for c, o in wanted.items()):
                found.add(tuple(sorted((c, options[c]) for c in free if c in options)))
    return [dict(combo) for combo in sorted(found) if len(combo) == len(free)]


def cells(node: Node, binding: dict[str, str], categories) -> list[Key]:
    """The current year's cells an expression reads for one combination (for a form to mark)."""
    found = []
    for reference in references(node):
        if reference.function:
            continue
        own = {c: o for c, o in binding.items() if c in reference.free(categories)}
        found.append((reference.element, disaggregation_key({**own, **dict(reference.selected)})))
    return found


def combinations(element_categories: list[str], options: dict[str, list[str]]):
    """Every disaggregation key of an element, in its categories' order (a form's grid)."""
    lists = [
        [(category, option) for option in options[category]] for category in element_categories
    ]
    for combo in itertools.product(*lists):
        yield disaggregation_key(dict(combo))
