"""The NPS demo: several years of reports from about thirty countries across the families,
cases and the watch list; loading it again adds nothing."""

import time

import pytest
from django.urls import reverse

from drugcontrol.core.demo import DemoResult
from drugcontrol.nps import demo, selectors
from drugcontrol.nps.models import IdentificationReport, ToxicologyCase

pytestmark = pytest.mark.django_db


def test_demo_loads_fast_and_once(make_user):
    secretariat = make_user(kind="international", role="admin", username="intl_admin")
    reverse("nps:register")  # the URLs are imported once per process, not by the demo
    started = time.monotonic()
    demo.load(DemoResult())
    took = time.monotonic() - started
    reports = IdentificationReport.objects.all()
    assert reports.values("country").distinct().count() >= 25
    assert len({r.sampled_on.year for r in reports}) >= 4
    assert {"new_substance", "known_nps", "controlled"} <= set(
        reports.values_list("classification", flat=True)
    )
    register = selectors.with_aggregates(selectors.register_list(user=secretariat))
    assert len(register) >= 14
    assert {e.family for e in register} >= {"fentanyl", "nitazene", "synthetic_cannabinoid"}
    assert all(e.effect_group for e in register if e.substance.kind == "nps")
    assert ToxicologyCase.objects.count() == demo.CASES
    watched = {e.substance.name_en: e for e in selectors.watch_list(user=secretariat)}
    assert set(watched) == {"Tramadol", "Ketamine"}
    years = selectors.watch_series(user=secretariat, substance_id=watched["Tramadol"].substance_id)
    assert sum(row["seizures"] for row in years) == 4
    counts = (reports.count(), ToxicologyCase.objects.count())
    again = DemoResult()
    demo.load(again)
    assert again.created == 0
    assert (IdentificationReport.objects.count(), ToxicologyCase.objects.count()) == counts
    assert took < 30, f"the NPS demo took {took:.1f} s"
    print(f"nps demo: {counts[0]} reports, {took:.1f} s")


def test_the_demo_raises_every_kind_of_signal_once(make_user):
    from drugcontrol.nps.models import Signal

    make_user(kind="international", role="admin", username="intl_admin")
    demo.load(DemoResult())
    kinds = set(Signal.objects.values_list("kind", flat=True))
    assert kinds == {"new_substance", "spread", "family_rise", "new_form"}, kinds
    spread = Signal.objects.filter(kind="spread").values_list("substance__name_en", flat=True)
    assert {"N-Desethyl etonitazene", "Ethyleneoxynitazene"} <= set(spread)
    assert Signal.objects.filter(kind="family_rise", family="nitazene").exists()
    counts = Signal.objects.count()
    again = DemoResult()
    demo.load(again)
    assert again.created == 0 and Signal.objects.count() == counts
