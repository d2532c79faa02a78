"""Illicit crops by country and first-level region, and alternative development programmes:
figures checked against a fixture computed by hand (the numbers in the comments), a region
of another country refused, programmes recorded within their rules, and the API and pages
in both languages."""

import decimal

import pytest
from django.utils import timezone

from drugcontrol.core.errors import Conflict, PermissionDenied, ValidationFailed
from drugcontrol.core.models import AuditEvent
from drugcontrol.core.testing import ScopeTarget, check_scope
from drugcontrol.monitoring import crops, selectors, services
from drugcontrol.monitoring.exchange.cells import definitions as file_definitions
from drugcontrol.monitoring.exchange.cells import template_cells
from drugcontrol.monitoring.models import CategoryOption, DevelopmentProgramme
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db
D = decimal.Decimal
V1 = "/api/v1/monitoring"
OPIUM = {"crop": "opium_poppy"}


def crop_cells(year_extra=0):
    """Afghanistan's opium poppy: 1,000 ha nationally at 25 kg/ha, 50 ha eradicated by hand
    and 30 by spraying; Helmand 400 ha at its own 30 kg/ha, Kandahar 300 ha (no yield of its
    own), Badakhshan 200 ha."""
    region = lambda code: {"region": code, **OPIUM}  # noqa: E731
    return [
        services.ValueInput("CULT_HA", OPIUM, str(1000 + year_extra)),
        services.ValueInput("YIELD", OPIUM, "25"),
        services.ValueInput("ERAD_HA", {**OPIUM, "method": "manual"}, "50"),
        services.ValueInput("ERAD_HA", {**OPIUM, "method": "spraying"}, "30"),
        services.ValueInput("CULT_REGION_HA", region("AF-HEL"), str(400 + year_extra)),
        services.ValueInput("YIELD_REGION", region("AF-HEL"), "30"),
        services.ValueInput("CULT_REGION_HA", region("AF-KAN"), "300"),
        services.ValueInput("ERAD_REGION_HA", region("AF-KAN"), "20"),
        services.ValueInput("CULT_REGION_HA", region("AF-BDS"), "200"),
    ]


@pytest.fixture
def afghan(make_user):
    return make_user(country="AFG", kind="competent_authority", role="focal_point")


def open_crops(actor, year):
    dataset = selectors.dataset_get(actor, "CROPS")
    return services.submission_open(actor=actor, country="AFG", dataset=dataset, year=year)


@pytest.fixture
def published_crops(definitions, afghan, secretariat):
    for year, extra in ((2020, 0), (2021, 100)):
        submission = open_crops(afghan, year)
        services.values_set(actor=afghan, submission=submission, items=crop_cells(extra))
        for actor, action in (
            (afghan, "submit"),
            (secretariat, "accept"),
            (secretariat, "publish"),
        ):
            submission = services.submission_act(actor=actor, submission=submission, action=action)
    return afghan


def programme_input(**fields):
    values = {
        "country": "AFG",
        "name": "Helmand food zone",
        "start_year": 2021,
        "regions": ["AF-HEL"],
        "livelihoods": ["saffron", "wheat"],
        "households": "3000",
        "area_ha": "1500.5",
        "funding_usd": "12000000",
    }
    values.update(fields)
    return services.ProgrammeInput(**values)


def test_first_level_regions_are_loaded_with_their_country_and_chinese_names(definitions):
    helmand = CategoryOption.objects.get(category__code="region", code="AF-HEL")
    assert helmand.country_id == "AFG" and helmand.name_en == "Helmand"
    assert helmand.name_zh == "赫尔曼德省"
    assert CategoryOption.objects.filter(category__code="region", country_id="AFG").count() == 34
    assert CategoryOption.objects.filter(category__code="region", country_id="BOL").count() == 9


def test_a_region_of_another_country_is_refused_and_templates_offer_only_their_own(
    definitions, afghan
):
    submission = open_crops(afghan, 2022)
    with pytest.raises(ValidationFailed) as refused:
        services.value_set(
            actor=afghan,
            submission=submission,
            item=services.ValueInput("CULT_REGION_HA", {"region": "CO-ANT", **OPIUM}, "5"),
        )
    assert refused.value.details["region"] == ["CO-ANT is not a region of AFG."]
    cells = template_cells(afghan, file_definitions(), dataset="CROPS", country="AFG", year=2022)
    regions = {cell.options["region"] for cell in cells if "region" in cell.options}
    assert "AF-HEL" in regions and len(regions) == 34
    assert all(code.startswith("AF-") for code in regions)
    # A country without regions on file gets no regional cells.
    cells = template_cells(afghan, file_definitions(), dataset="CROPS", country="DEU", year=2022)
    assert not [cell for cell in cells if "region" in cell.options]


