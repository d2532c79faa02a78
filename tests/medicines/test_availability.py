"""Availability on a hand-computed fixture: S-DDD per million inhabitants per day per drug
and for the opioid analgesics together (methadone apart), INCB's levels, the need-based
ratio and its levels, the region's average; figures follow the consumption their reader
may see; the statistics are saved all or nothing with each problem named."""

import dataclasses

import pytest

from drugcontrol.core.errors import PermissionDenied, ValidationFailed
from drugcontrol.medicines import availability, statistics
from drugcontrol.medicines.models import Consumption, EstimateStatus, PopulationFigure

pytestmark = pytest.mark.django_db
YEAR = 2020


@pytest.fixture
def kenya(make_user):
    return make_user(country="KEN", kind="competent_authority", role="officer")


@pytest.fixture
def india(make_user):
    return make_user(country="IND", kind="competent_authority", role="officer")


@pytest.fixture
def secretariat(make_user):
    return make_user(kind="international", role="officer")


@pytest.fixture
def figures(secretariat):
    """Kenya: 50 million inhabitants, 30,000 deaths from cancer and 20,000 from HIV/AIDS;
    36.5 kg of morphine (S-DDD 100 mg), 0.0219 kg of fentanyl (0.6 mg), 9.125 kg of
    methadone (25 mg) and 1 kg of hydrocodone (not an opioid analgesic INCB counts).
    Germany: 80 million, 200,000 deaths from cancer, none from HIV; 3,504 kg of morphine."""
    statistics.population_record_many(
        actor=secretariat,
        figures=[
            {"country": "KEN", "year": YEAR, "population": 50_000_000,
             "cancer_deaths": 30_000, "hiv_deaths": 20_000, "source": "fixture"},
            {"country": "DEU", "year": YEAR, "population": "80000000",
             "cancer_deaths": "200000", "hiv_deaths": "0"},
        ],
    )  # fmt: skip
    statistics.consumption_record_many(
        actor=secretariat,
        figures=[
            {"country": "KEN", "year": YEAR, "substance": "Morphine", "quantity_kg": "36.5"},
            {"country": "KEN", "year": YEAR, "substance": "Fentanyl", "quantity_kg": "0.0219"},
            {"country": "KEN", "year": YEAR, "substance": "Methadone", "quantity_kg": "9.125"},
            {"country": "KEN", "year": YEAR, "substance": "Hydrocodone", "quantity_kg": "1"},
            {"country": "DEU", "year": YEAR, "substance": "Morphine", "quantity_kg": "3504"},
        ],
    )


def _row(rows, country):
    return next(row for row in rows if row.country == country)


def test_sddd_per_million_per_day_and_levels_on_a_hand_computed_fixture(figures, kenya):
    rows = availability.table(kenya)
    kenya_row = _row(rows, "KEN")
    # 36.5 kg = 36,500,000 mg / 100 mg = 365,000 doses / 365 days = 1,000 a day / 50 million.
    assert kenya_row.by_drug["morphine"] == pytest.approx(20.0)
    # 21,900 mg / 0.6 mg = 36,500 doses / 365 = 100 a day / 50 million = 2.
    assert kenya_row.by_drug["fentanyl"] == pytest.approx(2.0)
    assert kenya_row.opioids == pytest.approx(22.0)
    # Methadone apart: 9,125,000 mg / 25 mg / 365 / 50 = 20; not in the opioids' 22.
    assert kenya_row.apart == pytest.approx(20.0)
    assert "hydrocodone" not in kenya_row.by_drug
    assert kenya_row.level.code == "very inadequate"  # from 1 to below 100
    # Need: 30,000 x 0.6 x 100 days + 20,000 x 0.5 x 90 days = 2,700,000 doses a year;
    # consumed: 22 x 365 x 50 = 401,500 doses; 401,500 / 2,700,000 = 0.1487.
    assert kenya_row.need_doses == pytest.approx(2_700_000)
    assert kenya_row.need_ratio == pytest.approx(401_500 / 2_700_000)
    assert kenya_row.need_level.code == "low"  # from 0.1 to below 0.3
    germany = _row(rows, "DEU")
    # 3,504,000,000 mg / 100 / 365 = 96,000 a day / 80 million = 1,200: adequate (1,000+).
    assert germany.opioids == pytest.approx(1200.0)
    assert germany.level.code == "adequate"
    # 1,200 x 365 x 80 = 35,040,000 doses against 200,000 x 0.6 x 100 = 12,000,000.
    assert germany.need_ratio == pytest.approx(2.92)
    assert germany.need_level.code == "adequate"
    # The region's average weighs each country by its population.
    assert availability.region_series(rows, {"KEN", "DEU"}) == [
        (YEAR, pytest.approx((22 * 50 + 1200 * 80) / 130))
    ]


