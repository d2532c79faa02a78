import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from drugcontrol.core.errors import Conflict, PermissionDenied, ValidationFailed
from drugcontrol.core.models import Alert, AuditEvent
from drugcontrol.incidents import selectors, services
from drugcontrol.incidents.models import Incident

from .conftest import report

pytestmark = pytest.mark.django_db


def test_seizure_naming_a_party_on_file_abroad_alerts_that_country(scenario, make_user):
    nld_focal = make_user(country="NLD", role="focal_point")
    incident = report(scenario["a_officer"])
    assert incident.reference.startswith("CHN-") and incident.reference.endswith("000001")
    # B holds the consignee under its pinyin name: B is told and now sees the incident.
    b_alerts = Alert.objects.filter(recipient=scenario["b_focal"])
    assert b_alerts.count() == 1 and b_alerts.get().kind == "party_correlated"
    assert b_alerts.get().record_id == str(incident.pk)
    assert set(incident.audience.values_list("country_id", "reason")) >= {
        ("CHN", "reporter"),
        ("NLD", "role"),
        ("AUS", "role"),
        ("DEU", "correlation"),
    }
    # A transit country is named, so its focal point is told too; C is not.
    assert Alert.objects.filter(recipient=nld_focal, kind="country_named").exists()
    assert not Alert.objects.filter(recipient=scenario["c_focal"]).exists()
    for user in (scenario["a_officer"], scenario["b_focal"]):
        assert selectors.incident_list(user=user).filter(pk=incident.pk).exists()
    assert not selectors.incident_list(user=scenario["c_focal"]).filter(pk=incident.pk).exists()
    event = AuditEvent.objects.filter(action="incidents.incident_created").get()
    assert event.after["correlated_countries"] == ["DEU"]


def test_related_records_follow_what_each_side_may_see(scenario):
    """B holds the party on its own file and, through the correlation, now sees A's
    incident: B is shown the pair. A may not see B's party (on no shared record), so A is
    not told that it exists."""
    incident = report(scenario["a_officer"])
    for_b = selectors.related_records(user=scenario["b_focal"], incident=incident)
    assert for_b[0]["party"] == scenario["b_party"]
    assert selectors.related_records(user=scenario["a_officer"], incident=incident) == []


def test_a_misspelt_latin_name_correlates_too(scenario):
    report(scenario["a_officer"], consignee="Guangzou Tianhe Chemical Co., Ltd.")
    assert Alert.objects.filter(recipient=scenario["b_focal"], kind="party_correlated").exists()


