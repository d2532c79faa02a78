import json

import pytest

from drugcontrol.core.testing import ScopeTarget, check_scope
from drugcontrol.substances.models import Substance

from ..conftest import signed_in

pytestmark = pytest.mark.django_db


def test_scope_substances(chn_officer, deu_officer, intl_viewer):
    ephedrine = Substance.objects.get(name_en="Ephedrine")
    check_scope(
        ScopeTarget(
            record_id=ephedrine.pk,
            list_url="/api/v1/substances?search=ephedrine",
            detail_url=f"/api/v1/substances/{ephedrine.pk}",
            page_url=f"/substances/{ephedrine.pk}/",
            list_page_url="/substances/?q=ephedrine",
            page_marker=f'href="/substances/{ephedrine.pk}/"',
        ),
        own_country_user=chn_officer,
        other_country_user=deu_officer,
        international_user=intl_viewer,
        other_countries_see=True,
    )


def post_identify(client, payload):
    return client.post("/api/v1/substances/identify", payload, content_type="application/json")


def test_identify_answers_the_documented_object(chn_officer):
    response = post_identify(signed_in(chn_officer), {"smiles": "CN[C@@H](C)[C@H](O)c1ccccc1.Cl"})
    assert response.status_code == 200
    answer = response.json()
    assert set(answer) >= {"query", "status", "matches", "families", "analogues", "errors"}
    assert answer["status"] == "controlled"
    assert {
        "substance": "Ephedrine",
        "instrument": "1988",
        "schedules": ["Table I"],
        "basis": "salt",
        "country": None,
        "component": None,
    } in answer["matches"]
    for analogue in answer["analogues"]:
        assert set(analogue) == {"substance", "similarity", "family"}


def test_identify_bad_input_names_the_field(chn_officer):
    client = signed_in(chn_officer)
    response = post_identify(client, {"smiles": "C1CC"})
    assert response.status_code == 422
    assert response.json()["error"]["details"] == {"smiles": ["could not read the SMILES"]}
    response = post_identify(client, {})
    assert response.status_code == 422
    response = post_identify(client, {"name": "no such substance"})
    assert response.status_code == 422 and "name" in response.json()["error"]["details"]


def test_identify_requires_authentication(db):
    from django.test import Client

    response = post_identify(Client(), {"smiles": "CCO"})
    assert response.status_code == 401


def test_substance_list_filters_and_detail(chn_officer):
    client = signed_in(chn_officer)
    page = client.get("/api/v1/substances?instrument=1988&schedule=Table II&page_size=50").json()
    names = {item["name"] for item in page["items"]}
    assert {"Acetone", "Toluene"} <= names
    item = next(i for i in page["items"] if i["name"] == "Acetone")
    assert item["listings"][0]["instrument"] == "1988"
    detail = client.get(f"/api/v1/substances/{item['id']}").json()
    assert detail["cas"] == "67-64-1" and detail["inchi"].startswith("InChI=")
    assert any(s["name"] == "Acetone" for s in detail["synonyms"])
    assert json.dumps(detail)


def test_the_api_document_names_every_status_and_basis(chn_officer):
    from drugcontrol.substances.identification import BASES, STATUSES

    document = signed_in(chn_officer).get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert schemas["IdentifyOut"]["properties"]["status"]["enum"] == list(STATUSES)
    assert "possibly_controlled" in STATUSES and "stereo_unspecified" in BASES
    assert schemas["SubstanceMatchOut"]["properties"]["basis"]["enum"] == list(BASES)
    assert "components" in schemas["IdentifyOut"]["properties"]


def test_identify_reports_possibly_controlled_and_components(chn_officer):
    client = signed_in(chn_officer)
    answer = post_identify(client, {"smiles": "CNC(C)C(O)c1ccccc1"}).json()
    assert answer["status"] == "possibly_controlled"
    assert {m["basis"] for m in answer["matches"]} == {"stereo_unspecified"}
    mixture = post_identify(client, {"smiles": "CC(N)Cc1ccccc1.Cn1cnc2c1c(=O)n(C)c(=O)n2C"})
    body = mixture.json()
    assert len(body["components"]) == 2
    assert {m["component"] for m in body["matches"]} <= {0, 1}