def test_regions_above_the_national_area_are_an_error(definitions, afghan):
    submission = open_crops(afghan, 2022)
    services.values_set(
        actor=afghan,
        submission=submission,
        items=[
            services.ValueInput("CULT_HA", OPIUM, "500"),
            services.ValueInput("CULT_REGION_HA", {"region": "AF-HEL", **OPIUM}, "400"),
            services.ValueInput("CULT_REGION_HA", {"region": "AF-KAN", **OPIUM}, "300"),
        ],
    )
    errors = [v for v in selectors.validation_report(submission) if v.is_error]
    assert [v.rule.code for v in errors] == ["CULT_REGIONS_OPIUM_POPPY"]
    assert (errors[0].left, errors[0].right) == (D(700), D(500))


def test_crop_figures_by_country_and_region(published_crops, secretariat, make_user):
    services.programme_create(actor=published_crops, item=programme_input())
    reader = make_user(country="FRA", kind="law_enforcement", role="viewer")
    rows = crops.crop_figures(reader, country="AFG", year=2021, regions=True)
    national, *regional = rows
    assert (national.region, national.cultivation_ha, national.yield_kg_ha) == ("", 1100, 25)
    assert national.eradication_ha == 80  # 50 by hand + 30 sprayed
    assert national.eradication_by_method == {"manual": 50, "spraying": 30}
    assert national.potential_production_kg == 27500  # 1,100 ha x 25 kg/ha
    by_region = {row.region: row for row in regional}
    assert list(by_region) == ["AF-BDS", "AF-HEL", "AF-KAN"]
    helmand, kandahar = by_region["AF-HEL"], by_region["AF-KAN"]
    assert helmand.potential_production_kg == 15000  # 500 ha x its own 30 kg/ha
    assert not helmand.yield_is_national and helmand.in_programme
    assert kandahar.potential_production_kg == 7500  # 300 ha x the national 25 kg/ha
    assert kandahar.yield_is_national and kandahar.eradication_ha == 20
    assert not kandahar.in_programme
    # 2020: the programme (from 2021) did not run yet.
    assert not any(row.in_programme for row in crops.crop_figures(reader, year=2020, regions=True))
    # Inside the programme area (Helmand) and in the rest, the same regions both years.
    comparison = crops.programme_comparison(reader, "AFG", "opium_poppy")
    assert [(c.year, c.inside_ha, c.outside_ha) for c in comparison] == [
        (2020, 400, 500),
        (2021, 500, 500),
    ]
    assert [c.programmes_running for c in comparison] == [0, 1]
    assert comparison[1].share_inside == 50


def test_unpublished_crop_figures_stay_out(definitions, afghan, make_user):
    submission = open_crops(afghan, 2022)
    services.values_set(actor=afghan, submission=submission, items=crop_cells())
    reader = make_user(country="FRA", kind="law_enforcement", role="viewer")
    assert crops.crop_figures(reader, regions=True) == []
    answer = signed_in(reader).get(f"{V1}/crops?regions=true").json()
    assert answer["count"] == 0
    page = signed_in(reader).get("/monitoring/crops/AFG/").content.decode()
    assert 'data-testid="region-row"' not in page


