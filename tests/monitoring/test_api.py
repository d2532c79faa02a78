"""The monitoring API and pages: who reads a country's data set (check_scope), the values
across countries and years, opening a data set, setting values and the approval's steps
with their error codes."""

import dataclasses

import pytest

from drugcontrol.core.models import AuditEvent
from drugcontrol.core.testing import ScopeTarget, check_scope
from drugcontrol.monitoring import services
from drugcontrol.monitoring.models import DataValue, Submission
from tests.conftest import signed_in

from .conftest import cell

pytestmark = pytest.mark.django_db

V1 = "/api/v1/monitoring"
YEAR = {"drug": "cannabis", "period": "past_year"}
MONTH = {"drug": "cannabis", "period": "past_month"}


@pytest.fixture
def deu_provider(make_user):
    return make_user(country="DEU", kind="competent_authority", role="officer")


@pytest.fixture
def chn_viewer(make_user):
    return make_user(country="CHN", kind="law_enforcement", role="viewer")


def post(user, url, body=None):
    return signed_in(user).post(url, body or {}, content_type="application/json")


def put(actor, submission, element, value, comment="", **options):
    return services.value_set(
        actor=actor, submission=submission, item=cell(element, value, comment, **options)
    )


def step(actor, submission, action, comment=""):
    submission.refresh_from_db()
    return services.submission_act(
        actor=actor, submission=submission, action=action, comment=comment
    )


def publish(submission, focal_point, secretariat):
    step(focal_point, submission, "submit")
    step(secretariat, submission, "accept")
    return step(secretariat, submission, "publish")


def target(submission) -> ScopeTarget:
    return ScopeTarget(
        record_id=submission.pk,
        list_url=f"{V1}/submissions",
        detail_url=f"{V1}/submissions/{submission.pk}",
        page_url=f"/monitoring/submissions/{submission.pk}/",
    )


# --- who reads a data set --------------------------------------------------------------------


def test_a_draft_is_read_by_its_country_and_the_secretariat(
    use_2024, provider, chn_viewer, deu_provider, secretariat
):
    put(provider, use_2024, "PWID", "10")
    check_scope(
        target(use_2024),
        own_country_user=chn_viewer,
        other_country_user=deu_provider,
        international_user=secretariat,
    )


def test_a_published_data_set_is_read_by_every_signed_in_user(
    use_2024, provider, focal_point, chn_viewer, deu_provider, secretariat
):
    put(provider, use_2024, "PWID", "10")
    publish(use_2024, focal_point, secretariat)
    check_scope(
        dataclasses.replace(
            target(use_2024),
            list_page_url="/monitoring/",
            page_marker=f'href="/monitoring/submissions/{use_2024.pk}/"',
        ),
        own_country_user=chn_viewer,
        other_country_user=deu_provider,
        international_user=secretariat,
        other_countries_see=True,
    )


def test_the_detail_names_the_checks_and_the_comments(use_2024, provider, focal_point, secretariat):
    put(provider, use_2024, "PREV", "6", **MONTH)
    put(provider, use_2024, "PREV", "5", **YEAR)
    body = signed_in(provider).get(f"{V1}/submissions/{use_2024.pk}").json()
    assert body["status"] == "draft" and body["actions"] == []
    (violation,) = body["violations"]
    assert violation["rule"] == "PREV_MONTH_YEAR" and violation["importance"] == "error"
    assert violation["options"] == {"drug": "cannabis"}
    assert (float(violation["left"]), float(violation["right"])) == (6, 5)
    assert signed_in(focal_point).get(f"{V1}/submissions/{use_2024.pk}").json()["actions"] == [
        "submit"
    ]
    put(provider, use_2024, "PREV", "4", **MONTH)
    step(focal_point, use_2024, "submit")
    step(secretariat, use_2024, "return", "Add the sources.")
    body = signed_in(provider).get(f"{V1}/submissions/{use_2024.pk}").json()
    assert [(c["action"], c["text"]) for c in body["comments"]] == [("return", "Add the sources.")]
    assert body["comments"][0]["organisation"] == secretariat.organisation.name


# --- values across countries and years --------------------------------------------------------


