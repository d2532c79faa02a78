"""The scheduling pipeline through the API, the command line and the pages: who reads, who
acts, field errors, 409s, and identification by date after entry into force."""

import datetime
import io
import json

import pytest
from django.core.management import call_command

from drugcontrol.core.testing import ScopeTarget, check_scope
from drugcontrol.nps.models.pipeline import ReviewStage
from drugcontrol.nps.services import pipeline as services

from ..conftest import signed_in
from .test_pipeline_services import ANALOGUE, registry_substance, walk_to

pytestmark = pytest.mark.django_db

PIPELINE = "/api/v1/nps/pipeline"


@pytest.fixture
def analogue(db):
    return registry_substance("Cyclobutyl methylthiofentanyl (invented)", ANALOGUE)


@pytest.fixture
def officer(make_user):
    return make_user(kind="international", role="officer")


@pytest.fixture
def review(analogue, officer):
    return services.review_open(
        actor=officer, substance=analogue, opened_on=datetime.date(2023, 9, 1)
    )


def post(client, url, payload):
    return client.post(url, payload, content_type="application/json")


def test_scope_every_reader_but_industry(review, chn_officer, deu_officer, intl_viewer, make_user):
    target = ScopeTarget(
        record_id=review.pk,
        list_url=PIPELINE,
        detail_url=f"{PIPELINE}/{review.pk}",
        page_url=f"/nps/pipeline/{review.pk}/",
        list_page_url="/nps/pipeline/",
        page_marker=f'href="/nps/pipeline/{review.pk}/"',
    )
    check_scope(
        target,
        own_country_user=chn_officer,
        other_country_user=deu_officer,
        international_user=intl_viewer,
        other_countries_see=True,
    )
    operator = make_user(country="CHN", kind="operator", role="admin")
    check_scope(
        target,
        own_country_user=chn_officer,
        other_country_user=operator,
        international_user=intl_viewer,
        other_countries_see=False,
    )


def test_the_api_walks_a_review_to_entry_into_force(analogue, officer, chn_officer):
    client = signed_in(officer)
    response = post(client, PIPELINE, {"substance_id": analogue.pk, "opened_on": "2023-09-01"})
    assert response.status_code == 201, response.content
    review = response.json()
    assert review["stage"] == "surveillance" and review["actions"] == [
        "pre_review",
        "critical_review",
    ]
    steps = [
        ("pre-review", {"started_on": "2024-02-01"}),
        ("critical-review", {"started_on": "2024-06-01"}),
        (
            "recommendation",
            {
                "recommended_on": "2024-11-20",
                "recommendation": "schedule",
                "convention": "1971",
                "schedule": "II",
            },
        ),
        ("vote", {"voted_on": "2025-03-12", "decision": "CND 68/3", "result": "adopted"}),
        ("entry-into-force", {"in_force_on": "2025-06-10"}),
    ]
    for route, payload in steps:
        url = f"{PIPELINE}/{review['id']}/{route}"
        response = post(client, url, {"version": review["version"], **payload})
        assert response.status_code == 200, (route, response.content)
        review = response.json()
    assert review["stage"] == "in_force" and review["progress"] == 6
    assert [step["action"] for step in review["steps"]] == [
        "open",
        "pre_review",
        "critical_review",
        "recommend",
        "vote",
        "enter_into_force",
    ]
    # Every reader (not the secretariat only) reads it; the list filters by stage.
    reader = signed_in(chn_officer)
    detail = reader.get(f"{PIPELINE}/{review['id']}").json()
    assert detail["actions"] == [] and detail["decision"] == "CND 68/3"
    listed = reader.get(f"{PIPELINE}?stage=in_force").json()["items"]
    assert [item["id"] for item in listed] == [review["id"]]
    assert reader.get(f"{PIPELINE}?stage=vote").status_code == 422
    assert reader.get(f"{PIPELINE}?stage=adopted").json()["items"] == []
    assert reader.get(f"{PIPELINE}?open=false").json()["items"][0]["id"] == review["id"]
    # Identification answers by date: the API and the command line.
    identify = "/api/v1/substances/identify"
    on_day = post(reader, identify, {"smiles": ANALOGUE, "on": "2025-06-10"}).json()
    assert (on_day["status"], on_day["matches"][0]["instrument"]) == ("controlled", "1971")
    before = post(reader, identify, {"smiles": ANALOGUE, "on": "2025-06-09"}).json()
    assert before["status"] == "not_controlled"
    for day, status in (("2025-06-10", "controlled"), ("2025-06-09", "not_controlled")):
        out = io.StringIO()
        call_command("identify", "--smiles", ANALOGUE, "--on", day, stdout=out)
        assert json.loads(out.getvalue())["status"] == status


