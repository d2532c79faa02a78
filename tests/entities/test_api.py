import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from drugcontrol.core.testing import ScopeTarget, check_scope
from drugcontrol.entities import services
from drugcontrol.entities.models import Correlation, Party, WarningValue

from ..conftest import signed_in

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_scope_parties(make_party, chn_officer, deu_officer, intl_viewer):
    """A party registered on its own is its organisation's file: not its country's at large
    nor the secretariat's until a shared record names it."""
    party = make_party("广州天河化工有限公司", actor=chn_officer)
    check_scope(
        ScopeTarget(
            record_id=party.pk,
            list_url="/api/v1/entities/parties",
            detail_url=f"/api/v1/entities/parties/{party.pk}",
            page_url=f"/parties/{party.pk}/",
            list_page_url="/parties/",
            page_marker=f'href="/parties/{party.pk}/"',
        ),
        own_country_user=chn_officer,
        other_country_user=deu_officer,
        international_user=intl_viewer,
        international_sees=False,
    )


def test_scope_correlations(make_party, chn_officer, deu_officer, intl_viewer):
    make_party("广州天河化工有限公司", actor=chn_officer)
    make_party("Guangzhou Tianhe Chemical Co Ltd", actor=chn_officer)
    correlation = Correlation.objects.get()
    check_scope(
        ScopeTarget(
            record_id=correlation.pk,
            list_url="/api/v1/entities/correlations",
            detail_url=f"/api/v1/entities/correlations/{correlation.pk}",
            list_page_url="/parties/correlations/",
            page_marker=f'data-correlation="{correlation.pk}"',
        ),
        own_country_user=chn_officer,
        other_country_user=deu_officer,
        international_user=intl_viewer,
        international_sees=False,
    )


def test_scope_warning_values(intl_admin, chn_officer, deu_officer):
    warning = services.warning_value_add(actor=intl_admin, kind="phone", value="+86 20 0000 0000")
    check_scope(
        ScopeTarget(
            record_id=warning.pk,
            list_url="/api/v1/entities/warning-values",
            list_page_url="/parties/warning-list/",
            page_marker="+86 20 0000 0000",
        ),
        own_country_user=chn_officer,
        other_country_user=deu_officer,
        international_user=intl_admin,
        other_countries_see=True,
    )


def test_match_endpoint_sees_only_visible_parties(make_party, chn_officer, deu_officer):
    make_party("广州天河化工有限公司", actor=chn_officer)
    body = {"kind": "company", "name": "Guangzhou Tianhe Huagong Youxian Gongsi"}
    answer = post(signed_in(chn_officer), "/api/v1/entities/match", body).json()
    assert answer[0]["name"] == "广州天河化工有限公司" and answer[0]["score"] >= 85
    assert "script_bridged" in answer[0]["reasons"]
    assert post(signed_in(deu_officer), "/api/v1/entities/match", body).json() == []
    bad = post(signed_in(chn_officer), "/api/v1/entities/match", {"kind": "ship", "name": ""})
    assert bad.status_code == 422 and set(bad.json()["error"]["details"]) == {"kind", "name"}


def test_create_decide_merge_undo_through_the_api(chn_officer):
    client = signed_in(chn_officer)
    first = post(
        client,
        "/api/v1/entities/parties",
        {"kind": "company", "name": "广州天河化工有限公司", "country": "CHN"},
    )
    assert first.status_code == 201
    second = post(
        client,
        "/api/v1/entities/parties",
        {
            "kind": "company",
            "name": "Guangzhou Tianhe Chemical",
            "phone": "020 8888 1234",
            "country": "CHN",
        },
    )
    assert second.json()["identifiers"][0]["normalized"] == "+862088881234"
    correlation = client.get("/api/v1/entities/correlations?status=proposed").json()["items"][0]
    assert correlation["reasons"][0]["text"]
    url = f"/api/v1/entities/correlations/{correlation['id']}"
    assert post(client, f"{url}/merge").status_code == 422
    confirmed = post(client, f"{url}/confirm", {"version": 1})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert post(client, f"{url}/reject", {"version": 1}).status_code == 409
    merge = post(client, f"{url}/merge")
    assert merge.status_code == 201
    assert (
        client.get(f"/api/v1/entities/parties/{second.json()['id']}").json()["merged_into"]
        == first.json()["id"]
    )
    undone = post(client, f"/api/v1/entities/merges/{merge.json()['id']}/undo")
    assert undone.status_code == 200 and undone.json()["undone_at"]


