"""A country answers a cycle's questionnaire, the secretariat returns it, the country
fixes and resubmits, the secretariat accepts and publishes it; who reads it at each stage
(check_scope); bad answers are refused naming the item and field."""

import pytest

from drugcontrol.core.errors import PermissionDenied, ValidationFailed
from drugcontrol.core.testing import ScopeTarget, check_scope
from drugcontrol.review import services
from drugcontrol.review.models import Answer, Response
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db
V1 = "/api/v1/review"


@pytest.fixture
def secretariat(make_user):
    return make_user(kind="international", role="officer")


@pytest.fixture
def kenya(make_user):
    return make_user(country="KEN", kind="competent_authority", role="focal_point")


@pytest.fixture
def cycle(secretariat):
    services.statement_load()
    return services.cycle_create(
        actor=secretariat,
        data={
            "code": "2024-test",
            "name_en": "Test review 2024",
            "name_zh": "2024 年测试审议",
            "first_year": 2019,
            "last_year": 2023,
            "deadline": "2030-06-30",
            "paragraphs": ["A.11", "A.14"],
            "items": [
                {"paragraph": "A.11", "question_en": "Has HIV among people who inject drugs "
                 "been halved?", "question_zh": "注射吸毒者中的艾滋病毒是否减半？"},
                {"paragraph": "A.14", "question_en": "Are opioid analgesics available?",
                 "question_zh": "阿片类镇痛药是否可获得？"},
            ],
        },
    )  # fmt: skip


def _answer_all(actor, cycle, rating="yes", **extra):
    items = list(cycle.items.all())
    return services.answers_save(
        actor=actor,
        cycle=cycle,
        country="KEN",
        answers=[
            {"item": item.pk, "rating": rating, "narrative": "Programme in 12 counties.",
             "links": "https://example.org/report.pdf"}
            for item in items
        ],
        **extra,
    )  # fmt: skip


def test_answers_go_through_the_approval(cycle, kenya, secretariat):
    response = _answer_all(kenya, cycle, rating="")
    with pytest.raises(ValidationFailed) as unanswered:
        services.response_act(actor=kenya, response=response, action="submit")
    assert "answers" in unanswered.value.details
    response = _answer_all(kenya, cycle, expected_version=response.version)
    response = services.response_act(actor=kenya, response=response, action="submit")
    with pytest.raises(PermissionDenied):
        services.response_act(actor=kenya, response=response, action="accept")
    with pytest.raises(ValidationFailed) as no_reason:
        services.response_act(actor=secretariat, response=response, action="return")
    assert "comment" in no_reason.value.details
    response = services.response_act(
        actor=secretariat, response=response, action="return", comment="Add the source."
    )
    assert (response.status, response.comment) == ("returned", "Add the source.")
    response = _answer_all(kenya, cycle, rating="partly", expected_version=response.version)
    response = services.response_act(actor=kenya, response=response, action="submit")
    response = services.response_act(actor=secretariat, response=response, action="accept")
    response = services.response_act(actor=secretariat, response=response, action="publish")
    assert response.status == "published"
    assert set(Answer.objects.values_list("rating", flat=True)) == {"partly"}
    with pytest.raises(ValidationFailed):  # published: no more changes
        _answer_all(kenya, cycle)


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        ({"rating": "maybe"}, "rating"),
        ({"links": "ftp://example.org"}, "links"),
        ({"narrative": "x" * 4001}, "narrative"),
        ({"item": 999999}, "item"),
    ],
)
def test_bad_answers_are_refused_naming_the_item(cycle, kenya, answer, field):
    item = cycle.items.first()
    with pytest.raises(ValidationFailed) as refused:
        services.answers_save(
            actor=kenya, cycle=cycle, country="KEN", answers=[{"item": item.pk, **answer}]
        )
    assert f"answers.1.{field}" in refused.value.details
    assert not Answer.objects.exists()


def test_another_country_may_not_answer(cycle, make_user):
    india = make_user(country="IND", kind="competent_authority", role="focal_point")
    with pytest.raises(PermissionDenied):
        services.answers_save(actor=india, cycle=cycle, country="KEN", answers=[])


def test_who_reads_a_response(cycle, kenya, secretariat, make_user):
    response = _answer_all(kenya, cycle)
    target = ScopeTarget(
        record_id=response.pk,
        list_url=f"{V1}/responses",
        detail_url=f"{V1}/responses/{response.pk}",
        page_url=f"/review/cycles/{cycle.code}/ken/",
    )
    germany = make_user(country="DEU", kind="law_enforcement", role="viewer")
    check_scope(
        target, own_country_user=kenya, other_country_user=germany, international_user=secretariat
    )
    for action in ("submit",):
        response = services.response_act(actor=kenya, response=response, action=action)
    for action in ("accept", "publish"):
        response = services.response_act(actor=secretariat, response=response, action=action)
    check_scope(
        target,
        own_country_user=kenya,
        other_country_user=germany,
        international_user=secretariat,
        other_countries_see=True,
    )


def test_the_pages_and_the_api(cycle, kenya, secretariat):
    client = signed_in(kenya)
    page = f"/review/cycles/{cycle.code}/ken/"
    assert 'data-testid="answers-form"' in client.get(page).content.decode()
    items = list(cycle.items.all())
    form = {"step": "save", "version": ""}
    for item in items:
        form[f"rating-{item.pk}"] = "yes"
        form[f"narrative-{item.pk}"] = "Done."
    assert client.post(page, form).status_code == 302
    response = Response.objects.get()
    submitted = client.post(page, {"step": "submit", "version": str(response.version)})
    assert submitted.status_code == 302
    api = signed_in(secretariat)
    answer = api.post(
        f"{V1}/responses/{response.pk}/steps",
        {"action": "accept", "version": response.version + 1},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["status"] == "accepted"
    assert [a["rating"] for a in answer.json()["answers"]] == ["yes", "yes"]
    stale = api.post(
        f"{V1}/responses/{response.pk}/steps",
        {"action": "publish", "version": 1},
        content_type="application/json",
    )
    assert stale.status_code == 409
    cycles = api.get(f"{V1}/cycles").json()["items"]
    assert cycles[0]["paragraphs"] == ["A.11", "A.14"] and len(cycles[0]["items"]) == 2
    paragraph = api.get(f"{V1}/paragraphs/A.14?country=KEN").json()
    assert paragraph["figures"][0]["key"] == "medicines.availability"
    assert api.get(f"{V1}/paragraphs").json()["count"] == 78
