"""Consumption, population and availability through the API and the import pages: who reads
a consumption figure (check_scope), population as shared reference data, availability
computed from what the caller may read, and files imported all or nothing with each
problem named by row and column."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.imports import import_now
from drugcontrol.core.testing import ScopeTarget, check_scope
from drugcontrol.medicines import statistics
from drugcontrol.medicines.models import Consumption, Estimate, EstimateStatus, PopulationFigure
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db
V1 = "/api/v1/medicines"
YEAR = 2021


@pytest.fixture
def kenya(make_user):
    return make_user(country="KEN", kind="competent_authority", role="officer")


@pytest.fixture
def germany(make_user):
    return make_user(country="DEU", kind="law_enforcement", role="viewer")


@pytest.fixture
def secretariat(make_user):
    return make_user(kind="international", role="officer")


def _report(actor, country="KEN", kg="36.5", year=YEAR):
    statistics.consumption_record_many(
        actor=actor,
        figures=[{"country": country, "year": year, "substance": "Morphine", "quantity_kg": kg}],
    )
    return Consumption.objects.get(country_id=country, year=year, substance__name_en="Morphine")


def test_reported_consumption_is_read_by_its_country_and_the_secretariat(
    kenya, germany, secretariat
):
    reported = _report(kenya)
    target = ScopeTarget(
        record_id=reported.pk,
        list_url=f"{V1}/consumption",
        detail_url=f"{V1}/consumption/{reported.pk}",
        list_page_url="/medicines/countries/ken/",
        page_marker=f'data-year="{YEAR}"',
    )
    check_scope(
        target, own_country_user=kenya, other_country_user=germany, international_user=secretariat
    )
    statistics.consumption_confirm(actor=secretariat, country="KEN", year=YEAR)
    check_scope(
        target,
        own_country_user=kenya,
        other_country_user=germany,
        international_user=secretariat,
        other_countries_see=True,
    )


def test_population_is_shared_reference_data(kenya, germany, secretariat):
    statistics.population_record_many(
        actor=secretariat, figures=[{"country": "KEN", "year": YEAR, "population": "50000000"}]
    )
    figure = PopulationFigure.objects.get()
    target = ScopeTarget(record_id=figure.pk, list_url=f"{V1}/population")
    check_scope(
        target,
        own_country_user=kenya,
        other_country_user=germany,
        international_user=secretariat,
        other_countries_see=True,
    )


def test_availability_follows_what_the_caller_may_read(kenya, germany, secretariat):
    statistics.population_record_many(
        actor=secretariat,
        figures=[{"country": "KEN", "year": YEAR, "population": "50000000",
                  "cancer_deaths": "30000", "hiv_deaths": "20000"}],
    )  # fmt: skip
    _report(kenya)
    seen = signed_in(kenya).get(f"{V1}/availability?country=KEN").json()["items"]
    assert len(seen) == 1
    row = seen[0]
    assert row["opioid_analgesics"] == pytest.approx(20.0)
    assert row["level"] == "very inadequate" and row["level_verified"] is False
    assert row["drugs"] == [
        {"substance": "Morphine", "sddd_per_million_per_day": pytest.approx(20.0),
         "sddd_verified": False}
    ]  # fmt: skip
    assert row["need_ratio"] == pytest.approx(20 * 365 * 50 / 2_700_000)
    # Germany does not read Kenya's unpublished report, so no figure rests on it.
    assert signed_in(germany).get(f"{V1}/availability?country=KEN").json()["items"] == []
    assert signed_in(germany).get(f"{V1}/availability").status_code == 200


def test_the_api_refuses_bad_figures_naming_each_and_saves_nothing(kenya, secretariat):
    response = signed_in(kenya).post(
        f"{V1}/consumption",
        {
            "figures": [
                {"country": "KEN", "year": YEAR, "substance": "Codeine", "quantity_kg": "2"},
                {"country": "KEN", "year": YEAR, "substance": "Morphine", "quantity_kg": "-2"},
                {"country": "KEN", "year": YEAR, "substance": "Nonexistine", "quantity_kg": "1"},
            ]
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert set(details) == {"1", "2"}
    assert "quantity_kg" in details["1"] and "substance" in details["2"]
    assert not Consumption.objects.exists()
    refused = signed_in(kenya).post(
        f"{V1}/population",
        {"figures": [{"country": "KEN", "year": YEAR, "population": 5}]},
        content_type="application/json",
    )
    assert refused.status_code == 403
    published = signed_in(secretariat).post(
        f"{V1}/consumption/publish",
        {"country": "KEN", "year": YEAR},
        content_type="application/json",
    )
    assert published.status_code == 422


def _import(actor, kind, text: str):
    return import_now(
        actor=actor,
        kind=kind,
        upload=SimpleUploadedFile(f"{kind}.csv", text.encode(), content_type="text/csv"),
    )


def test_a_consumption_file_is_imported_all_or_nothing_naming_rows_and_columns(kenya, secretariat):
    good = (
        "country,year,substance,quantity_kg\n"
        f"KEN,{YEAR},Morphine,36.5\n"
        f"KEN,{YEAR},Fentanyl,0.0219\n"
    )
    assert _import(kenya, "medicines.consumption", good) == {
        "rows": 2, "new": 2, "changed": 0, "unchanged": 0
    }  # fmt: skip
    assert set(Consumption.objects.values_list("status", flat=True)) == {EstimateStatus.SUBMITTED}
    bad = (
        "country,year,substance,quantity_kg\n"
        f"KEN,{YEAR},Morphine,40\n"
        f"DEU,{YEAR},Codeine,1\n"  # another country's figure
        f"KEN,{YEAR},Codeine,lots\n"
    )
    with pytest.raises(ValidationFailed) as refused:
        _import(kenya, "medicines.consumption", bad)
    details = refused.value.details
    assert set(details) == {"row 3", "row 4"}
    assert details["row 3"] == {"country": ["You report only your own country's consumption."]}
    assert set(details["row 4"]) == {"quantity_kg"}
    assert Consumption.objects.get(substance__name_en="Morphine").quantity_kg == 36.5
    # The secretariat's file is published as imported, and replaces what is on file.
    assert _import(secretariat, "medicines.consumption", good)["changed"] == 2
    assert set(Consumption.objects.values_list("status", flat=True)) == {EstimateStatus.CONFIRMED}


def test_population_and_estimate_files(kenya, secretariat):
    with pytest.raises(ValidationFailed) as refused:
        _import(
            secretariat,
            "medicines.population",
            "country,year,population,cancer_deaths\n"
            f"KEN,{YEAR},50000000,30000\n"
            f"KEN,{YEAR + 1},1000,5000\n",
        )
    assert set(refused.value.details) == {"row 3"}
    assert "cancer_deaths" in refused.value.details["row 3"]
    assert not PopulationFigure.objects.exists()
    with pytest.raises(ValidationFailed) as missing:
        _import(secretariat, "medicines.population", "country,year\nKEN,2020\n")
    assert "file" in missing.value.details
    result = _import(
        kenya,
        "medicines.estimates",
        "country,year,substance,consumption_kg,stock_kg\n"
        f"KEN,{YEAR + 4},Morphine,12,2\n"
        f"KEN,{YEAR + 4},Codeine,40,\n",
    )
    assert result["imported"] == 2
    morphine = Estimate.objects.get(substance__name_en="Morphine")
    assert morphine.initial_kg == 14 and morphine.status == EstimateStatus.SUBMITTED
    with pytest.raises(ValidationFailed) as twice:
        _import(
            kenya,
            "medicines.estimates",
            "country,year,substance,consumption_kg\n"
            f"KEN,{YEAR + 4},Fentanyl,1\n"
            f"KEN,{YEAR + 4},fentanyl,2\n",
        )
    assert set(twice.value.details) == {"row 3"}
    assert not Estimate.objects.filter(substance__name_en="Fentanyl").exists()


def test_the_availability_pages_show_the_map_the_list_and_the_chart(kenya, secretariat):
    statistics.population_record_many(
        actor=secretariat,
        figures=[
            {"country": "KEN", "year": YEAR, "population": "50000000"},
            {"country": "DEU", "year": YEAR, "population": "80000000"},
        ],
    )
    _report(secretariat)
    _report(secretariat, country="DEU", kg="3504")
    for language, lacking_heading in (("en", "inadequate"), ("zh-hans", "不足")):
        client = signed_in(kenya)
        client.cookies["django_language"] = language
        page = client.get("/medicines/availability/").content.decode()
        assert 'id="c-KEN" class="country filled"' in page
        assert 'id="c-DEU" class="country filled"' in page
        assert 'data-testid="lacking-row" data-country="KEN"' in page
        assert 'data-testid="lacking-row" data-country="DEU"' not in page
        assert lacking_heading in page
        assert 'data-testid="comparison-chart"' in page
        country = client.get("/medicines/countries/ken/").content.decode()
        assert 'data-testid="trend-chart"' in country and 'class="point"' in country
        assert f'data-year="{YEAR}"' in country
    csv_text = signed_in(kenya).get("/medicines/availability/?format=csv").content.decode()
    assert csv_text.splitlines()[0].startswith("country,year,population")
    assert f"KEN,{YEAR},50000000,20.000" in csv_text
