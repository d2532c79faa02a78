"""The access model's scenarios, each as it was found leaking: what organisation kinds and
roles may read and do, and what records reveal through other records."""

import datetime

import pytest

from drugcontrol.core.errors import PermissionDenied
from drugcontrol.core.models import AuditEvent
from drugcontrol.core.visibility import visible
from drugcontrol.entities import selectors as entity_selectors
from drugcontrol.entities import services as entity_services
from drugcontrol.entities.models import Correlation, Party, PartyMerge, WarningValue
from drugcontrol.incidents import selectors as incident_selectors
from drugcontrol.incidents import services as incident_services

from .conftest import signed_in

pytestmark = pytest.mark.django_db


def _report(
    actor,
    *,
    distribution,
    party="Hamburg Feinchemie Vertrieb GmbH",
    country="DEU",
    phone="+49 40 1234 5678",
):
    data = incident_services.validate_incident(
        {
            "kind": "seizure",
            "occurred_on": (datetime.date.today() - datetime.timedelta(days=2)).isoformat(),
            "distribution": distribution,
            "countries": [{"country": country, "role": "seizure"}],
            "substances": [{"description": "white powder", "quantity": "4", "unit": "kg"}],
            "parties": [
                {
                    "role": "consignee",
                    "kind": "company",
                    "name": party,
                    "country": country,
                    "address": "Speicherstadt 7, Hamburg",
                    **({"phone": phone} if phone else {}),
                }
            ],
        },
        visible_parties=visible(Party, actor),
    )
    return incident_services.incident_create(actor=actor, data=data)


@pytest.fixture
def germany(make_user, make_org):
    police = make_org(country="DEU", kind="law_enforcement", name="German customs")
    authority = make_org(country="DEU", kind="competent_authority", name="German authority")
    company = make_org(country="DEU", kind="operator", name="Example Chemicals")
    return {
        "police": make_user(organisation=police, role="officer"),
        "authority": make_user(organisation=authority, role="officer"),
        "company": make_user(organisation=company, role="officer"),
        "company_admin": make_user(organisation=company, role="admin"),
    }


def _audit_count() -> int:
    return AuditEvent.objects.count()


def test_an_operator_sees_no_law_enforcement_incident_party_or_correlation(germany):
    incident = _report(germany["police"], distribution="country")
    _report(germany["authority"], distribution="all")  # its own party, correlated
    assert Correlation.objects.exists()
    company = germany["company"]
    assert not incident_selectors.incident_list(user=company).exists()
    assert not visible(Party, company).exists()
    assert not visible(Correlation, company).exists()
    client = signed_in(company)
    assert client.get(f"/incidents/{incident.pk}/").status_code == 404
    assert client.get(f"/api/v1/incidents/{incident.pk}").status_code == 404
    assert client.get("/api/v1/incidents").json()["items"] == []
    assert client.get("/api/v1/entities/parties").json()["items"] == []
    assert client.get("/api/v1/entities/correlations").json()["items"] == []
    # The country's authority, by contrast, reads what the distribution gives its country.
    assert incident_selectors.incident_list(user=germany["authority"]).count() == 2


def test_an_operator_files_no_incident_and_decides_on_no_correlation(germany):
    _report(germany["police"], distribution="all")
    _report(germany["authority"], distribution="all")  # its own party, correlated
    correlation = Correlation.objects.get()
    client = signed_in(germany["company_admin"])
    before = _audit_count()
    body = {
        "kind": "seizure",
        "occurred_on": datetime.date.today().isoformat(),
        "distribution": "all",
        "countries": [{"country": "DEU", "role": "seizure"}],
        "substances": [{"description": "powder"}],
    }
    response = client.post("/api/v1/incidents", body, content_type="application/json")
    assert response.status_code == 403
    assert client.get("/incidents/new/").status_code == 403
    for verb in ("confirm", "reject", "merge"):
        response = client.post(
            f"/api/v1/entities/correlations/{correlation.pk}/{verb}",
            {},
            content_type="application/json",
        )
        assert response.status_code == 404, verb  # not even visible to an operator
    with pytest.raises(PermissionDenied):
        entity_services.correlation_decide(
            actor=germany["company_admin"], correlation=correlation, decision="rejected"
        )
    assert _audit_count() == before
    assert Correlation.objects.get().status == "proposed"