def test_api_refusals(review, officer, chn_officer, analogue):
    client = signed_in(officer)
    url = f"{PIPELINE}/{review.pk}"
    # Only the secretariat's officers act.
    response = post(signed_in(chn_officer), f"{url}/pre-review", {"started_on": "2024-02-01"})
    assert response.status_code == 403
    response = post(signed_in(chn_officer), PIPELINE, {"substance_id": analogue.pk})
    assert response.status_code == 403
    # Out of order: a 409 naming the stage.
    response = post(
        client,
        f"{url}/vote",
        {"voted_on": "2024-01-01", "decision": "CND 1/1", "result": "adopted"},
    )
    assert response.status_code == 409
    assert response.json()["error"]["details"] == {"stage": "surveillance"}
    # Stale version.
    response = post(client, f"{url}/pre-review", {"version": 99, "started_on": "2024-02-01"})
    assert response.status_code == 409
    # Field errors, by field.
    response = post(client, f"{url}/pre-review", {"started_on": "2023-08-01"})
    assert list(response.json()["error"]["details"]) == ["started_on"]
    response = post(client, f"{url}/pre-review", {"started_on": "someday"})
    assert response.status_code == 422 and "started_on" in response.json()["error"]["details"]
    response = post(client, PIPELINE, {"substance_id": analogue.pk})
    assert list(response.json()["error"]["details"]) == ["substance_id"]  # already under review
    response = post(client, PIPELINE, {"substance_id": 10**12})
    assert list(response.json()["error"]["details"]) == ["substance_id"]
    review = walk_to(ReviewStage.CRITICAL_REVIEW, review, officer)
    response = post(
        client,
        f"{url}/recommendation",
        {
            "recommended_on": "2024-11-20",
            "recommendation": "schedule",
            "convention": "1988",
            "schedule": "III",
        },
    )
    assert response.status_code == 422 and list(response.json()["error"]["details"]) == ["schedule"]
    response = post(client, f"{url}/nonsense", {})
    assert response.status_code == 404


# --- the pages -------------------------------------------------------------------------------


def test_board_and_review_pages(review, officer, chn_officer, make_user):
    page = signed_in(chn_officer).get("/nps/pipeline/").content.decode()
    assert f'data-review="{review.pk}"' in page and 'data-progress="1"' in page
    assert 'data-testid="open-review"' not in page
    page = signed_in(chn_officer).get(f"/nps/pipeline/{review.pk}/").content.decode()
    assert 'data-testid="timeline"' in page and 'data-testid="step-pre_review"' not in page
    page = signed_in(officer).get(f"/nps/pipeline/{review.pk}/").content.decode()
    assert 'data-testid="step-pre_review"' in page and 'data-testid="step-critical_review"' in page
    operator = make_user(country="CHN", kind="operator", role="admin")
    assert signed_in(operator).get("/nps/pipeline/").status_code == 403
    assert signed_in(chn_officer).get("/nps/pipeline/?stage=nonsense").status_code == 200


def test_open_page_takes_a_substance_by_name(analogue, officer, chn_officer):
    client = signed_in(officer)
    assert client.get("/nps/pipeline/open/").status_code == 200
    assert signed_in(chn_officer).get("/nps/pipeline/open/").status_code == 403
    response = client.post("/nps/pipeline/open/", {"substance": "No such thing", "opened_on": ""})
    assert response.status_code == 422
    response = client.post(
        "/nps/pipeline/open/", {"substance": "no such substance", "opened_on": "2024-01-05"}
    )
    assert "No substance of the registry has this name." in response.content.decode()
    response = client.post(
        "/nps/pipeline/open/",
        {"substance": analogue.name_en.upper(), "opened_on": "2024-01-05"},
    )
    assert response.status_code == 302
    again = client.post(
        "/nps/pipeline/open/", {"substance": analogue.name_en, "opened_on": "2024-01-05"}
    )
    assert again.status_code == 422 and "already under review" in again.content.decode()


def test_step_pages_record_and_refuse(review, officer, chn_officer):
    client = signed_in(officer)
    url = f"/nps/pipeline/{review.pk}/pre-review/"
    response = client.post(
        url, {"pre_review-version": review.version, "pre_review-started_on": "2023-08-01"}
    )
    assert response.status_code == 422
    assert "before its last step" in response.content.decode()
    response = client.post(
        url, {"pre_review-version": review.version, "pre_review-started_on": "2024-02-01"}
    )
    assert response.status_code == 302
    stale = client.post(
        f"/nps/pipeline/{review.pk}/critical-review/",
        {"critical_review-version": review.version, "critical_review-started_on": "2024-06-01"},
    )
    assert stale.status_code == 409
    refused = signed_in(chn_officer).post(
        f"/nps/pipeline/{review.pk}/critical-review/",
        {"critical_review-version": 2, "critical_review-started_on": "2024-06-01"},
    )
    assert refused.status_code == 403
    assert client.post(f"/nps/pipeline/{review.pk}/nonsense/", {}).status_code == 404
