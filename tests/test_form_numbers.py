"""Every form of every page, with a non-numeric version or id: a field error, never a 500
and never a change made as if the number had been left out.

The forms are found, not listed: every page of the permission battery's tables is read by
users of its world who between them hold every organisation kind, each `<form
method="post">` on it is parsed, and each of its number fields (`version`, `id`, a name
ending in `_id` or `-id`, or an `<input type="number">`) is sent with values no whole
number reads ("abc", "1e3", thirty nines) and the form's other values as the page filled
them in. A new page or form is therefore tried without a line added here.
"""

import copy
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.db import transaction

from tests.battery_world import World
from tests.test_permission_battery import PAGES, world  # noqa: F401 (the module's world)

pytestmark = pytest.mark.django_db

NOT_NUMBERS = ("abc", "1e3", "9" * 30)
# Readers who between them see every form: an authority's administrator and officer, the
# police, an operator, and the secretariat's administrator.
READERS = (
    "chn.competent_authority.admin",
    "chn.competent_authority.focal_point",
    "chn.competent_authority.officer",
    "chn.law_enforcement.officer",
    "chn.operator.officer",
    "intl.admin",
)


def shows_error(body: str, name: str) -> bool:
    """The page shows an error on the field (`templates/_form_fields.html` marks it with
    `data-field`), or, for a hidden field such as a version, above the form."""
    return f'data-field="{name}"' in body or 'class="form-errors"' in body


def is_number_field(name: str, kind: str) -> bool:
    bare = name.rsplit("-", 1)[-1] if re.search(r"-\d+-", name) else name
    return (
        kind == "number"
        or bare in ("version", "id")
        or bare.endswith(("_id", "-id"))
        or name.endswith("-id")
    )


@dataclass
class Form:
    action: str
    values: dict[str, str] = field(default_factory=dict)
    numbers: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


class FormParser(HTMLParser):
    """The post forms of a page: their action, the values the page filled in (a select's
    selected or first option, a checked box), their number fields and file fields."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            if attributes.get("method", "get").lower() == "post":
                self.form = Form(action=attributes.get("action") or self.page_url)
                self.forms.append(self.form)
            return
        if self.form is None or "name" not in attributes or "disabled" in attributes:
            if tag == "option" and self.form is not None and self.select:
                self._option(attributes)
            return
        name, kind = attributes["name"], attributes.get("type", "text").lower()
        if tag == "input":
            if kind == "file":
                self.form.files.append(name)
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                if kind == "radio" and name not in self.form.values:
                    self.form.values[name] = attributes.get("value", "on")
                return
            if kind in ("submit", "button", "image"):
                return
            self.form.values[name] = attributes.get("value", "")
        elif tag == "select":
            self.select = name
        elif tag == "textarea":
            self.textarea = name
            self.form.values[name] = ""
        else:
            return
        if is_number_field(name, kind) and name not in self.form.numbers:
            self.form.numbers.append(name)

    def _option(self, attributes):
        value = attributes.get("value", "")
        if "selected" in attributes or (self.select not in self.form.values and value):
            self.form.values[self.select] = value

    def handle_data(self, data):
        if self.form is not None and self.textarea:
            self.form.values[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def forms_of_the_world(built: World) -> dict[tuple, tuple[str, Form]]:
    """{(reader, action, number fields): (reader, form)} over every page of the battery."""
    found = {}
    for cases in PAGES.values():
        for case in cases:
            if case.method != "GET" or not case.must_succeed:  # POST-only or 404 for all
                continue
            url = built.fill(case.url)
            for reader in READERS:
                response = built.clients[reader].get(url)
                if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                    continue
                parser = FormParser(url.split("?")[0])
                parser.feed(response.content.decode())
                for form in parser.forms:
                    if form.numbers:
                        key = (form.action, tuple(form.numbers), tuple(sorted(form.values)))
                        found.setdefault(key, (reader, form))
    return found


def test_every_form_refuses_a_non_number_on_its_field(world):  # noqa: F811
    forms = forms_of_the_world(world)
    assert len(forms) >= 10, f"only {len(forms)} forms with number fields were found"
    problems = []
    for reader, form in forms.values():
        client = world.clients[reader]
        for name in form.numbers:
            for garbage in NOT_NUMBERS:
                data = {**form.values, name: garbage}
                said = f"{reader}: POST {form.action} {name}={garbage[:12]!r}"
                cookies = copy.deepcopy(client.cookies)
                with transaction.atomic():
                    try:
                        response = client.post(form.action, data)
                    finally:
                        transaction.set_rollback(True)
                        client.cookies = cookies
                status, body = response.status_code, response.content.decode(errors="replace")
                if status >= 500:
                    problems.append(f"{said} -> {status}")
                elif status in (301, 302, 303):
                    problems.append(f"{said} -> {status} {response['Location']}: accepted")
                elif status not in (200, 400, 409, 422) or not shows_error(body, name):
                    problems.append(f"{said} -> {status} without a field error")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