@pytest.fixture
def three_data_sets(use_2024, definitions, provider, focal_point, secretariat, deu_provider):
    """CHN 2024 draft, CHN 2023 published, DEU 2024 draft."""
    dataset = use_2024.dataset
    put(provider, use_2024, "PWID", "10")
    put(provider, use_2024, "PREV", "2.5", **YEAR)
    old = services.submission_open(actor=provider, country="CHN", dataset=dataset, year=2023)
    put(provider, old, "PWID", "9")
    publish(old, focal_point, secretariat)
    deu = services.submission_open(actor=deu_provider, country="DEU", dataset=dataset, year=2024)
    put(deu_provider, deu, "PWID", "4")
    return use_2024, old, deu


def listed(user, query="") -> list[tuple]:
    response = signed_in(user).get(f"{V1}/values?page_size=200{query}")
    assert response.status_code == 200, response.content
    return [
        (item["country"], item["year"], item["element"], item["status"], item["value"])
        for item in response.json()["items"]
    ]


def test_values_are_listed_to_whom_their_data_set_is_visible(
    three_data_sets, chn_viewer, deu_provider, secretariat
):
    assert listed(deu_provider) == [
        ("CHN", 2023, "PWID", "published", "9.000000"),
        ("DEU", 2024, "PWID", "draft", "4.000000"),
    ]
    assert ("CHN", 2024, "PWID", "draft", "10.000000") in listed(chn_viewer)
    assert ("DEU", 2024, "PWID", "draft", "4.000000") not in listed(chn_viewer)
    assert len(listed(secretariat)) == 4


def test_values_are_filtered(three_data_sets, provider, secretariat):
    assert listed(secretariat, "&country=chn&year=2024") == [
        ("CHN", 2024, "PWID", "draft", "10.000000"),
        ("CHN", 2024, "PREV", "draft", "2.500000"),
    ] or listed(secretariat, "&country=chn&year=2024") == [
        ("CHN", 2024, "PREV", "draft", "2.500000"),
        ("CHN", 2024, "PWID", "draft", "10.000000"),
    ]
    assert listed(secretariat, "&element=PWID&status=published") == [
        ("CHN", 2023, "PWID", "published", "9.000000")
    ]
    assert listed(secretariat, "&dataset=ARQ_SUPPLY") == []
    response = signed_in(secretariat).get(f"{V1}/values?element=PREV&country=CHN")
    (item,) = response.json()["items"]
    assert item["options"] == YEAR and item["dataset"] == "ARQ_USE" and item["version"] == 1
    for query in ("status=lost", "year=1800", "year=abc", f"country={'X' * 101}"):
        response = signed_in(secretariat).get(f"{V1}/values?{query}")
        assert response.status_code == 422, (query, response.content)


def test_submissions_are_filtered(three_data_sets, secretariat, deu_provider):
    chn_2024, old, deu = three_data_sets

    def ids(user, query):
        response = signed_in(user).get(f"{V1}/submissions?{query}")
        return [item["id"] for item in response.json()["items"]]

    assert ids(secretariat, "year=2024") == [chn_2024.pk, deu.pk]
    assert ids(secretariat, "status=published") == [old.pk]
    assert ids(deu_provider, "country=CHN") == [old.pk]


# --- opening a data set -------------------------------------------------------------------------


def test_a_provider_opens_its_country_s_data_set(definitions, provider):
    response = post(
        provider, f"{V1}/submissions", {"country": "chn", "dataset": "ARQ_USE", "year": 2022}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["country"], body["dataset"], body["year"], body["status"]) == (
        "CHN",
        "ARQ_USE",
        2022,
        "draft",
    )
    again = post(
        provider, f"{V1}/submissions", {"country": "CHN", "dataset": "ARQ_USE", "year": 2022}
    )
    assert again.status_code == 201 and again.json()["id"] == body["id"]
    assert Submission.objects.count() == 1


@pytest.mark.parametrize(
    "body, field",
    [
        ({"country": "CHN", "dataset": "NOPE", "year": 2022}, "dataset"),
        ({"country": "XX", "dataset": "ARQ_USE", "year": 2022}, "country"),
        ({"country": "CHN", "dataset": "ARQ_USE", "year": 1900}, "year"),
        ({"country": "CHN", "dataset": "ARQ_USE", "year": 2099}, "year"),
        ({"country": "CHN", "dataset": "ARQ_USE"}, "year"),
    ],
)
def test_opening_names_the_bad_field(definitions, provider, body, field):
    response = post(provider, f"{V1}/submissions", body)
    assert response.status_code == 422, response.content
    assert field in str(response.json()["error"]["details"]), response.json()
    assert not Submission.objects.exists()


