"""The monitoring API's file import (`POST /api/v1/monitoring/imports`) and the answer of
opening a data set (201 given as `ninja.Status`, not the deprecated tuple)."""

import warnings

import pytest

from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

V1 = "/api/v1/monitoring"


def test_opening_a_data_set_answers_201_without_a_deprecated_tuple(definitions, provider):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        response = signed_in(provider).post(
            f"{V1}/submissions",
            {"country": "CHN", "dataset": "ARQ_USE", "year": 2021},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    assert response.json()["year"] == 2021