def test_a_merge_needs_the_right_to_act_on_both_parties(germany, make_user):
    """Germany's police sees a Chinese party named in a Chinese seizure shared with all, but
    may not merge it into its own: the Chinese party is not on its file nor in its records."""
    china_police = make_user(country="CHN", kind="law_enforcement", role="officer")
    _report(china_police, distribution="all", country="CHN")
    _report(germany["authority"], distribution="country")
    correlation = Correlation.objects.get()
    assert visible(Correlation, germany["police"]).filter(pk=correlation.pk).exists()
    with pytest.raises(PermissionDenied):
        entity_services.correlation_decide(
            actor=germany["police"], correlation=correlation, decision="confirmed"
        )
    Correlation.objects.filter(pk=correlation.pk).update(status="confirmed")
    correlation.refresh_from_db()
    with pytest.raises(PermissionDenied):
        entity_services.parties_merge(actor=germany["police"], correlation=correlation)
    assert not PartyMerge.objects.exists()
    # China's police did not see Germany's country-only party: no correlation to act on.
    assert not visible(Correlation, china_police).exists()


def test_a_party_in_an_organisation_only_incident_stays_in_that_organisation(germany):
    incident = _report(germany["police"], distribution="organisation")
    party = incident.parties.get().party
    assert visible(Party, germany["police"]).filter(pk=party.pk).exists()
    for other in (germany["authority"], germany["company"]):
        assert not visible(Party, other).filter(pk=party.pk).exists()
        client = signed_in(other)
        assert client.get(f"/api/v1/entities/parties/{party.pk}").status_code == 404
        page = client.get(f"/parties/{party.pk}/")
        assert page.status_code == 404
        listed = client.get("/parties/").content.decode()
        assert "Speicherstadt" not in listed and f"/parties/{party.pk}/" not in listed
    # A record of another organisation of the same country registers its own party (the
    # same name, correlated) instead of exposing the first one's.
    authority_incident = _report(germany["authority"], distribution="country")
    assert authority_incident.parties.get().party_id != party.pk
    assert not visible(Party, germany["authority"]).filter(pk=party.pk).exists()


def test_each_reader_lists_exactly_its_parties_in_name_order(germany, intl_viewer):
    """An operator sees the parties on its own file and in its own records; readers of
    other organisations' records see their file and the parties of the records they may
    see. The list is in name order, whatever the reader."""
    company, authority = germany["company"], germany["authority"]

    def on_file(organisation, name):
        return entity_services.party_create(
            actor=None,
            owner_organisation=organisation,
            data=entity_services.validate_party(kind="company", name=name, country_code="NLD"),
        )

    customer = on_file(company.organisation, "Zeeland Solvents B.V.")
    named = on_file(authority.organisation, "Antwerp Pharma NV")
    entity_services.party_link(
        party=named,
        record_type="precursors.suspiciousorder",
        record_id=1,
        organisation=company.organisation,
        audience="organisation",
    )
    kept = on_file(authority.organisation, "Breda Chemie B.V.")
    shared = _report(germany["police"], distribution="all").parties.get().party
    home = _report(
        germany["police"], distribution="organisation", party="Delft Trading B.V.", phone=None
    )
    expected = {
        company: [named, customer],
        authority: [named, kept, shared],
        germany["police"]: [home.parties.get().party, shared],
        intl_viewer: [shared],
    }
    for reader, parties in expected.items():
        assert list(entity_selectors.party_list(user=reader)) == parties, reader
        assert entity_selectors.party_list(user=reader).count() == len(parties)


