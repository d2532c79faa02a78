"""Estimates and the authorizations checked against them: an export that would take the
importing country beyond its estimate is refused naming the article, one within it passes
and lowers the balance, a supplementary estimate raises it; expired, used and duplicate
authorizations and bad quantities are refused with nothing saved."""

import datetime
import decimal

import pytest
from django.utils import timezone

from drugcontrol.core.errors import Conflict, PermissionDenied, ValidationFailed
from drugcontrol.core.models import AuditEvent
from drugcontrol.medicines import selectors, services
from drugcontrol.medicines.models import (
    AuthorizationStatus,
    EstimateStatus,
    ExportAuthorization,
    ImportAuthorization,
)

pytestmark = pytest.mark.django_db
D = decimal.Decimal
YEAR = timezone.localdate().year
SOON = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()


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
def estimate(kenya, secretariat):
    """Kenya's morphine for this year: 8 kg for consumption, 1 for manufacture, 1 for
    stocks, confirmed: 10 kg."""
    submitted = services.estimate_submit(
        actor=kenya,
        country="KEN",
        year=YEAR,
        substance="Morphine",
        consumption_kg="8",
        manufacture_kg="1",
        stock_kg="1",
    )
    return services.estimate_confirm(actor=secretariat, estimate=submitted, expected_version=1)


def import_authorization(kenya, number, kg, **extra):
    values = {
        "actor": kenya,
        "number": number,
        "importing_country": "KEN",
        "exporting_country": "IND",
        "substance": "Morphine",
        "quantity": kg,
        "unit": "kg",
        "importer": "Kenya Medical Supplies Authority",
        "exporter": "Example Alkaloids Ltd",
        "valid_until": SOON,
    }
    values.update(extra)
    return services.import_authorization_issue(**values)


def balance():
    from drugcontrol.substances.models import Substance

    morphine = Substance.objects.get(name_en="Morphine")
    return selectors.balance_of("KEN", morphine.pk, YEAR)


def test_an_export_within_the_balance_passes_and_lowers_it(estimate, kenya, india):
    assert (balance().estimate_kg, balance().remaining_kg) == (D(10), D(10))
    first = import_authorization(kenya, "KE-2026-001", "6")
    assert first.base_kg == D(6) and first.importer.name == "Kenya Medical Supplies Authority"
    export = services.export_authorization_issue(
        actor=india, number="IN-EX-1", import_authorization=first
    )
    assert export.base_kg == D(6) and export.year == YEAR
    assert balance().remaining_kg == D(4)
    first.refresh_from_db()
    assert first.status == AuthorizationStatus.USED
    event = AuditEvent.objects.get(action="medicines.export_authorized")
    assert event.after["remaining_before_kg"] == "10.000000"


def test_an_export_beyond_the_estimate_is_refused_naming_the_article(
    estimate, kenya, india, secretariat
):
    services.export_authorization_issue(
        actor=india,
        number="IN-EX-1",
        import_authorization=import_authorization(kenya, "KE-1", "6"),
    )
    second = import_authorization(kenya, "KE-2", "5")
    with pytest.raises(ValidationFailed) as refused:
        services.export_authorization_issue(
            actor=india, number="IN-EX-2", import_authorization=second
        )
    message = refused.value.details["quantity_kg"][0]
    assert "article 31, paragraph 1 (b), of the Single Convention" in message
    assert "(4 kg of 10 kg)" in message
    assert ExportAuthorization.objects.count() == 1
    second.refresh_from_db()
    assert second.status == AuthorizationStatus.ISSUED
    # A supplementary estimate of 2 kg, once confirmed, leaves 6 kg: the 5 kg pass.
    supplement = services.supplement_submit(
        actor=kenya, estimate=estimate, added_kg="2", reason="A new palliative care unit."
    )
    with pytest.raises(ValidationFailed):  # not counted until confirmed
        services.export_authorization_issue(
            actor=india, number="IN-EX-2", import_authorization=second
        )
    services.supplement_confirm(actor=secretariat, supplement=supplement, expected_version=1)
    assert balance().estimate_kg == D(12)
    services.export_authorization_issue(actor=india, number="IN-EX-2", import_authorization=second)
    assert balance().remaining_kg == D(1)


