"""The OpenAPI document is the contract: every operation, called with values generated from
its own schema (within a fixed budget, the same examples every run), answers no 5xx, only
statuses it documents, bodies that match its response schemas, and 401 without credentials.
Run against one world of records (tests/battery_world.py) as a focal point of a competent
authority, who may take most actions."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)

from drugcontrol.api import api
from drugcontrol.core import services
from tests.battery_world import build_world

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, ignored_auth]
EXAMPLES_PER_OPERATION = 8  # the budget that keeps CI under 30 minutes

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


def operations():
    for result in schema.get_all_operations():
        yield result.ok()


@pytest.fixture
def connection_kept_across_requests():
    """The WSGI app closes the database connection around each request (it is in a
    transaction: the test's), which ends the test on PostgreSQL; Django's own test client
    keeps it open the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.django_db
def test_every_operation_keeps_its_contract(registry, connection_kept_across_requests):
    """One world for all operations (building it per operation would take minutes)."""
    world = build_world()
    user = world.users["chn.competent_authority.focal_point"]
    _token, secret = services.token_create(actor=user, user=user, name="contract")
    headers = {"Authorization": f"Bearer {secret}"}
    checked = []
    for operation in operations():

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def keeps_contract(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        keeps_contract()
        checked.append(operation.label)
    documented = [
        f"{method.upper()} {path}"
        for path, methods in api.get_openapi_schema()["paths"].items()
        for method in methods
    ]
    assert sorted(checked) == sorted(documented)


def test_schema_names_are_unique_across_apps():
    """Two schemas of one name would be published as one: the document would be wrong for
    every operation using the other."""
    import importlib
    import pkgutil

    from pydantic import BaseModel

    seen: dict[str, str] = {}
    modules = []
    for app in ("core", "substances", "entities", "incidents", "precursors", "nps"):
        package = importlib.import_module(f"drugcontrol.{app}.api")
        modules.append(package)
        # An app whose API is a package defines its schemas in the package's modules.
        for found in pkgutil.iter_modules(getattr(package, "__path__", [])):
            modules.append(importlib.import_module(f"{package.__name__}.{found.name}"))
    for module in modules:
        for name, value in vars(module).items():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == module.__name__
                and not name.startswith("_")
            ):
                assert name not in seen, f"{name} in {module.__name__} and {seen[name]}"
                seen[name] = module.__name__
    components = api.get_openapi_schema()["components"]["schemas"]
    assert {name for name in seen if name in components} == {
        name for name in components if name in seen
    }


def test_choices_are_enumerations_and_errors_are_documented():
    document = api.get_openapi_schema()
    components = document["components"]["schemas"]
    assert "seizure" in components["IncidentIn"]["properties"]["kind"]["enum"]
    status = components["NotificationOut"]["properties"]["status"]
    assert "overdue" in status["enum"]
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            missing = {"400", "401", "404", "413", "422"} - set(map(str, operation["responses"]))
            assert not missing, f"{method.upper()} {path} does not document {missing}"


@pytest.mark.parametrize(
    "app", ["core", "substances", "entities", "incidents", "precursors", "nps"]
)
def test_an_app_api_module_imports_on_its_own(app):
    """No import cycle: an app's API module may be imported first (a worker, a script, a
    test importing it directly), not only through the assembled API."""
    import os
    import subprocess
    import sys

    code = f"import django; django.setup(); import drugcontrol.{app}.api"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "drugcontrol.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