def test_the_database_s_sums_agree_with_the_detail(figures, kenya, india, secretariat):
    statistics.consumption_record_many(
        actor=india,
        figures=[{"country": "IND", "year": YEAR, "substance": "Codeine", "quantity_kg": "5"}],
    )
    for reader in (kenya, india, secretariat):
        detailed = availability.table(reader)
        summed = availability.table(reader, detail=False)
        assert [(r.country, r.year) for r in summed] == [(r.country, r.year) for r in detailed]
        for one, other in zip(detailed, summed, strict=True):
            assert other.opioids == pytest.approx(one.opioids)
            assert other.apart == pytest.approx(one.apart)
            assert (other.level, other.need_level) == (one.level, one.need_level)
            assert other.not_counted == one.not_counted and other.by_drug == {}


def test_level_boundaries_are_inclusive_lower_bounds():
    levels = availability.reference().levels
    assert availability.level_of(1000, levels).code == "adequate"
    assert availability.level_of(999.99, levels).code == "moderate"
    assert availability.level_of(100, levels).code == "inadequate"
    assert availability.level_of(99.9, levels).code == "very inadequate"
    assert availability.level_of(0.5, levels).code == "virtually non-existent"
    assert availability.level_of(None, levels) is None


def test_a_drug_without_an_sddd_is_not_counted_but_named(figures, kenya, monkeypatch):
    reference = availability.reference()
    without = dataclasses.replace(reference, sddd_mg={**reference.sddd_mg, "fentanyl": None})
    monkeypatch.setattr(availability, "reference", lambda: without)
    for detail in (True, False):
        kenya_row = _row(availability.table(kenya, detail=detail), "KEN")
        assert kenya_row.opioids == pytest.approx(20.0)
        assert kenya_row.not_counted == ["fentanyl"]


def test_without_population_there_is_no_figure(secretariat, kenya):
    statistics.consumption_record_many(
        actor=secretariat,
        figures=[{"country": "KEN", "year": YEAR, "substance": "Morphine", "quantity_kg": "1"}],
    )
    row = _row(availability.table(kenya), "KEN")
    assert row.population is None and row.opioids is None and row.level is None


def test_figures_follow_the_consumption_their_reader_may_see(figures, kenya, india, secretariat):
    statistics.population_record_many(
        actor=secretariat,
        figures=[{"country": "IND", "year": YEAR, "population": 1_000_000_000}],
    )
    result = statistics.consumption_record_many(
        actor=india,
        figures=[{"country": "IND", "year": YEAR, "substance": "Morphine", "quantity_kg": "365"}],
    )
    assert result == {"new": 1, "changed": 0, "unchanged": 0}
    assert Consumption.objects.get(country_id="IND").status == EstimateStatus.SUBMITTED
    # 365 kg / 100 mg / 365 days / 1,000 million = 10. Reported, not yet published: India
    # and the secretariat count it, Kenya does not.
    assert "IND" not in {row.country for row in availability.table(kenya)}
    assert _row(availability.table(india), "IND").opioids == pytest.approx(10.0)
    assert _row(availability.table(secretariat), "IND").opioids == pytest.approx(10.0)
    assert statistics.consumption_confirm(actor=secretariat, country="IND", year=YEAR) == 1
    assert _row(availability.table(kenya), "IND").opioids == pytest.approx(10.0)
    with pytest.raises(ValidationFailed) as nothing_left:
        statistics.consumption_confirm(actor=secretariat, country="IND", year=YEAR)
    assert "year" in nothing_left.value.details
    with pytest.raises(PermissionDenied):
        statistics.consumption_confirm(actor=india, country="IND", year=YEAR)