def test_warning_values_through_the_api(intl_admin, chn_admin):
    client = signed_in(intl_admin)
    created = post(
        client,
        "/api/v1/entities/warning-values",
        {"kind": "company", "value": "Maersk Line A/S", "reason": "carrier"},
    )
    assert created.status_code == 201 and created.json()["normalized"].startswith("marsk ")
    assert (
        post(
            signed_in(chn_admin),
            "/api/v1/entities/warning-values",
            {"kind": "company", "value": "X"},
        ).status_code
        == 403
    )
    assert (
        client.delete(f"/api/v1/entities/warning-values/{created.json()['id']}").status_code == 204
    )
    assert not WarningValue.objects.exists()


def test_cli_import_and_match(tmp_path, make_org):
    organisation = make_org(country="CHN", kind="law_enforcement")
    path = tmp_path / "parties.csv"
    path.write_text(
        "id,kind,name,country,phone\n1,company,广州天河化工有限公司,CHN,020 8888 1234\n"
        "2,person,Maria Gonzalez Lopez,MEX,\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command(
        "entities", "import", str(path), "--organisation", str(organisation.pk), stdout=out
    )
    assert "imported 2 parties" in out.getvalue()
    assert set(Party.objects.values_list("owner_organisation", flat=True)) == {organisation.pk}
    out = io.StringIO()
    call_command(
        "entities", "match", "--kind", "company", "--name", "Guangzhou Tianhe Huagong", stdout=out
    )
    answer = json.loads(out.getvalue())
    assert answer[0]["name"] == "广州天河化工有限公司"
    assert set(answer[0]) == {"id", "name", "score", "reasons", "below_threshold"}
    out = io.StringIO()
    call_command(
        "entities",
        "match",
        "--kind",
        "person",
        "--name",
        "Gonzales Lopez Maria",
        "--format",
        "text",
        stdout=out,
    )
    assert "Maria Gonzalez Lopez" in out.getvalue()
    path.write_text("id,kind,name,country\n1,spaceship,X,CHN\n", encoding="utf-8")
    with pytest.raises(CommandError, match="row 2"):
        call_command("entities", "import", str(path), "--organisation", str(organisation.pk))
    with pytest.raises(CommandError, match="no organisation"):
        call_command("entities", "import", str(path), "--organisation", "999999")


def test_the_secretariat_undoes_a_merge_it_made(chn_officer, intl_admin):
    """The merge moves the merged party's records to the survivor; the right to undo is
    judged on both parties as they were, or nobody could ever undo it."""
    from drugcontrol.entities.models import Correlation, Party
    from drugcontrol.incidents.services import incident_create, validate_incident

    for name in ("Tianjin Haorui Biotech Co., Ltd.", "Shanghai Golden Phoenix Import Export"):
        data = validate_incident(
            {
                "kind": "seizure",
                "occurred_on": "2026-01-05",
                "distribution": "all",
                "parties": [{"role": "consignee", "name": name, "country": "CHN"}],
            }
        )
        incident_create(actor=chn_officer, data=data)
    first, second = Party.objects.order_by("pk")
    correlation = Correlation.objects.create(
        party_a=first, party_b=second, score=90, reasons=["name_similar"], status="confirmed"
    )
    client = signed_in(intl_admin)
    merge = post(client, f"/api/v1/entities/correlations/{correlation.pk}/merge")
    assert merge.status_code == 201, merge.content
    undone = post(client, f"/api/v1/entities/merges/{merge.json()['id']}/undo")
    assert undone.status_code == 200, undone.content
    assert client.get(f"/api/v1/entities/parties/{second.pk}").status_code == 200