def test_without_a_confirmed_estimate_nothing_may_be_exported_but_an_emergency(kenya, india):
    services.estimate_submit(
        actor=kenya, country="KEN", year=YEAR, substance="Morphine", consumption_kg="50"
    )
    with pytest.raises(ValidationFailed) as refused:
        services.export_authorization_issue(
            actor=india,
            number="IN-EX-1",
            import_authorization=import_authorization(kenya, "KE-1", "1"),
        )
    assert "(0 kg of 0 kg)" in refused.value.details["quantity_kg"][0]
    urgent = import_authorization(kenya, "KE-URGENT", "3", emergency=True)
    export = services.export_authorization_issue(
        actor=india, number="IN-EX-2", import_authorization=urgent
    )
    assert export.emergency and balance().remaining_kg == D(-3)


def test_the_received_quantity_counts_once_endorsed(estimate, kenya, india):
    export = services.export_authorization_issue(
        actor=india,
        number="IN-EX-1",
        import_authorization=import_authorization(kenya, "KE-1", "6"),
    )
    with pytest.raises(PermissionDenied):  # the exporter does not endorse
        services.shipment_endorse(actor=india, export_authorization=export, received_kg="5")
    with pytest.raises(ValidationFailed):
        services.shipment_endorse(actor=kenya, export_authorization=export, received_kg="7")
    endorsed = services.shipment_endorse(
        actor=kenya, export_authorization=export, received_kg="5.5", expected_version=1
    )
    assert endorsed.status == AuthorizationStatus.ENDORSED and balance().remaining_kg == D("4.5")
    with pytest.raises(Conflict):
        services.shipment_endorse(actor=kenya, export_authorization=endorsed, received_kg="5")


def test_expired_used_and_duplicate_authorizations_are_refused(estimate, kenya, india):
    used = import_authorization(kenya, "KE-1", "1")
    services.export_authorization_issue(actor=india, number="IN-1", import_authorization=used)
    with pytest.raises(ValidationFailed) as refused:
        services.export_authorization_issue(actor=india, number="IN-2", import_authorization=used)
    assert "already used" in refused.value.details["import_authorization"][0]
    expired = import_authorization(kenya, "KE-2", "1")
    ImportAuthorization.objects.filter(pk=expired.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    expired.refresh_from_db()
    with pytest.raises(ValidationFailed) as refused:
        services.export_authorization_issue(
            actor=india, number="IN-3", import_authorization=expired
        )
    assert "expired" in refused.value.details["import_authorization"][0]
    with pytest.raises(ValidationFailed) as refused:
        import_authorization(kenya, "ke-1", "1")  # numbers compared in capitals
    assert "already used" in refused.value.details["number"][0]
    fresh = import_authorization(kenya, "KE-3", "1")
    with pytest.raises(ValidationFailed) as refused:
        services.export_authorization_issue(actor=india, number="in-1", import_authorization=fresh)
    assert "already used" in refused.value.details["number"][0]
    assert ExportAuthorization.objects.count() == 1


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"quantity": "-2"}, "quantity"),
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "abc"}, "quantity"),
        ({"unit": "lb"}, "unit"),
        ({"substance": "Unobtainium"}, "substance"),
        ({"substance": "Acetic anhydride"}, "substance"),
        ({"preparation": "morphine unknownate"}, "preparation"),
        ({"exporting_country": "XXX"}, "exporting_country"),
        ({"exporting_country": "KEN"}, "exporting_country"),
        ({"valid_until": "2020-01-01"}, "valid_until"),
        ({"valid_until": "soon"}, "valid_until"),
        ({"importer": ""}, "importer"),
        ({"number": "x" * 41}, "number"),
        ({"pharmaceutical_form": "lozenge"}, "pharmaceutical_form"),
    ],
)
def test_bad_import_authorizations_are_refused_naming_the_field(kenya, extra, field):
    number = extra.pop("number", "KE-BAD")
    with pytest.raises(ValidationFailed) as refused:
        import_authorization(kenya, number, "1", **extra)
    assert field in refused.value.details, refused.value.details
    assert not ImportAuthorization.objects.exists()