def test_alert_mail_is_queued_after_commit(scenario, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report(scenario["a_officer"])
    queued = DBTaskResult.objects.filter(queue_name="email")
    assert queued.count() == 1  # b@example.org only: the others are not focal points abroad


@pytest.mark.django_db(transaction=True)
def test_alert_mail_is_delivered_by_the_worker(scenario):
    report(scenario["a_officer"])
    call_command(
        "db_worker", batch=True, queue_name="*", startup_delay=False, reload=False, verbosity=0
    )
    recipients = {address for message in mail.outbox for address in message.to}
    assert "b@example.org" in recipients and "c@example.org" not in recipients


def test_incident_alerts_read_in_the_readers_language(scenario):
    incident = report(scenario["a_officer"])
    alert = Alert.objects.get(recipient=scenario["b_focal"])
    reporter = incident.reporting_organisation.name
    assert alert.message_key == "incidents.party_correlated"
    assert alert.params == {
        "reference": incident.reference,
        "kind": "seizure",
        "organisation": reporter,
        "date": incident.occurred_on.isoformat(),
    }
    day = incident.occurred_on
    with translation.override("zh-hans"):
        assert alert.title == f"缉获 {incident.reference} 中的涉案方与贵方存档的涉案方相似"
        assert alert.body.startswith(
            f"{reporter} 于 {day.year}年{day.month}月{day.day}日 报告了 {incident.reference}。"
        )
    with translation.override("en"):
        assert alert.title == (
            f"Seizure {incident.reference} names a party that resembles one on your file"
        )
        assert alert.body.startswith(f"{reporter} reported {incident.reference} on ")


def test_home_only_distribution_raises_no_alert_abroad(scenario):
    incident = report(scenario["a_officer"], distribution="country")
    assert not Alert.objects.exists()
    assert not selectors.incident_list(user=scenario["b_focal"]).filter(pk=incident.pk).exists()


def test_field_errors_name_the_nested_field(scenario):
    raw = {
        "kind": "smuggling",
        "occurred_on": (datetime.date.today() + datetime.timedelta(days=2)).isoformat(),
        "countries": [{"country": "QQQ", "role": "origin"}, {"country": "CHN", "role": "moon"}],
        "substances": [{"substance_id": 999999, "quantity": "-3", "unit": "kg"}, {"quantity": "2"}],
        "parties": [{"role": "consignee", "name": "", "phone": "12"}],
    }
    with pytest.raises(ValidationFailed) as error:
        services.validate_incident(raw)
    assert set(error.value.details) == {
        "kind",
        "occurred_on",
        "countries.0.country",
        "countries.1.role",
        "substances.0.substance_id",
        "substances.0.quantity",
        "substances.1.substance_id",
        "substances.1.unit",
        "parties.0.name",
        "parties.0.phone",
    }


def test_viewers_and_the_secretariat_do_not_report(scenario, make_user, intl_admin):
    viewer = make_user(country="CHN", role="viewer")
    for actor in (viewer, intl_admin):
        with pytest.raises(PermissionDenied):
            report(actor)


def test_reporter_updates_with_version_check(scenario):
    incident = report(scenario["a_officer"])
    updated = services.incident_update(
        actor=scenario["a_officer"], incident=incident, expected_version=1, concealment="machinery"
    )
    assert updated.version == 2 and updated.concealment == "machinery"
    with pytest.raises(Conflict):
        services.incident_update(
            actor=scenario["a_officer"], incident=incident, expected_version=1, form="liquid"
        )
    with pytest.raises(PermissionDenied):
        services.incident_update(
            actor=scenario["b_focal"], incident=incident, expected_version=2, form="liquid"
        )
    with pytest.raises(ValidationFailed):
        services.incident_update(
            actor=scenario["a_officer"], incident=incident, expected_version=2, distribution="all"
        )


def test_adding_a_correlated_party_later_widens_the_audience(scenario):
    incident = report(scenario["a_officer"], consignee="Shenzhen Baoan Logistics")
    assert not Alert.objects.filter(recipient=scenario["b_focal"]).exists()
    data = services.validate_incident(
        {
            "kind": "seizure",
            "occurred_on": incident.occurred_on,
            "parties": [{"role": "exporter", "name": "廣州天河化工有限公司", "country": "CHN"}],
        }
    )
    services.incident_add_party(
        actor=scenario["a_officer"], incident=incident, entry=data.parties[0]
    )
    assert Alert.objects.filter(recipient=scenario["b_focal"]).exists()
    assert selectors.incident_list(user=scenario["b_focal"]).filter(pk=incident.pk).exists()
    assert Incident.objects.get(pk=incident.pk).version == 2


def test_references_count_up_per_country_and_year(scenario):
    first = report(scenario["a_officer"], consignee="Alpha")
    second = report(scenario["a_officer"], consignee="Beta")
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


def test_route_points(scenario):
    report(scenario["a_officer"])
    routes = selectors.route_points(user=scenario["a_officer"])
    assert routes[0]["path"] == ["CHN", "NLD", "AUS"]


def test_audit_log_does_not_leak_a_record_kept_at_home(scenario, intl_viewer, make_user):
    from drugcontrol.core.selectors import audit_event_list

    home = report(scenario["a_officer"], distribution="country")
    shared = report(scenario["a_officer"], consignee="Some Other Company")
    kind = "incidents.incident"
    ids = set(
        audit_event_list(user=intl_viewer, object_type=kind).values_list("object_id", flat=True)
    )
    assert str(shared.pk) in ids and str(home.pk) not in ids
    a_admin = make_user(role="admin", organisation=scenario["a_officer"].organisation)
    ids = set(audit_event_list(user=a_admin, object_type=kind).values_list("object_id", flat=True))
    assert {str(home.pk), str(shared.pk)} <= ids


def test_incident_counts_and_existence_for_many_keys_come_from_one_query(
    scenario, django_assert_num_queries
):
    """`visible_incident_counts` gives for each (country, substances, since) what one count
    per key gives, among the incidents the reader may see, in a single query;
    `visible_incidents_exist` whether that count is above zero."""
    from drugcontrol.core.visibility import visible
    from drugcontrol.entities.models import Party
    from drugcontrol.substances.selectors import find_by_name

    ephedrine, toluene, acetone = (
        find_by_name(name).pk for name in ("Ephedrine", "Toluene", "Acetone")
    )
    reporter = scenario["a_officer"]
    today = datetime.date.today()

    def seizure(days, countries, substances, distribution):
        raw = {
            "kind": "seizure",
            "occurred_on": (today - datetime.timedelta(days=days)).isoformat(),
            "distribution": distribution,
            "countries": [{"country": code, "role": role} for code, role in countries],
            "substances": [{"substance_id": pk} for pk in substances],
        }
        data = services.validate_incident(raw, visible_parties=visible(Party, reporter))
        return services.incident_create(actor=reporter, data=data)

    seizure(10, [("NLD", "transit"), ("DEU", "destination")], [ephedrine, toluene],
            "countries_involved")  # fmt: skip
    seizure(100, [("NLD", "transit")], [ephedrine], "all")
    seizure(20, [("NLD", "transit")], [ephedrine], "country")  # kept in China
    seizure(400, [("NLD", "transit")], [toluene], "all")
    seizure(5, [("NLD", "transit"), ("NLD", "destination")], [ephedrine], "all")
    year = today - datetime.timedelta(days=365)
    wanted = [
        ("NLD", {ephedrine}, year),
        ("NLD", {ephedrine, toluene}, year),
        ("NLD", {toluene}, today - datetime.timedelta(days=500)),
        ("DEU", [ephedrine], year),
        ("NLD", set(), year),
        ("AUS", {acetone}, year),
        ("NLD", {ephedrine}, today),
    ]
    found = {}
    for name, reader in (("germany", scenario["b_focal"]), ("china", reporter)):
        expected = [
            visible(Incident, reader)
            .filter(
                occurred_on__gte=since,
                countries__country_id=country,
                substances__substance_id__in=list(ids),
            )
            .distinct()
            .count()
            if ids
            else 0
            for country, ids, since in wanted
        ]
        with django_assert_num_queries(1):
            counts = selectors.visible_incident_counts(user=reader, wanted=wanted)
        assert counts == expected
        found[name] = counts
        with django_assert_num_queries(1):
            seen = selectors.visible_incidents_exist(user=reader, wanted=wanted)
        assert seen == [count > 0 for count in expected]
    # Germany does not see the seizure kept in China; the reporter sees all five.
    assert found == {"germany": [3, 3, 2, 1, 0, 0, 0], "china": [4, 4, 2, 1, 0, 0, 0]}
    assert selectors.visible_incident_counts(user=reporter, wanted=[]) == []
    assert selectors.visible_incidents_exist(user=reporter, wanted=[]) == []


def test_incidents_take_the_shared_units_tonnes_included(scenario):
    """A suspicious order in tonnes can become an incident: one Unit for every module."""
    from drugcontrol.core.quantities import Unit, to_kg

    incident = report(
        scenario["a_officer"],
        substances=[{"description": "acetic anhydride", "quantity": "2.5", "unit": "t"}],
    )
    line = incident.substances.get()
    assert line.unit == Unit.T and to_kg(line.quantity, line.unit) == 2500
    with pytest.raises(ValidationFailed) as refused:
        services.validate_incident(
            {
                "kind": "seizure",
                "occurred_on": "2024-01-01",
                "substances": [{"description": "x", "quantity": "1", "unit": "tonnes"}],
            }
        )
    assert "substances.0.unit" in refused.value.details