def test_opening_is_refused_to_others(definitions, deu_provider, secretariat, chn_viewer):
    body = {"country": "CHN", "dataset": "ARQ_USE", "year": 2022}
    for user in (deu_provider, secretariat, chn_viewer):
        response = post(user, f"{V1}/submissions", body)
        assert response.status_code == 403, (user, response.content)
        assert response.json()["error"]["code"] == "permission_denied"
    assert not Submission.objects.exists()


# --- values through the API ------------------------------------------------------------------


def test_values_are_set_together(use_2024, provider):
    url = f"{V1}/submissions/{use_2024.pk}/values"
    body = {
        "values": [
            {"element": "PWID", "value": 10},
            {"element": "PREV", "options": YEAR, "value": "2.5", "comment": "Survey"},
        ]
    }
    response = post(provider, url, {**body, "dry_run": True})
    assert response.json() == {"rows": 2, "new": 2, "changed": 0, "removed": 0, "unchanged": 0}
    assert not DataValue.objects.exists()
    response = post(provider, url, body)
    assert response.status_code == 200, response.content
    assert DataValue.objects.filter(submission=use_2024).count() == 2
    assert DataValue.objects.get(element__code="PREV").comment == "Survey"


def test_bad_values_are_named_by_row_and_column_and_nothing_stored(use_2024, provider):
    response = post(
        provider,
        f"{V1}/submissions/{use_2024.pk}/values",
        {
            "values": [
                {"element": "PWID", "value": 10},
                {"element": "PREV", "options": YEAR, "value": "150"},
                {"element": "PREV", "options": {"drug": "tea", "period": "past_year"}, "value": 1},
                {"element": "NOPE", "value": 1},
                {"element": "POP_15_64", "value": "many"},
                {"element": "PWID", "value": 11},
            ]
        },
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"] == {
        "values.1.value": ["At most 100."],
        "values.2.drug": ["Unknown option tea."],
        "values.3.element": ["Not a data element of this data set: NOPE."],
        "values.4.value": ["Not a number."],
        "values.5.element": ["The same cell as row values.0."],
    }
    assert not DataValue.objects.exists()
    response = post(provider, f"{V1}/submissions/{use_2024.pk}/values", {"values": []})
    assert response.status_code == 422
    assert list(response.json()["error"]["details"]) == ["values"]


def test_values_are_refused_to_others(use_2024, deu_provider, chn_viewer, secretariat):
    url = f"{V1}/submissions/{use_2024.pk}/values"
    body = {"values": [{"element": "PWID", "value": 10}]}
    assert post(deu_provider, url, body).status_code == 404
    for user in (chn_viewer, secretariat):
        assert post(user, url, body).status_code == 403
    assert not DataValue.objects.exists()


def test_values_of_a_locked_data_set_ask_to_reopen_it(use_2024, provider, focal_point):
    put(provider, use_2024, "PWID", "10")
    step(focal_point, use_2024, "submit")
    response = post(
        provider,
        f"{V1}/submissions/{use_2024.pk}/values",
        {"values": [{"element": "PWID", "value": 11}]},
    )
    assert response.status_code == 422
    assert "reopen it" in response.json()["error"]["details"]["status"][0]


# --- the approval's steps ----------------------------------------------------------------------