def test_each_authority_acts_for_its_own_country(estimate, kenya, india, make_user):
    with pytest.raises(PermissionDenied):
        import_authorization(india, "KE-1", "1")  # India does not authorize Kenya's imports
    authorization = import_authorization(kenya, "KE-1", "1")
    with pytest.raises(PermissionDenied):  # Kenya is not the exporting country
        services.export_authorization_issue(
            actor=kenya, number="X", import_authorization=authorization
        )
    germany = make_user(country="DEU", kind="competent_authority", role="officer")
    assert not selectors.import_authorization_list(germany).exists()
    assert selectors.import_authorization_list(india).get() == authorization
    police = make_user(country="KEN", kind="law_enforcement", role="officer")
    assert not selectors.import_authorization_list(police).exists()
    with pytest.raises(PermissionDenied):
        services.estimate_submit(
            actor=india, country="KEN", year=YEAR, substance="Morphine", consumption_kg="1"
        )


def test_an_estimate_changes_until_confirmed_then_grows_by_supplements(kenya, secretariat):
    estimate = services.estimate_submit(
        actor=kenya, country="KEN", year=YEAR, substance="Diazepam", consumption_kg="40"
    )
    assert estimate.system == "1971"  # an assessment of a psychotropic substance
    changed = services.estimate_submit(
        actor=kenya,
        country="KEN",
        year=YEAR,
        substance="Diazepam",
        consumption_kg="45",
        expected_version=1,
    )
    assert (changed.consumption_kg, changed.version) == (D(45), 2)
    with pytest.raises(Conflict):
        services.estimate_confirm(actor=secretariat, estimate=changed, expected_version=1)
    with pytest.raises(PermissionDenied):
        services.estimate_confirm(actor=kenya, estimate=changed)
    with pytest.raises(ValidationFailed):  # a supplement of an estimate not yet confirmed
        services.supplement_submit(actor=kenya, estimate=changed, added_kg="1", reason="More")
    confirmed = services.estimate_confirm(actor=secretariat, estimate=changed)
    assert confirmed.status == EstimateStatus.CONFIRMED
    with pytest.raises(ValidationFailed) as refused:
        services.estimate_submit(
            actor=kenya, country="KEN", year=YEAR, substance="Diazepam", consumption_kg="50"
        )
    assert "supplementary" in refused.value.details["status"][0]


def test_a_salt_is_counted_as_its_anhydrous_base(kenya):
    authorization = import_authorization(
        kenya, "KE-SALT", "1000", unit="g", preparation="morphine sulfate pentahydrate"
    )
    # (C17H19NO3)2.H2SO4.5H2O: 570.68 of 758.84 g/mol is morphine: 0.752 of the salt.
    assert authorization.base_kg == D("0.752000")
    tablets = import_authorization(
        kenya,
        "KE-TABS",
        "500000",
        unit="mg",
        preparation="codeine phosphate hemihydrate",
        substance="Codeine",
        pharmaceutical_form="tablet",
    )
    assert tablets.base_kg == D("0.368500")  # 0.5 kg x 0.737


def test_the_authorities_and_the_secretariat_are_alerted(kenya, india, secretariat, estimate):
    from drugcontrol.core.alerts import alert_text
    from drugcontrol.core.models import Alert

    opened = import_authorization(kenya, "KE-ALERT", "2")
    told = Alert.objects.get(recipient=india)
    assert told.url == f"/medicines/authorizations/{opened.pk}/"
    assert (
        alert_text(told)[0]
        == "Import authorization KE-ALERT from Kenya awaits your export decision"
    )
    services.export_authorization_issue(actor=india, number="IN-ALERT", import_authorization=opened)
    assert "endorse the shipment" in alert_text(Alert.objects.get(recipient=kenya))[1]
    assert not Alert.objects.filter(recipient=secretariat).exists()
    urgent = import_authorization(kenya, "KE-ALERT-2", "20", emergency=True)
    services.export_authorization_issue(
        actor=india, number="IN-ALERT-2", import_authorization=urgent
    )
    title, body = alert_text(Alert.objects.get(recipient=secretariat))
    assert title == "Emergency delivery to Kenya under import authorization KE-ALERT-2"
    assert "20 kg of base of Morphine" in body and "8 kg remained" in body
