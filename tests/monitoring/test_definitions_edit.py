"""The secretariat keeps the definitions: one element, rule, indicator or target saved on its
own (checked with all the others), a whole file loaded or only checked, all or nothing,
through the service, the API and the pages."""

import copy
import io
import json

import pytest

from drugcontrol.core.errors import Conflict, PermissionDenied, ValidationFailed
from drugcontrol.core.models import AuditEvent
from drugcontrol.monitoring import selectors, services
from drugcontrol.monitoring.models import DataElement, Indicator, ValidationRule
from tests.conftest import signed_in

from .conftest import cell

pytestmark = pytest.mark.django_db
V1 = "/api/v1/monitoring"


def rule_item(**fields):
    item = {
        "code": "PWID_IN_POP",
        "name_en": "People who inject drugs at most a tenth of the population",
        "name_zh": "注射吸毒者不超过人口的十分之一",
        "left": "10 * PWID",
        "operator": "<=",
        "right": "POP_15_64",
        "importance": "error",
    }
    item.update(fields)
    return item


def test_a_rule_changed_alone_is_checked_saved_and_applied(
    definitions, secretariat, provider, use_2024
):
    values = [cell("PWID", "200"), cell("POP_15_64", "1000")]
    services.values_set(actor=provider, submission=use_2024, items=values)
    assert not [v for v in selectors.validation_report(use_2024) if v.is_error]
    rule = services.definition_save(
        actor=secretariat, part="rules", item=rule_item(), expected_version=1
    )
    assert (rule.left, rule.version) == ("10 * PWID", 2)
    event = AuditEvent.objects.get(action="monitoring.definition_saved")
    assert event.object_id == "rules:PWID_IN_POP"
    assert event.before["left"] == "PWID" and event.after["left"] == "10 * PWID"
    errors = [v.rule.code for v in selectors.validation_report(use_2024) if v.is_error]
    assert errors == ["PWID_IN_POP"]  # 2,000 > 1,000
    with pytest.raises(Conflict):
        services.definition_save(
            actor=secretariat, part="rules", item=rule_item(), expected_version=1
        )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"left": "NO_SUCH * 2"}, "left"),
        ({"left": "PWID["}, "left"),
        ({"operator": "=>"}, "operator"),
        ({"importance": "fatal"}, "importance"),
        ({"name_en": ""}, "name_en"),
        ({"name_zh": "x" * 201}, "name_zh"),
        ({"left": 5}, "left"),
        ({"right": "PREV[period=yesterday]"}, "right"),
    ],
)
def test_a_bad_rule_is_refused_naming_its_field_and_nothing_changes(
    definitions, secretariat, fields, field
):
    with pytest.raises(ValidationFailed) as refused:
        services.definition_save(actor=secretariat, part="rules", item=rule_item(**fields))
    assert field in refused.value.details, refused.value.details
    assert ValidationRule.objects.get(code="PWID_IN_POP").left == "PWID"


def test_only_the_secretariat_keeps_the_definitions(definitions, provider, focal_point):
    for actor in (provider, focal_point):
        with pytest.raises(PermissionDenied):
            services.definition_save(actor=actor, part="rules", item=rule_item())
        with pytest.raises(PermissionDenied):
            services.definitions_apply(actor=actor, document=services.definitions_export())


def test_a_new_element_joins_its_data_set_and_one_with_values_keeps_its_categories(
    definitions, secretariat, provider, use_2024
):
    item = {
        "code": "NALOXONE_KITS",
        "name_en": "Naloxone kits distributed",
        "name_zh": "分发的纳洛酮包",
        "section": "use",
        "value_type": "integer",
        "unit": "units",
        "categories": [],
        "minimum": "0",
    }
    with pytest.raises(ValidationFailed) as refused:
        services.definition_save(actor=secretariat, part="elements", item=item)
    assert "dataset" in refused.value.details
    services.definition_save(actor=secretariat, part="elements", item=item, dataset="ARQ_USE")
    dataset = selectors.dataset_get(secretariat, "ARQ_USE")
    assert "NALOXONE_KITS" in [e.code for e in selectors.dataset_elements(secretariat, dataset)]
    services.values_set(actor=provider, submission=use_2024, items=[cell("PWID", "10")])
    pwid = services.definitions_export()["elements"]
    pwid = next(e for e in pwid if e["code"] == "PWID")
    with pytest.raises(ValidationFailed) as refused:
        services.definition_save(
            actor=secretariat, part="elements", item={**pwid, "categories": ["sex"]}
        )
    assert "categories" in refused.value.details
    assert [c.code for c in DataElement.objects.get(code="PWID").categories.all()] == []