def test_the_steps_and_their_error_codes(use_2024, provider, focal_point, secretariat, make_user):
    url = f"{V1}/submissions/{use_2024.pk}"
    put(provider, use_2024, "PREV", "6", **MONTH)
    put(provider, use_2024, "PREV", "5", **YEAR)
    # A wrong role: 403; another country: 404.
    for user in (provider, secretariat):
        response = post(user, f"{url}/submit")
        assert response.status_code == 403, response.content
        assert response.json()["error"]["code"] == "permission_denied"
    deu_focal = make_user(country="DEU", kind="competent_authority", role="focal_point")
    assert post(deu_focal, f"{url}/submit").status_code == 404
    # An error blocks the submission.
    response = post(focal_point, f"{url}/submit")
    assert response.status_code == 422
    assert list(response.json()["error"]["details"]) == ["errors"]
    put(provider, use_2024, "PREV", "4", **MONTH)
    # A stale version: 409.
    version = signed_in(focal_point).get(url).json()["version"]
    response = post(focal_point, f"{url}/submit", {"version": version - 1 if version > 1 else 99})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    response = post(focal_point, f"{url}/submit", {"version": version})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted" and response.json()["version"] == version + 1
    # A step of the secretariat not open in this status: 422 on the status.
    response = post(secretariat, f"{url}/publish")
    assert response.status_code == 422
    assert list(response.json()["error"]["details"]) == ["status"]
    # A return without a comment: 422 on the comment.
    response = post(secretariat, f"{url}/return", {"comment": " "})
    assert response.status_code == 422
    assert list(response.json()["error"]["details"]) == ["comment"]
    response = post(secretariat, f"{url}/return", {"comment": "Sources?"})
    assert response.json()["status"] == "returned"
    assert post(focal_point, f"{url}/submit").json()["status"] == "submitted"
    assert post(secretariat, f"{url}/accept").json()["status"] == "accepted"
    body = post(secretariat, f"{url}/publish").json()
    assert body["status"] == "published" and body["published_at"]
    # Published: another country now reads it, and still may not reopen it.
    assert signed_in(deu_focal).get(url).status_code == 200
    assert post(deu_focal, f"{url}/reopen", {"comment": "Ours?"}).status_code == 403
    response = post(focal_point, f"{url}/reopen")
    assert response.status_code == 422 and list(response.json()["error"]["details"]) == ["comment"]
    response = post(focal_point, f"{url}/reopen", {"comment": "Re-weighted survey."})
    assert response.json()["status"] == "draft"
    assert signed_in(deu_focal).get(url).status_code == 404
    steps = AuditEvent.objects.filter(
        object_type="monitoring.submission", object_id=str(use_2024.pk)
    )
    assert steps.filter(action="monitoring.submitted").count() == 2
    assert steps.filter(action="monitoring.reopened").count() == 1


def test_an_unknown_step_is_a_404_or_a_422(use_2024, focal_point):
    response = post(focal_point, f"{V1}/submissions/{use_2024.pk}/approve")
    assert response.status_code in (404, 422)
    response = post(focal_point, f"{V1}/submissions/99999999/submit")
    assert response.status_code == 404


# --- definitions --------------------------------------------------------------------------------


def test_the_definitions_are_read_by_every_signed_in_user(definitions, deu_provider):
    client = signed_in(deu_provider)
    elements = client.get(f"{V1}/data-elements?dataset=ARQ_USE&page_size=100").json()["items"]
    prev = next(e for e in elements if e["code"] == "PREV")
    assert [c["code"] for c in prev["categories"]] == ["drug", "period"]
    assert [o["code"] for o in prev["categories"][1]["options"]] == [
        "lifetime",
        "past_year",
        "past_month",
    ]
    datasets = client.get(f"{V1}/datasets").json()["items"]
    assert {d["code"] for d in datasets} == {"ARQ_USE", "ARQ_SUPPLY", "CROPS"}
    rules = client.get(f"{V1}/validation-rules?page_size=100").json()["items"]
    assert {"code": "PREV_MONTH_YEAR", "operator": "<="}.items() <= next(
        r for r in rules if r["code"] == "PREV_MONTH_YEAR"
    ).items()
    assert client.get(f"{V1}/indicators").status_code == 200
    assert client.get(f"{V1}/targets").status_code == 200
    from django.test import Client

    assert Client().get(f"{V1}/data-elements").status_code == 401


# --- the pages ------------------------------------------------------------------------------------


