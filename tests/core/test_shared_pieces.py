"""The pieces every module shares: units, countries, CAS numbers, versioned changes,
references and list filters."""

import datetime
import decimal
from typing import Annotated, Literal

import pytest
from django.db import IntegrityError
from ninja import FilterLookup, FilterSchema

from drugcontrol.core.audit import snapshot
from drugcontrol.core.bounds import RecordId
from drugcontrol.core.countries import country_by_code, country_or_error
from drugcontrol.core.errors import Conflict, ValidationFailed
from drugcontrol.core.filters import filter_form
from drugcontrol.core.models import AuditEvent, Organisation
from drugcontrol.core.quantities import (
    MEASURED_UNIT_CHOICES,
    TransportMode,
    Unit,
    to_kg,
    transport_mode_choices,
)
from drugcontrol.core.sequences import create_with_reference
from drugcontrol.core.versioning import versioned_change
from drugcontrol.substances.cas import cas_is_valid

D = decimal.Decimal


def test_units_convert_to_kilograms():
    assert to_kg(D("2.5"), Unit.T) == D("2500.0")
    assert to_kg(D("750"), "g") == D("0.750")
    assert to_kg(D("2"), Unit.L, density=D("1.049")) == D("2.098")
    assert to_kg(D("500"), Unit.ML, density=D("0.79")) == D("0.39500")
    assert to_kg(D("2"), Unit.L) is None  # a volume without density cannot be weighed
    assert to_kg(D("100"), Unit.TABLETS) is None
    assert [value for value, _ in MEASURED_UNIT_CHOICES] == ["kg", "g", "t", "l", "ml"]


def test_transport_mode_subsets_keep_the_enumeration_order():
    assert transport_mode_choices(TransportMode.UNKNOWN, TransportMode.AIR) == [
        ("air", TransportMode.AIR.label),
        ("unknown", TransportMode.UNKNOWN.label),
    ]


@pytest.mark.parametrize(
    ("cas", "valid"),
    [
        ("7664-93-9", True),
        ("50-00-0", True),
        ("7664-93-8", False),
        ("7664939", False),
        ("", False),
        ("12345678-00-0", False),
        ("1-00-0", False),
    ],
)
def test_cas_check_digit(cas, valid):
    assert cas_is_valid(cas) is valid


def test_country_lookup_by_code(countries):
    assert country_by_code(" chn ").iso3 == "CHN"
    assert country_by_code("") is None
    assert country_by_code("XXX") is None
    with pytest.raises(ValidationFailed) as refused:
        country_or_error("XXX", "importing_country")
    assert list(refused.value.details) == ["importing_country"]


def test_versioned_change_saves_checks_and_records_one_event(make_org, chn_admin):
    organisation = make_org(name="Port authority")
    version = organisation.version
    events = AuditEvent.objects.count()
    with versioned_change(
        organisation,
        expected_version=organisation.version,
        actor=chn_admin,
        action="organisation.updated",
        fields=["name"],
        owner_organisation=organisation,
    ) as change:
        change.record.name = "Port and airport authority"
    organisation.refresh_from_db()
    assert (organisation.name, organisation.version) == ("Port and airport authority", version + 1)
    event = AuditEvent.objects.order_by("-sequence").first()
    assert AuditEvent.objects.count() == events + 1
    assert (event.action, event.before, event.after) == (
        "organisation.updated",
        {"name": "Port authority"},
        snapshot(organisation, ["name"]),
    )
    with (
        pytest.raises(Conflict),  # the version read before the change is stale now
        versioned_change(
            organisation,
            expected_version=organisation.version - 1,
            actor=chn_admin,
            action="organisation.updated",
        ) as change,
    ):
        change.record.name = "Lost"
    organisation.refresh_from_db()
    assert organisation.name == "Port and airport authority"
    assert AuditEvent.objects.count() == events + 1


def test_versioned_change_rolls_back_when_the_block_fails(make_org, chn_admin):
    organisation = make_org(name="Customs")
    version = organisation.version
    with (
        pytest.raises(ValidationFailed),
        versioned_change(
            organisation, expected_version=None, actor=chn_admin, action="organisation.updated"
        ) as change,
    ):
        change.record.name = "Changed"
        raise ValidationFailed({"name": ["no"]})
    organisation.refresh_from_db()
    assert (organisation.name, organisation.version) == ("Customs", version)


def test_reference_allocation_retries_a_number_taken_meanwhile(db):
    from drugcontrol.incidents.models import Incident

    taken = []

    def build(reference):
        taken.append(reference)
        if len(taken) == 1:  # another writer inserted this reference first
            raise IntegrityError("duplicate")
        return reference

    assert create_with_reference(Incident, "X-", build, attempts=2) == "X-000001"
    with pytest.raises(IntegrityError):
        create_with_reference(
            Incident, "X-", lambda ref: (_ for _ in ()).throw(IntegrityError()), attempts=2
        )


class SampleFilter(FilterSchema):
    kind: Literal["air", "sea"] | None = None
    organisation: Annotated[RecordId | None, FilterLookup("pk")] = None
    since: datetime.date | None = None
    text: Annotated[str | None, FilterLookup("name__icontains")] = None


def test_filter_form_binds_the_schema_and_names_the_bad_field():
    form = filter_form(
        SampleFilter,
        {"kind": "sea", "since": "2026-01-31", "text": " port "},
        choices={"organisation": [(4, "Customs")]},
    )
    assert form.filters() == SampleFilter(kind="sea", since=datetime.date(2026, 1, 31), text="port")
    assert not form.errors
    bad = filter_form(SampleFilter, {"kind": "rail", "organisation": "abc", "since": "31/31"})
    assert bad.filters() == SampleFilter()  # no bad value narrows or widens the list
    assert set(bad.errors) == {"kind", "organisation", "since"}
    assert filter_form(SampleFilter, {}).filters() == SampleFilter()
    assert filter_form(SampleFilter, {"kind": "air"}).active


@pytest.mark.django_db
def test_filter_schema_filters_a_queryset(make_org):
    wanted = make_org(name="Port authority")
    make_org(name="Customs")
    form = filter_form(SampleFilter, {"text": "PORT"})
    assert list(form.filters().filter(Organisation.objects.all())) == [wanted]


def test_filter_selects_render_their_options_escaped_with_the_choice_kept():
    form = filter_form(
        SampleFilter,
        {"organisation": "2", "kind": "rail"},
        choices={"organisation": [(1, "A <b>"), (2, "B & C")]},
    )
    form.filters()
    html = str(form["organisation"])
    assert html.startswith('<select name="organisation"')
    assert '<option value="1">A &lt;b&gt;</option>' in html
    assert '<option value="2" selected>B &amp; C</option>' in html
    assert 'aria-invalid="true"' in str(form["kind"])  # "rail" is not one of the kinds