def test_the_exported_definitions_load_back_unchanged_and_a_bad_file_changes_nothing(
    definitions, secretariat
):
    document = services.definitions_export()
    assert len(document["categories"][-1]["countries"]) == 8  # regions by their countries
    assert services.definitions_apply(actor=secretariat, document=document)["changed"] == 0
    changed = copy.deepcopy(document)
    changed["indicators"][0]["factor"] = "1000"
    changed["rules"][0]["left"] = "NO_SUCH"
    with pytest.raises(ValidationFailed) as refused:
        services.definitions_apply(actor=secretariat, document=changed)
    assert "rules.0.left" in refused.value.details
    code = changed["indicators"][0]["code"]
    assert Indicator.objects.get(code=code).factor != 1000
    changed["rules"][0]["left"] = document["rules"][0]["left"]
    counts = services.definitions_apply(actor=secretariat, document=changed, dry_run=True)
    assert counts["changed"] == 1 and Indicator.objects.get(code=code).factor != 1000
    services.definitions_apply(actor=secretariat, document=changed)
    assert Indicator.objects.get(code=code).factor == 1000
    for broken in ([], {"rules": "x"}, {"rules": [{"code": "A"}]}, {"targets": [{"year": 1}]}):
        with pytest.raises(ValidationFailed):
            services.definitions_apply(actor=secretariat, document=broken)


def test_the_api_saves_and_loads_definitions(definitions, secretariat, provider):
    client = signed_in(secretariat)
    url = f"{V1}/validation-rules/PWID_IN_POP"
    saved = client.put(url, {**rule_item(), "version": 1}, "application/json")
    assert saved.status_code == 200 and saved.json()["left"] == "10 * PWID"
    assert client.put(url, {**rule_item(), "version": 1}, "application/json").status_code == 409
    other = client.put(url, {**rule_item(code="OTHER")}, "application/json")
    assert other.status_code == 422
    bad = client.put(url, {**rule_item(left="NOPE")}, "application/json")
    assert bad.status_code == 422 and "left" in bad.json()["error"]["details"]
    indicator = client.put(
        f"{V1}/indicators/NEW_ONE",
        {"code": "NEW_ONE", "name_en": "New", "name_zh": "新", "numerator": "LABS"},
        "application/json",
    )
    assert indicator.status_code == 200 and indicator.json()["code"] == "NEW_ONE"
    document = client.get(f"{V1}/definitions").json()
    assert {"categories", "elements", "rules", "indicators", "targets"} <= set(document)
    document["rules"][0]["name_en"] = "Renamed"
    dry = client.post(f"{V1}/definitions?dry_run=true", document, "application/json")
    assert dry.status_code == 200 and dry.json()["changed"] == 1, dry.content[:600]
    assert ValidationRule.objects.get(code=document["rules"][0]["code"]).name_en != "Renamed"
    refused = signed_in(provider).put(url, {**rule_item()}, "application/json")
    assert refused.status_code == 403
    assert signed_in(provider).get(f"{V1}/definitions").status_code == 200


def test_the_pages_change_an_indicator_and_load_a_file(definitions, secretariat, provider):
    client = signed_in(secretariat)
    page = client.get("/monitoring/definitions/").content.decode()
    assert 'data-testid="definitions-upload"' in page and 'data-testid="edit"' in page
    assert 'data-testid="definitions-keep"' not in (
        signed_in(provider).get("/monitoring/definitions/").content.decode()
    )
    url = "/monitoring/definitions/indicators/TREAT_COVERAGE/"
    form = client.get(url).content.decode()
    assert 'value="TREAT_TOTAL"' in form
    fields = {
        "name_en": "Treatment coverage",
        "name_zh": "治疗覆盖率",
        "numerator": "TREAT_TOTAL",
        "denominator": "PROBLEM_USERS",
        "factor": "abc",
        "decimals": "1",
        "version": "1",
    }
    refused = client.post(url, fields)
    assert refused.status_code == 400 and 'data-field="factor"' in refused.content.decode()
    saved = client.post(url, {**fields, "factor": "100"})
    assert saved.status_code == 302
    assert Indicator.objects.get(code="TREAT_COVERAGE").factor == 100
    assert client.get("/monitoring/definitions/nothing/new/").status_code == 404
    assert client.get("/monitoring/definitions/rules/NO_SUCH/").status_code == 404
    assert signed_in(provider).get(url).status_code == 403
    document = json.loads(client.get("/monitoring/definitions/file/").content)
    document["rules"][0]["right"] = "NOPE"
    upload = io.BytesIO(json.dumps(document).encode())
    upload.name = "definitions.json"
    answer = client.post("/monitoring/definitions/file/", {"file": upload})
    assert answer.status_code == 400
    assert "rules.0.right" in answer.content.decode()
    junk = io.BytesIO(b"\xff\xfe not json")
    junk.name = "junk.json"
    answer = client.post("/monitoring/definitions/file/", {"file": junk})
    assert answer.status_code == 400 and 'data-field="file"' in answer.content.decode()


def test_a_document_may_name_only_what_it_adds_or_changes(definitions, secretariat):
    elements = [e["code"] for e in services.definitions_export()["elements"]]
    with pytest.raises(ValidationFailed) as refused:
        services.definitions_apply(
            actor=secretariat,
            document={"rules": [rule_item(), rule_item(code="NEW_RULE", left="NOPE")]},
        )
    assert list(refused.value.details) == ["rules.1.left"]  # the document's own place
    counts = services.definitions_apply(
        actor=secretariat, document={"rules": [rule_item(name_en="Only this one")]}
    )
    assert counts["changed"] == 1
    assert ValidationRule.objects.get(code="PWID_IN_POP").name_en == "Only this one"
    assert [e["code"] for e in services.definitions_export()["elements"]] == elements