def test_viewers_write_nothing(germany, make_user, intl_viewer):
    viewer = make_user(country="DEU", kind="law_enforcement", role="viewer")
    _report(germany["police"], distribution="country")
    before = _audit_count()
    for actor in (viewer, intl_viewer):
        client = signed_in(actor)
        response = client.post(
            "/api/v1/entities/parties",
            {"kind": "company", "name": "Viewer Trading"},
            content_type="application/json",
        )
        assert response.status_code == 403, actor
        response = client.post(
            "/api/v1/entities/warning-values",
            {"kind": "phone", "value": "+49 40 1234 5678"},
            content_type="application/json",
        )
        assert response.status_code == 403, actor
        response = client.post(
            "/api/v1/incidents",
            {"kind": "seizure", "occurred_on": datetime.date.today().isoformat()},
            content_type="application/json",
        )
        assert response.status_code in (403, 422), actor
    assert _audit_count() == before
    assert not WarningValue.objects.exists()
    assert not Party.objects.filter(name="Viewer Trading").exists()


def test_party_page_offers_decisions_only_to_those_who_may_take_them(germany, make_user):
    _report(germany["police"], distribution="country")
    _report(germany["authority"], distribution="country")
    party = Party.objects.order_by("pk").first()
    viewer = make_user(organisation=germany["police"].organisation, role="viewer")
    officer_page = signed_in(germany["police"]).get(f"/parties/{party.pk}/").content.decode()
    viewer_page = signed_in(viewer).get(f"/parties/{party.pk}/").content.decode()
    assert 'value="confirm"' in officer_page
    assert 'data-testid="correlation-row"' in viewer_page and 'value="confirm"' not in viewer_page
    rows = entity_selectors.party_correlations(user=viewer, party=party)
    assert len(rows) == 1 and rows[0]["other"] is not None


def test_a_merge_across_countries_tells_the_other_countrys_authorities(germany, make_user):
    """The secretariat may act on both parties; merging a Chinese and a German party alerts
    Germany's (and China's) authorities about their own party, in their own language."""
    from django.utils import translation

    from drugcontrol.core.models import Alert

    china_police = make_user(country="CHN", kind="law_enforcement", role="focal_point")
    secretariat = make_user(kind="international", role="officer")
    _report(china_police, distribution="all", country="CHN")
    _report(germany["police"], distribution="all")
    correlation = Correlation.objects.get()
    entity_services.correlation_decide(
        actor=secretariat, correlation=correlation, decision="confirmed"
    )
    entity_services.parties_merge(actor=secretariat, correlation=correlation)
    german_alerts = Alert.objects.filter(recipient=germany["police"])
    assert german_alerts.count() == 1
    alert = german_alerts.get()
    assert alert.message_key == "entities.merged_across_countries"
    german_party = Party.objects.get(owner_organisation=germany["police"].organisation)
    assert alert.record_id == str(german_party.pk)
    with translation.override("zh-hans"):
        assert "合并" in alert.title
    with translation.override("en"):
        assert "merged" in alert.title and german_party.name in alert.title
    assert Alert.objects.filter(recipient=china_police, kind="merged_across_countries").exists()
    # The company's officer hears nothing: alerts about parties go to authorities.
    assert not Alert.objects.filter(recipient=germany["company"]).exists()


def test_a_partys_audit_events_follow_the_party(germany, intl_admin):
    """The secretariat's administrator reads the whole audit log, except events about
    records it may not see: a party named only in an organisation's own incident."""
    from drugcontrol.core import selectors as core_selectors

    incident = _report(germany["police"], distribution="organisation")
    party = incident.parties.get().party
    events = core_selectors.audit_event_list(user=intl_admin)
    assert not events.filter(object_type="entities.party", object_id=str(party.pk)).exists()
    police_admin = germany["police"]
    assert visible(Party, police_admin).filter(pk=party.pk).exists()


def test_the_api_tells_a_client_which_actions_it_may_offer(germany, make_user):
    company = signed_in(germany["company"]).get("/api/v1/me").json()
    assert company["organisation_kind"] == "operator"
    assert "precursors.order_report" in company["actions"]
    assert "incidents.incident_report" not in company["actions"]
    assert "entities.party_read" not in company["actions"]
    viewer = make_user(country="DEU", kind="law_enforcement", role="viewer")
    answer = signed_in(viewer).get("/api/v1/me").json()
    assert "incidents.incident_read" in answer["actions"]
    assert not {"incidents.incident_report", "entities.party_create"} & set(answer["actions"])