def test_a_programme_is_recorded_by_its_country_or_the_secretariat(
    definitions, afghan, secretariat, make_user
):
    programme = services.programme_create(actor=afghan, item=programme_input())
    assert [r.code for r in programme.regions.all()] == ["AF-HEL"]
    assert programme.households == 3000 and programme.area_ha == D("1500.50")
    event = AuditEvent.objects.get(action="monitoring.programme_created")
    assert event.after["regions"] == ["AF-HEL"] and event.after["livelihoods"] == [
        "saffron",
        "wheat",
    ]
    services.programme_create(actor=secretariat, item=programme_input(name="Second"))
    colombian = make_user(country="COL", kind="competent_authority", role="officer")
    with pytest.raises(PermissionDenied):
        services.programme_create(actor=colombian, item=programme_input(name="Not theirs"))
    viewer = make_user(country="AFG", kind="competent_authority", role="viewer")
    with pytest.raises(PermissionDenied):
        services.programme_create(actor=viewer, item=programme_input(name="Viewer"))
    assert DevelopmentProgramme.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": " "}, "name", "This field is required."),
        ({"end_year": 2019}, "end_year", "The last year cannot come before the first."),
        ({"start_year": "20x1"}, "start_year", "Not a whole number."),
        ({"start_year": 1200}, "start_year", None),
        ({"regions": ["CO-ANT"]}, "regions", "CO-ANT is not a region of AFG."),
        ({"livelihoods": ["opium"]}, "livelihoods", "Unknown crop or product: opium."),
        ({"households": "-3"}, "households", None),
        ({"area_ha": "1e400"}, "area_ha", None),
        ({"funding_usd": "NaN"}, "funding_usd", "Not a number."),
        ({"name": "A\u202eB"}, "name", None),
        ({"summary": "x" * 4001}, "summary", "At most 4000 characters (this has 4001)."),
        ({"regions": "AF-HEL;AF-KAN"}, "regions", None),
        ({"livelihoods": [3]}, "livelihoods", "Give a list of codes."),
    ],
)
def test_bad_programme_input_is_refused_naming_the_field(
    definitions, afghan, fields, field, message
):
    with pytest.raises(ValidationFailed) as refused:
        services.programme_create(actor=afghan, item=programme_input(**fields))
    assert field in refused.value.details
    if message:
        assert refused.value.details[field] == [message]
    assert not DevelopmentProgramme.objects.exists()


def test_a_stale_change_is_a_conflict_and_nothing_changes(definitions, afghan):
    programme = services.programme_create(actor=afghan, item=programme_input())
    changed = services.programme_update(
        actor=afghan,
        programme=programme,
        item=programme_input(name="Renamed", regions=["AF-HEL", "AF-KAN"]),
        expected_version=1,
    )
    assert (changed.name, changed.version) == ("Renamed", 2)
    assert sorted(r.code for r in changed.regions.all()) == ["AF-HEL", "AF-KAN"]
    event = AuditEvent.objects.get(action="monitoring.programme_changed")
    assert event.before["name"] == "Helmand food zone" and event.after["name"] == "Renamed"
    with pytest.raises(Conflict):
        services.programme_update(
            actor=afghan, programme=changed, item=programme_input(name="Late"), expected_version=1
        )
    assert DevelopmentProgramme.objects.get().name == "Renamed"


