"""Emergence signals: the four rules, idempotence, the alerts with their evidence, the
per-report task after commit, the nightly command, and the settings."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from drugcontrol.core.errors import Conflict, PermissionDenied, ValidationFailed
from drugcontrol.core.models import Alert, AuditEvent
from drugcontrol.nps import selectors, selectors_signals, services
from drugcontrol.nps.models import Signal
from drugcontrol.nps.services.signals import signals_detect

from .conftest import report_raw

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(days: int) -> str:
    return (TODAY - datetime.timedelta(days=days)).isoformat()


def run_queued_signal_tasks() -> int:
    """Run the queued signal tasks as the worker would."""
    ran = 0
    for row in DBTaskResult.objects.filter(queue_name="default").order_by("enqueued_at", "id"):
        if row.task_path.endswith("signals_for_report"):
            row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
            ran += 1
    return ran


def test_an_unlisted_fentanyl_analogue_is_new_enters_the_register_and_signals(
    registry, chn_lab, intl_officer, make_user, django_capture_on_commit_callbacks
):
    focal = make_user(kind="international", role="focal_point")
    chn_focal = make_user(country="CHN", kind="competent_authority", role="focal_point")
    deu_focal = make_user(country="DEU", kind="competent_authority", role="focal_point")
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_submit(actor=chn_lab, raw=report_raw())
    assert report.classification == "new_substance"
    assert report.family == "fentanyl"
    assert selectors.registered(report.substance_id)
    assert run_queued_signal_tasks() == 1
    signal = Signal.objects.get(kind="new_substance", substance_id=report.substance_id)
    assert signal.family == "fentanyl"
    assert signal.evidence["key"] == "nps.signal_new_substance"
    assert signal.evidence["params"]["countries"] == ["CHN"]
    assert signal.evidence["params"]["month"] == report.sampled_on.strftime("%Y-%m")
    assert "reference" not in str(signal.evidence) and report.reference not in str(signal.evidence)
    # The secretariat and China's focal point are told, Germany is not.
    told = set(Alert.objects.filter(record_id=str(signal.pk)).values_list("recipient", flat=True))
    assert {intl_officer.pk, focal.pk, chn_focal.pk} <= told
    assert deu_focal.pk not in told
    alert = Alert.objects.filter(recipient=intl_officer).get()
    assert alert.record_type == "nps.signal" and alert.url.endswith(f"/nps/signals/{signal.pk}/")
    assert alert.url.startswith("http")
    assert "cycloheptyl fentanyl" in alert.title
    assert AuditEvent.objects.filter(action="nps.signal_raised").count() == 1
    # Idempotent: the nightly run and the task again raise nothing more.
    assert signals_detect() == []
    assert services.signals_detect() == []
    assert Signal.objects.count() == 1


def _lab(make_user, country):
    return make_user(country=country, kind="forensic_lab", role="officer")


def test_a_substance_reported_by_three_countries_within_a_year_spreads(registry, make_user):
    labs = {code: _lab(make_user, code) for code in ("CHN", "DEU", "NLD", "USA")}
    services.report_submit(actor=labs["USA"], raw=report_raw(sampled_on=days_ago(900)))
    for code, days in (("CHN", 200), ("DEU", 100)):
        services.report_submit(actor=labs[code], raw=report_raw(sampled_on=days_ago(days)))
    assert not signals_detect_kind("spread")
    services.report_submit(actor=labs["NLD"], raw=report_raw(sampled_on=days_ago(5)))
    [signal] = signals_detect_kind("spread")
    params = signal.evidence["params"]
    assert params["count"] == 3 and params["threshold"] == 3 and params["months"] == 12
    assert [code for code, _month in params["countries"]] == ["CHN", "DEU", "NLD"]
    # each country with the month of its first report: the register's shared aggregate
    assert dict(params["countries"])["CHN"] == days_ago(200)[:7]
    assert set(signal.countries.values_list("iso3", flat=True)) == {"CHN", "DEU", "NLD"}
    # The same window does not signal again, even with a fourth country.
    services.report_submit(actor=labs["USA"], raw=report_raw(sampled_on=days_ago(2)))
    assert not signals_detect_kind("spread")


def signals_detect_kind(kind):
    return [signal for signal in signals_detect() if signal.kind == kind]


def test_the_secretariat_sets_the_spread_thresholds(registry, make_user, intl_officer):
    labs = [_lab(make_user, code) for code in ("CHN", "DEU")]
    for lab in labs:
        services.report_submit(actor=lab, raw=report_raw(sampled_on=days_ago(30)))
    assert not signals_detect_kind("spread")
    with pytest.raises(PermissionDenied):
        services.signal_settings_set(actor=labs[0], spread_countries=2, spread_months=6)
    with pytest.raises(ValidationFailed) as failed:
        services.signal_settings_set(actor=intl_officer, spread_countries=1, spread_months="x")
    assert set(failed.value.details) == {"spread_countries", "spread_months"}
    settings = services.signal_settings_set(
        actor=intl_officer, spread_countries=2, spread_months=6, expected_version=1
    )
    assert (settings.spread_countries, settings.spread_months, settings.version) == (2, 6, 2)
    with pytest.raises(Conflict):
        services.signal_settings_set(
            actor=intl_officer, spread_countries=3, spread_months=6, expected_version=1
        )
    [signal] = signals_detect_kind("spread")
    assert signal.evidence["params"]["threshold"] == 2


MEPHEDRONE = "CNC(C)C(=O)c1ccc(C)cc1"


def test_a_controlled_substance_in_a_new_form(registry, make_user):
    chn, deu = _lab(make_user, "CHN"), _lab(make_user, "DEU")
    services.report_submit(
        actor=chn, raw=report_raw(structure=MEPHEDRONE, form="powder", sampled_on=days_ago(900))
    )
    services.report_submit(
        actor=chn, raw=report_raw(structure=MEPHEDRONE, form="powder", sampled_on=days_ago(20))
    )
    assert not signals_detect_kind("new_form")
    report = services.report_submit(
        actor=deu, raw=report_raw(structure=MEPHEDRONE, form="e_liquid", sampled_on=days_ago(3))
    )
    assert report.classification == "controlled"
    [signal] = signals_detect_kind("new_form")
    params = signal.evidence["params"]
    assert params["form"] == "e_liquid" and params["country"] == "DEU"
    assert params["previous"] is None and params["forms"] == ["powder"]
    assert list(signal.countries.values_list("iso3", flat=True)) == ["DEU"]
    services.report_submit(
        actor=chn, raw=report_raw(structure=MEPHEDRONE, form="e_liquid", sampled_on=days_ago(1))
    )
    assert not signals_detect_kind("new_form")


def test_a_family_rising_above_its_trend(registry, make_user):
    chn, deu = _lab(make_user, "CHN"), _lab(make_user, "DEU")
    # One report a year in the three years before the window, then six in the window.
    for years in (3, 2, 1):
        services.report_submit(actor=chn, raw=report_raw(sampled_on=days_ago(365 * years + 40)))
    for number in range(6):
        services.report_submit(
            actor=chn if number % 2 else deu, raw=report_raw(sampled_on=days_ago(10 + number))
        )
    [signal] = signals_detect_kind("family_rise")
    params = signal.evidence["params"]
    assert signal.family == "fentanyl" and signal.substance_id is None
    assert params["recent"] == 6 and params["by_country"] == {"CHN": 3, "DEU": 3}
    assert params["baseline"] <= 3
    assert not signals_detect_kind("family_rise")


def test_the_nightly_command_is_idempotent(registry, chn_lab, capsys):
    services.report_submit(actor=chn_lab, raw=report_raw())
    call_command("nps", "signals")
    assert "1 signal(s) raised" in capsys.readouterr().out
    call_command("nps", "signals")
    assert "0 signal(s) raised" in capsys.readouterr().out
    assert Signal.objects.count() == 1


def test_the_evidence_is_narrowed_for_readers_of_another_country(registry, make_user, intl_officer):
    chn, deu = _lab(make_user, "CHN"), _lab(make_user, "DEU")
    services.report_submit(
        actor=chn, raw=report_raw(structure=MEPHEDRONE, form="powder", sampled_on=days_ago(400))
    )
    services.report_submit(
        actor=deu, raw=report_raw(structure=MEPHEDRONE, form="tablet", sampled_on=days_ago(3))
    )
    [signal] = signals_detect_kind("new_form")
    deu_reader = make_user(country="DEU", kind="law_enforcement", role="viewer")
    chn_reader = make_user(country="CHN", kind="competent_authority", role="viewer")
    [shown] = selectors_signals.with_evidence(user=deu_reader, signals=[signal])
    assert shown.shown_key == "nps.signal_new_form_country"
    assert "forms" not in shown.shown_params and "previous" not in shown.shown_params
    assert "24 months" in shown.body
    [whole] = selectors_signals.with_evidence(user=intl_officer, signals=[signal])
    assert "Powder" in whole.body
    assert not selectors_signals.signal_list(user=chn_reader).filter(pk=signal.pk).exists()
    assert selectors_signals.signal_list(user=deu_reader).filter(pk=signal.pk).exists()
