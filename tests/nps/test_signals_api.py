"""Signals on the API and the pages: the scope of each kind (check_scope), evidence that
never reveals another country's report, the filter, the dashboard with its CSV, the
settings' page and API."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from drugcontrol.core.testing import ScopeTarget, check_scope
from drugcontrol.nps import services
from drugcontrol.nps.models import Signal

from .conftest import report_raw

pytestmark = pytest.mark.django_db

MEPHEDRONE = "CNC(C)C(=O)c1ccc(C)cc1"


def day(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="drugcontrol.core.backends.OrganisationAwareBackend")
    return client


def targets(signal: Signal) -> ScopeTarget:
    return ScopeTarget(
        record_id=signal.pk,
        list_url="/api/v1/nps/signals",
        detail_url=f"/api/v1/nps/signals/{signal.pk}",
        page_url=f"/nps/signals/{signal.pk}/",
        list_page_url="/nps/signals/",
        page_marker=f'href="/nps/signals/{signal.pk}/"',
    )


@pytest.fixture
def world(registry, make_user):
    chn = make_user(country="CHN", kind="forensic_lab", role="officer")
    deu = make_user(country="DEU", kind="forensic_lab", role="officer")
    new = services.report_submit(actor=chn, raw=report_raw())
    services.report_submit(
        actor=chn, raw=report_raw(structure=MEPHEDRONE, form="powder", sampled_on=day(300))
    )
    services.report_submit(
        actor=deu, raw=report_raw(structure=MEPHEDRONE, form="tablet", sampled_on=day(2))
    )
    services.signals_detect()
    return {
        "report": new,
        "new": Signal.objects.get(kind="new_substance"),
        "form": Signal.objects.get(kind="new_form"),
    }


def test_scope_of_a_shared_kind_every_reader_sees_it(world, make_user):
    check_scope(
        targets(world["new"]),
        own_country_user=make_user(country="CHN", kind="law_enforcement", role="viewer"),
        other_country_user=make_user(country="DEU", kind="fiu", role="viewer"),
        international_user=make_user(kind="international", role="viewer"),
        other_countries_see=True,
    )
    operator = client_for(make_user(country="CHN", kind="operator", role="admin"))
    assert operator.get(f"/api/v1/nps/signals/{world['new'].pk}").status_code == 404
    assert operator.get("/api/v1/nps/signals").json()["items"] == []


def test_scope_of_a_new_form_the_country_concerned_and_the_secretariat(world, make_user):
    check_scope(
        targets(world["form"]),
        own_country_user=make_user(country="DEU", kind="competent_authority", role="viewer"),
        other_country_user=make_user(country="CHN", kind="competent_authority", role="officer"),
        international_user=make_user(kind="international", role="viewer"),
    )
    # An intelligence unit of the country concerned reads no reports, nor this signal.
    fiu = client_for(make_user(country="DEU", kind="fiu", role="admin"))
    assert fiu.get(f"/api/v1/nps/signals/{world['form'].pk}").status_code == 404


def test_evidence_reveals_no_report_of_another_country(world, make_user):
    reader = client_for(make_user(country="DEU", kind="competent_authority", role="viewer"))
    report = world["report"]
    answer = reader.get(f"/api/v1/nps/signals/{world['new'].pk}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["countries"] == ["CHN"] and body["evidence"]["params"]["countries"] == ["CHN"]
    assert report.reference not in answer.content.decode()
    assert body["evidence"]["params"].keys() == {"substance", "family", "month", "countries"}
    page = reader.get(f"/nps/signals/{world['new'].pk}/").content.decode()
    assert report.reference not in page and f"/nps/reports/{report.pk}/" not in page
    assert reader.get(f"/nps/reports/{report.pk}/").status_code == 404
    # The Chinese laboratory's own readers find the report behind the signal.
    chn = client_for(make_user(country="CHN", kind="competent_authority", role="viewer"))
    assert (
        f"/nps/reports/{report.pk}/" in chn.get(f"/nps/signals/{world['new'].pk}/").content.decode()
    )


def test_the_new_form_evidence_is_narrowed_to_the_country_concerned(world, make_user):
    reader = client_for(make_user(country="DEU", kind="law_enforcement", role="viewer"))
    body = reader.get(f"/api/v1/nps/signals/{world['form'].pk}").json()
    assert body["evidence"]["key"] == "nps.signal_new_form_country"
    assert "forms" not in body["evidence"]["params"]
    secretariat = client_for(make_user(kind="international", role="viewer"))
    whole = secretariat.get(f"/api/v1/nps/signals/{world['form'].pk}").json()
    assert whole["evidence"]["params"]["forms"] == ["powder"]


def test_the_filter_is_the_same_on_the_page_and_the_api(world, make_user):
    secretariat = client_for(make_user(kind="international", role="viewer"))
    for query, expected in (
        ("kind=new_form", {world["form"].pk}),
        ("family=fentanyl", {world["new"].pk}),
        (f"substance_id={world['new'].substance_id}", {world["new"].pk}),
        ("country=DEU", {world["form"].pk}),
        ("country=CHN", {world["new"].pk}),
    ):
        items = secretariat.get(f"/api/v1/nps/signals?{query}").json()["items"]
        assert {item["id"] for item in items} == expected, query
        page = secretariat.get(f"/nps/signals/?{query}").content.decode()
        for signal in (world["new"], world["form"]):
            assert (f'href="/nps/signals/{signal.pk}/"' in page) == (signal.pk in expected)
    assert secretariat.get("/api/v1/nps/signals?kind=nothing").status_code == 422
    # Another country named in the filter: a reader learns nothing of its non-shared signals.
    deu = client_for(make_user(country="CHN", kind="competent_authority", role="viewer"))
    assert deu.get("/api/v1/nps/signals?country=DEU").json()["items"] == []


def test_the_dashboard_in_english_and_chinese_with_its_csv(world, make_user):
    reader = client_for(make_user(country="DEU", kind="fiu", role="viewer"))
    page = reader.get("/nps/dashboard/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="chart stacked-columns"' in html and 'class="chart time-line"' in html
    assert 'id="c-CHN" class="country filled"' in html
    assert f'href="/nps/signals/{world["new"].pk}/"' in html
    assert f'href="/nps/signals/{world["form"].pk}/"' not in html  # not DEU's FIU's to see
    chinese = reader.get("/nps/dashboard/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.status_code == 200
    families = reader.get("/nps/dashboard/?format=csv&chart=families").content.decode()
    year = timezone.localdate().year
    assert families.splitlines()[0] == "year,family,new_substances"
    assert f"{year},fentanyl,1" in families
    countries = reader.get("/nps/dashboard/?format=csv&chart=countries").content.decode()
    assert countries.splitlines()[1:] == ["CHN,1"]
    first = reader.get("/nps/dashboard/?format=csv&chart=first_reports").content.decode()
    assert "cycloheptyl fentanyl" in first
    assert reader.get("/nps/dashboard/?format=csv&chart=other").status_code == 404
    operator = client_for(make_user(country="CHN", kind="operator", role="admin"))
    assert operator.get("/nps/dashboard/").status_code == 403


def test_the_settings_page_and_api(db, countries, make_user):
    viewer = client_for(make_user(country="CHN", kind="competent_authority", role="viewer"))
    assert viewer.get("/api/v1/nps/signal-settings").json()["spread_countries"] == 3
    assert (
        viewer.put(
            "/api/v1/nps/signal-settings",
            {"spread_countries": 4, "spread_months": 6},
            content_type="application/json",
        ).status_code
        == 403
    )
    page = viewer.get("/nps/signals/settings/").content.decode()
    assert "signal-settings-form" not in page and "3 countries or more" in page
    officer = client_for(make_user(kind="international", role="officer"))
    answer = officer.put(
        "/api/v1/nps/signal-settings",
        {"spread_countries": 4, "spread_months": 6, "version": 1},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["version"] == 2
    stale = officer.put(
        "/api/v1/nps/signal-settings",
        {"spread_countries": 5, "spread_months": 6, "version": 1},
        content_type="application/json",
    )
    assert stale.status_code == 409
    bad = officer.post("/nps/signals/settings/", {"spread_countries": "1", "spread_months": "6"})
    assert bad.status_code == 422
    saved = officer.post(
        "/nps/signals/settings/", {"spread_countries": "5", "spread_months": "9", "version": "2"}
    )
    assert saved.status_code == 302
    assert "5 countries or more within 9" in viewer.get("/nps/signals/settings/").content.decode()