def test_programmes_and_crops_through_the_api(published_crops, secretariat, make_user):
    afghan = published_crops
    client = signed_in(afghan)
    body = {
        "country": "AFG",
        "name": "Helmand food zone",
        "start_year": 2021,
        "regions": ["AF-HEL"],
        "livelihoods": ["saffron"],
    }
    created = client.post(f"{V1}/programmes", body, content_type="application/json")
    assert created.status_code == 201, created.content
    programme = created.json()
    assert programme["regions"] == ["AF-HEL"] and programme["version"] == 1
    bad = client.post(
        f"{V1}/programmes", {**body, "regions": ["CO-ANT"]}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert "regions" in bad.json()["error"]["details"]
    url = f"{V1}/programmes/{programme['id']}"
    changed = client.put(url, {**body, "name": "Renamed", "version": 1}, "application/json")
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = client.put(url, {**body, "name": "Late", "version": 1}, "application/json")
    assert stale.status_code == 409
    colombian = signed_in(make_user(country="COL", kind="competent_authority", role="officer"))
    assert colombian.put(url, {**body, "version": 2}, "application/json").status_code == 403
    listed = colombian.get(f"{V1}/programmes?country=AFG&year=2022").json()["items"]
    assert [p["name"] for p in listed] == ["Renamed"]
    assert colombian.get(f"{V1}/programmes?year=2020").json()["count"] == 0
    figures = colombian.get(f"{V1}/crops?country=AFG&year=2021&regions=true").json()["items"]
    assert [(f["region"], f["potential_production_kg"]) for f in figures] == [
        ("", "27500.000000"),
        ("AF-BDS", "5000.000000"),
        ("AF-HEL", "15000.000000"),
        ("AF-KAN", "7500.000000"),
    ]
    assert [f["in_programme"] for f in figures] == [False, False, True, False]


def test_programme_scope(definitions, afghan, secretariat, make_user):
    programme = services.programme_create(actor=afghan, item=programme_input())
    check_scope(
        ScopeTarget(
            record_id=programme.pk,
            list_url=f"{V1}/programmes",
            detail_url=f"{V1}/programmes/{programme.pk}",
            page_url=f"/monitoring/programmes/{programme.pk}/",
            list_page_url="/monitoring/crops/",
            page_marker=f'href="/monitoring/programmes/{programme.pk}/"',
        ),
        own_country_user=afghan,
        other_country_user=make_user(country="DEU", kind="law_enforcement", role="viewer"),
        international_user=secretariat,
        other_countries_see=True,  # programmes are public knowledge
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_crop_pages_with_map_chart_and_comparison(published_crops, make_user, language):
    services.programme_create(actor=published_crops, item=programme_input())
    reader = signed_in(
        make_user(country="FRA", kind="law_enforcement", role="viewer", preferred_language=language)
    )
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    overview = reader.get("/monitoring/crops/", **headers).content.decode()
    assert 'class="route-map choropleth crops-map"' in overview and 'id="c-AFG"' in overview
    assert 'data-testid="crop-row" data-country="AFG"' in overview
    assert 'data-testid="programme-row"' in overview
    assert 'data-testid="programme-new"' not in overview  # a viewer records nothing
    country = reader.get("/monitoring/crops/AFG/?year=2021", **headers).content.decode()
    assert country.count('data-testid="region-row"') == 3
    assert 'data-region="AF-HEL" data-programme="yes"' in country
    assert 'data-testid="comparison-row" data-year="2021"' in country
    assert "<polyline" in country  # the two lines of the comparison
    if language == "zh-hans":
        assert "非法作物与替代发展" in overview
        assert "藏红花、小麦" in overview  # listed as Chinese lists
        assert "赫尔曼德省" in country and "方案区域内" in country
    else:
        assert "Helmand" in country and "Inside programme areas" in country
        assert "Saffron, Wheat" in overview
    csv = reader.get("/monitoring/crops/AFG/?format=csv").content.decode()
    assert csv.splitlines()[0].startswith("country,year,crop,region,cultivation_ha")
    assert "AFG,2021,opium_poppy,AF-HEL,500,,30,15000,yes" in csv
    assert reader.get("/monitoring/crops/XYZ/").status_code == 404


def test_a_programme_is_recorded_and_changed_on_its_page(definitions, afghan):
    client = signed_in(afghan)
    form = client.get("/monitoring/programmes/new/").content.decode()
    assert 'value="AF-HEL"' in form and 'value="CO-ANT"' not in form
    posted = client.post(
        "/monitoring/programmes/new/",
        {"name": "Helmand food zone", "start_year": "2021", "end_year": "2019"},
    )
    assert posted.status_code == 400
    assert "The last year cannot come before the first." in posted.content.decode()
    posted = client.post(
        "/monitoring/programmes/new/",
        {
            "name": "Helmand food zone",
            "start_year": "2021",
            "regions": ["AF-HEL"],
            "livelihoods": ["saffron"],
        },
    )
    programme = DevelopmentProgramme.objects.get()
    assert posted.status_code == 302 and posted["Location"].endswith(f"/{programme.pk}/")
    page = client.get(posted["Location"]).content.decode()
    assert "Saffron" in page and "Helmand" in page
    stale = client.post(posted["Location"], {"name": "Late", "start_year": "2021", "version": "0"})
    assert stale.status_code == 400 and DevelopmentProgramme.objects.get().name != "Late"
    saved = client.post(
        posted["Location"], {"name": "Renamed", "start_year": "2021", "version": "1"}
    )
    assert saved.status_code == 302 and DevelopmentProgramme.objects.get().name == "Renamed"


def test_the_definitions_page_counts_regions_by_country_rather_than_listing_them(
    definitions, afghan
):
    page = signed_in(afghan).get("/monitoring/definitions/").content.decode()
    assert "Afghanistan: 34" in page and "Colombia: 33" in page
    assert "Helmand" not in page
    grid_labels = [
        option.label
        for option in selectors.country_regions(afghan, "LAO")
        if option.name == "Viangchan"
    ]
    assert grid_labels == ["Viangchan (LA-VI)", "Viangchan (LA-VT)"]


def test_figures_at_the_bounds_never_break_the_lists(definitions, afghan, secretariat, make_user):
    submission = open_crops(afghan, 2022)
    with pytest.raises(ValidationFailed) as refused:
        services.value_set(
            actor=afghan, submission=submission, item=services.ValueInput("CULT_HA", OPIUM, "1e12")
        )
    assert "value" in refused.value.details  # beyond the 5,000,000 ha an element takes
    services.values_set(
        actor=afghan,
        submission=submission,
        items=[
            services.ValueInput("CULT_HA", OPIUM, "5000000"),
            services.ValueInput("YIELD", OPIUM, "100000"),
        ],
    )
    for actor, action in ((afghan, "submit"), (secretariat, "accept"), (secretariat, "publish")):
        submission = services.submission_act(actor=actor, submission=submission, action=action)
    reader = signed_in(make_user(country="DEU", kind="law_enforcement", role="viewer"))
    figures = reader.get(f"{V1}/crops").json()["items"]
    assert figures[0]["potential_production_kg"] == "500000000000.000000"
    assert reader.get("/monitoring/crops/?format=csv").status_code == 200


def test_the_region_table_follows_the_chosen_crop_and_names_twin_regions(
    published_crops, make_user
):
    reader = signed_in(make_user(country="FRA", kind="law_enforcement", role="viewer"))
    page = reader.get("/monitoring/crops/AFG/?year=2021&crop=coca_bush").content.decode()
    assert 'data-region="AF-HEL"' in page  # no coca: the first crop with regions is shown
    deu = reader.get("/monitoring/crops/DEU/").content.decode()
    assert "its figures are national only" in deu
    lao = make_user(country="LAO", kind="competent_authority", role="officer")
    programme = services.programme_create(
        actor=lao,
        item=programme_input(country="LAO", regions=["LA-VI", "LA-VT"], name="Vientiane"),
    )
    page = signed_in(lao).get(f"/monitoring/programmes/{programme.pk}/").content.decode()
    assert "Viangchan (LA-VI), Viangchan (LA-VT)" in page


def test_a_programme_does_not_move_and_may_be_planned(definitions, afghan, secretariat):
    client = signed_in(afghan)
    programme = services.programme_create(
        actor=afghan,
        item=programme_input(
            start_year=timezone.localdate().year + 1, end_year=timezone.localdate().year + 5
        ),
    )
    moved = client.put(
        f"{V1}/programmes/{programme.pk}",
        {"name": "Moved", "start_year": 2020, "country": "COL"},
        "application/json",
    )
    assert moved.status_code == 422 and "country" in moved.json()["error"]["details"]
    secretariat_client = signed_in(secretariat)
    lost = secretariat_client.post(
        "/monitoring/programmes/new/", {"name": "X", "start_year": "2020"}
    )
    assert lost.status_code == 302, lost
    assert lost["Location"] == "/monitoring/programmes/new/", lost["Location"]
    assert DevelopmentProgramme.objects.count() == 1
    page = secretariat_client.get(lost["Location"]).content.decode()
    assert "Choose the country first" in page


def test_the_largest_value_taken_reads_back_on_every_database(definitions, provider, use_2024):
    from drugcontrol.monitoring.models import DataValue

    item = services.ValueInput("SEIZ_CASES", {"drug": "cannabis"}, "999999999999999")
    dataset = selectors.dataset_get(provider, "ARQ_SUPPLY")
    supply = services.submission_open(actor=provider, country="CHN", dataset=dataset, year=2024)
    services.value_set(actor=provider, submission=supply, item=item)
    assert DataValue.objects.get(submission=supply).value >= D("999999999999990")
    with pytest.raises(ValidationFailed) as refused:
        services.value_set(
            actor=provider,
            submission=supply,
            item=services.ValueInput("SEIZ_CASES", {"drug": "cocaine"}, "999999999999999999"),
        )
    assert refused.value.details["value"] == ["The number is too large."]