def test_a_country_changing_a_published_figure_sends_it_back_for_publication(figures, kenya, india):
    row = Consumption.objects.get(country_id="KEN", substance__name_en="Morphine")
    assert row.status == EstimateStatus.CONFIRMED
    result = statistics.consumption_record_many(
        actor=kenya,
        figures=[
            {"country": "KEN", "year": YEAR, "substance": "Morphine",
             "quantity_kg": "40", "version": row.version},
        ],
    )  # fmt: skip
    assert result["changed"] == 1
    row.refresh_from_db()
    assert (row.quantity_kg, row.status, row.version) == (40, EstimateStatus.SUBMITTED, 2)
    # India no longer reads it (until published); Kenya's figures count it.
    assert _row(availability.table(kenya), "KEN").by_drug["morphine"] == pytest.approx(
        40 / 36.5 * 20
    )
    assert _row(availability.table(india), "KEN").by_drug.get("morphine") is None
    with pytest.raises(ValidationFailed) as stale:
        statistics.consumption_record_many(
            actor=kenya,
            figures=[
                {"country": "KEN", "year": YEAR, "substance": "Morphine",
                 "quantity_kg": "41", "version": 1},
            ],
        )  # fmt: skip
    assert "version" in stale.value.details[0]


@pytest.mark.parametrize(
    ("figure", "field"),
    [
        ({"quantity_kg": "-1"}, "quantity_kg"),
        ({"quantity_kg": "abc"}, "quantity_kg"),
        ({"quantity_kg": "1e400"}, "quantity_kg"),
        ({"quantity_kg": ""}, "quantity_kg"),
        ({"substance": "Unobtainium"}, "substance"),
        ({"substance": "Caffeine"}, "substance"),
        ({"country": "XXX"}, "country"),
        ({"country": "IND"}, "country"),  # another country's figure
        ({"year": "1800"}, "year"),
        ({"year": "2999"}, "year"),
        ({"year": "twenty"}, "year"),
    ],
)
def test_bad_consumption_is_refused_naming_the_field_and_nothing_is_saved(kenya, figure, field):
    good = {"country": "KEN", "year": YEAR, "substance": "Codeine", "quantity_kg": "5"}
    with pytest.raises(ValidationFailed) as refused:
        statistics.consumption_record_many(actor=kenya, figures=[good, {**good, **figure}])
    assert field in refused.value.details[1]
    assert 0 not in refused.value.details
    assert not Consumption.objects.exists()


@pytest.mark.parametrize(
    ("figure", "field"),
    [
        ({"population": "0"}, "population"),
        ({"population": "3000000000"}, "population"),
        ({"population": "1.5"}, "population"),
        ({"cancer_deaths": "-3"}, "cancer_deaths"),
        ({"population": "1000", "hiv_deaths": "2000"}, "hiv_deaths"),
        ({"source": "x" * 201}, "source"),
    ],
)
def test_bad_population_is_refused_naming_the_field(secretariat, figure, field):
    good = {"country": "KEN", "year": YEAR, "population": "50000000", "cancer_deaths": "1"}
    with pytest.raises(ValidationFailed) as refused:
        statistics.population_record_many(actor=secretariat, figures=[{**good, **figure}])
    assert field in refused.value.details[0]
    assert not PopulationFigure.objects.exists()


def test_only_the_secretariat_keeps_population(kenya):
    with pytest.raises(PermissionDenied):
        statistics.population_record_many(
            actor=kenya, figures=[{"country": "KEN", "year": YEAR, "population": "5"}]
        )


def test_the_same_figure_twice_in_one_lot_is_refused(secretariat):
    figure = {"country": "KEN", "year": YEAR, "substance": "Codeine", "quantity_kg": "5"}
    with pytest.raises(ValidationFailed) as refused:
        statistics.consumption_record_many(
            actor=secretariat, figures=[figure, {**figure, "substance": "codeine"}]
        )
    assert "file" in refused.value.details