def test_the_form_saves_one_cell_and_redraws_the_checks(use_2024, provider):
    client = signed_in(provider)
    url = f"/monitoring/submissions/{use_2024.pk}/cell/"
    month = "cell|PREV|drug=cannabis;period=past_month"
    put(provider, use_2024, "PREV", "3", **YEAR)
    response = client.post(
        url,
        {
            "element": "PREV",
            "key": "period=past_month;drug=cannabis",
            month.replace(
                "drug=cannabis;period=past_month", "period=past_month;drug=cannabis"
            ): "5",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert (
        'data-state="error"' in text and 'data-errors="1"' in text and 'hx-swap-oob="true"' in text
    )
    assert (
        DataValue.objects.get(
            element__code="PREV", disaggregation="drug=cannabis;period=past_month"
        ).value
        == 5
    )
    response = client.post(
        url, {"element": "PREV", "key": "drug=cannabis;period=past_month", month: "abc"}
    )
    assert response.status_code == 200
    assert "Not a number." in response.content.decode()
    assert (
        DataValue.objects.get(
            element__code="PREV", disaggregation="drug=cannabis;period=past_month"
        ).value
        == 5
    )
    response = client.post(url, {"element": "NOPE", "key": "x"})
    assert response.status_code == 422
    response = client.post(url, {"element": "PREV", "key": "drug=a;b"})
    assert response.status_code in (200, 422)
    assert client.get(url).status_code == 405


def test_the_whole_form_posts_without_script(use_2024, provider):
    client = signed_in(provider)
    url = f"/monitoring/submissions/{use_2024.pk}/"
    response = client.post(
        url,
        {
            "cell|PWID|": "10",
            "note|PWID|": "Estimate",
            "cell|PREV|drug=cannabis;period=past_year": "150",
            "cell|POP_15_64|": "lots",
        },
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "At most 100." in text and "Not a number." in text
    assert 'value="lots"' in text  # what was typed is kept
    assert not DataValue.objects.exists()
    response = client.post(url, {"cell|PWID|": "10", "note|PWID|": "Estimate"})
    assert response.status_code == 302
    assert DataValue.objects.get(element__code="PWID").comment == "Estimate"


def test_the_form_is_read_only_once_submitted(use_2024, provider, focal_point):
    put(provider, use_2024, "PWID", "10")
    step(focal_point, use_2024, "submit")
    client = signed_in(provider)
    page = client.get(f"/monitoring/submissions/{use_2024.pk}/").content.decode()
    assert 'name="cell|' not in page and 'data-value="submitted"' in page
    response = client.post(f"/monitoring/submissions/{use_2024.pk}/", {"cell|PWID|": "11"})
    assert response.status_code == 422
    assert "reopen it" in response.content.decode()
    assert DataValue.objects.get(element__code="PWID").value == 10


def test_the_page_steps_answer_the_service_s_status(use_2024, provider, focal_point, secretariat):
    put(provider, use_2024, "PWID", "10")
    url = f"/monitoring/submissions/{use_2024.pk}/act/"
    assert signed_in(provider).post(url, {"action": "submit"}).status_code == 403
    response = signed_in(focal_point).post(url, {"action": "submit", "version": "99"})
    assert response.status_code == 409
    response = signed_in(focal_point).post(url, {"action": "submit"})
    assert response.status_code == 302
    response = signed_in(secretariat).post(url, {"action": "return", "comment": ""})
    assert response.status_code == 422
    assert "Say why" in response.content.decode()
    response = signed_in(secretariat).post(url, {"action": "return", "comment": "Sources?"})
    assert response.status_code == 302
    page = signed_in(focal_point).get(f"/monitoring/submissions/{use_2024.pk}/").content.decode()
    assert "Sources?" in page and 'data-value="returned"' in page


def test_another_country_does_not_read_last_year_s_draft_through_published_data(
    use_2024, definitions, provider, focal_point, secretariat, deu_provider
):
    """The form shows last year's value beside each cell and the checks compare with it:
    for another country, only where last year's data is published too."""
    old = services.submission_open(
        actor=provider, country="CHN", dataset=use_2024.dataset, year=2023
    )
    put(provider, old, "PREV", "1", **YEAR)  # last year: a draft
    put(provider, use_2024, "PREV", "5", "A new survey.", **YEAR)  # a jump, explained
    publish(use_2024, focal_point, secretariat)
    page = f"/monitoring/submissions/{use_2024.pk}/"
    detail = f"{V1}/submissions/{use_2024.pk}"
    own = signed_in(provider)
    assert 'data-testid="previous"' in own.get(page).content.decode()
    assert [v["rule"] for v in own.get(detail).json()["violations"]] == ["PREV_JUMP"]
    other = signed_in(deu_provider)
    text = other.get(page).content.decode()
    assert 'data-testid="previous"' not in text and 'data-rule="PREV_JUMP"' not in text
    assert other.get(detail).json()["violations"] == []
    # Once last year's data is published too, everyone reads both.
    publish(old, focal_point, secretariat)
    assert 'data-testid="previous"' in other.get(page).content.decode()
    assert [v["rule"] for v in other.get(detail).json()["violations"]] == ["PREV_JUMP"]
