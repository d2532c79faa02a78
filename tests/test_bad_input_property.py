"""Property: no value posted to any write operation of the API makes it answer 5xx, and none
it accepts leaves a row that breaks a later read.

Each write operation of the battery's table (tests/test_permission_battery.py `API`) is
tried by a user it allows, with its payload (extended below with every nested list its
schema takes) where hypothesis replaces one value at any depth with a hostile one: numbers
beyond every column (1e30, 2^64), NaN and Infinity, numeric strings, text with NUL or lone
surrogates, very long text, wrong types. After every accepted write, each list of the API
and the pages that show such records must still answer without a server error. Every
attempt is rolled back.
"""

import json
from collections.abc import Iterator

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_permission_battery import (  # noqa: F401
    API,
    TODAY,
    Ref,
    Upload,
    resolve_payload,
    world,
)

pytestmark = pytest.mark.django_db
EXAMPLES_PER_OPERATION = 8  # beyond the EXTREMES sweep; the budget that keeps CI under 30 minutes
# Tried at every value of every payload, whatever hypothesis draws besides.
EXTREMES = (1e30, "1e20", 2**64, float("nan"), "Infinity", "a\x00b", "\ud800", "x" * 5000)

# Payloads with the nested values the battery's minimal ones leave out.
EXTENDED = {
    "POST /api/v1/monitoring/submissions/{submission_id}/values": {
        "values": [
            {
                "element": "PREV",
                "options": {"drug": "cannabis", "period": "past_year"},
                "value": "2.5",
                "comment": "Household survey",
            }
        ],
        "dry_run": False,
    },
    "POST /api/v1/monitoring/submissions/{submission_id}/{action}": {
        "comment": "Battery",
        "version": "{MS_draft_version}",
    },
    "POST /api/v1/incidents": {
        "kind": "seizure",
        "occurred_on": TODAY,
        "distribution": "organisation",
        "description": "Seized at the border",
        "countries": [{"country": "DEU", "role": "origin"}],
        "substances": [
            {"description": "white powder", "quantity": "12.5", "unit": "kg", "purity": "80"}
        ],
        "parties": [{"role": "consignee", "name": "Hostile Input Trading", "country": "DEU"}],
    },
    "POST /api/v1/precursors/notifications": {
        "importing_country": "AUS",
        "invoice_number": "INV-PROPERTY-1",
        "expected_dispatch": "2031-01-15",
        "lines": [
            {
                "substance_id": Ref("SUB"),
                "quantity": "250",
                "unit": "l",
                "concentration": "98.5",
                "density": "0.79",
            }
        ],
        "parties": [{"role": "importer", "name": "Property Pharma Pty", "country": "AUS"}],
    },
}
HOSTILE = st.one_of(
    st.sampled_from(
        [
            1e30,
            -1e30,
            1e20,
            2**63,
            2**64,
            -(2**63) - 1,
            10**100,
            0,
            -1,
            "1e30",
            "1e20",
            "-1e20",
            "1e-30",
            "NaN",
            "Infinity",
            "-Infinity",
            float("nan"),
            float("inf"),
            "",
            " ",
            "0x10",
            "1,5",
            "１２",
            "9" * 40,
            "a\x00b",
            "\ud800",
            "\u202e\u0645",
            "x" * 5000,
            None,
            True,
            [],
            {},
            [1, 2],
        ]
    ),
    st.integers(),
    st.floats(),
    st.text(max_size=300),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
)


def leaf_paths(value, path=()) -> Iterator[tuple]:
    """Every place a value sits in a payload (the containers themselves included)."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaf_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaf_paths(item, (*path, index))


def replaced(payload, path: tuple, value):
    if not path:
        return value
    copy = payload.copy() if isinstance(payload, dict) else list(payload)
    copy[path[0]] = replaced(payload[path[0]], path[1:], value)
    return copy


def is_upload(case) -> bool:
    """A multipart upload: its file's bounds are the attachment checks' (tested with the
    notification documents), and its one other field is a choice."""
    return isinstance(case.payload, dict) and any(
        isinstance(value, Upload) for value in case.payload.values()
    )


def write_cases():
    for operation, cases in API.items():
        for case in cases:
            if case.is_write and case.payload is not None and not case.read:
                if not is_upload(case):
                    yield operation, case
                break


def list_urls() -> list[str]:
    urls = [
        case.url
        for operation, cases in API.items()
        for case in cases
        if not case.is_write and "{" not in operation.split(" ", 1)[1]
    ]
    return [*dict.fromkeys(urls)]


PAGES_TO_READ = ["/incidents/", "/precursors/", "/precursors/requirements/", "/parties/"]


def _at(payload, path):
    for key in path:
        payload = payload[key]
    return payload


@pytest.mark.parametrize(("operation", "case"), list(write_cases()), ids=lambda v: str(v)[:60])
def test_no_value_breaks_a_write_or_a_later_read(operation, case, world):  # noqa: F811
    allowed = [p for p in world.people.values() if case.allowed(p)]
    assert allowed, f"{operation}: nobody in the world may take it"
    client = world.clients[allowed[0].key]
    url = world.fill(case.url)
    payload = resolve_payload(EXTENDED.get(operation, case.payload), world)
    paths = list(leaf_paths(payload))
    reads = [world.fill(u) for u in list_urls()]

    def check(path, value):
        body = json.dumps(replaced(payload, path, value), allow_nan=True)
        with transaction.atomic():
            response = client.generic(
                case.method, url, body.encode("utf-8", "surrogatepass"), "application/json"
            )
            assert response.status_code < 500, (path, value, response.content[:300])
            if response.status_code < 300:
                # An accepted change may lock its author out (a second factor now
                # required: 401), never break a read.
                for read in [*reads, *PAGES_TO_READ]:
                    answer = client.get(read)
                    assert answer.status_code < 500, (path, value, read, answer.content[:300])
            transaction.set_rollback(True)

    leaves = [path for path in paths if not isinstance(_at(payload, path), dict | list)]
    for path in leaves:
        for value in EXTREMES:
            check(path, value)

    @given(path=st.sampled_from(paths), value=HOSTILE)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def attempt(path, value):
        check(path, value)

    attempt()
