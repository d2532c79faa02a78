"""The home work queue's Form D panel: a competent authority sees its own country's reports
still to do (returned first, then last year's draft or a report not yet started) with their
due dates; the secretariat sees the submitted reports awaiting its decision; nobody sees
another country's draft."""

import datetime
import re

import pytest
from django.utils import timezone

from drugcontrol.precursors import form_d, services
from drugcontrol.precursors.models import AnnualReport

from ..conftest import signed_in

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate().year - 1


def home(user, language="en") -> str:
    client = signed_in(user)
    client.cookies["django_language"] = language
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def panel(page: str) -> str | None:
    found = re.search(r'<section[^>]*data-testid="home-form-d".*?</section>', page, re.S)
    return found.group(0) if found else None


def rows(page: str) -> list[tuple[str, str]]:
    """(state or report id, the row's text) of each row of the panel."""
    return re.findall(r'<tr data-testid="form-d-row"([^>]*)>(.*?)</tr>', panel(page) or "", re.S)


def submitted(actor, year=LAST_YEAR) -> AnnualReport:
    report = services.annual_report_generate(actor=actor, year=year)
    return services.annual_report_submit(
        actor=actor, report=report, expected_version=report.version
    )


def returned(actor, secretariat, year, comment) -> AnnualReport:
    report = submitted(actor, year)
    return services.annual_report_decide(
        actor=secretariat,
        report=report,
        decision="return",
        comment=comment,
        expected_version=report.version,
    )


def test_the_form_d_is_due_on_30_june_of_the_next_year():
    assert form_d.due_date(2025) == datetime.date(2026, 6, 30)


def test_an_authority_sees_last_years_report_to_start_then_its_draft(people, make_user):
    officer = people["exporter"]
    viewer = make_user(organisation=officer.organisation, role="viewer")
    page = home(officer)
    ((attributes, text),) = rows(page)
    assert 'data-state="not_started"' in attributes
    assert str(LAST_YEAR) in text and "Not yet started" in text
    assert f"30 Jun {LAST_YEAR + 1}" in text
    assert 'href="/precursors/annual-reports/#generate"' in text
    # A viewer is told, without the link to draft it.
    ((attributes, text),) = rows(home(viewer))
    assert 'data-state="not_started"' in attributes and "#generate" not in text
    report = services.annual_report_generate(actor=officer, year=LAST_YEAR)
    ((attributes, text),) = rows(home(officer))
    assert 'data-state="draft"' in attributes
    assert f'href="/precursors/annual-reports/{report.pk}/"' in text
    # Submitted, nothing else to do: no panel.
    services.annual_report_submit(actor=officer, report=report, expected_version=report.version)
    assert panel(home(officer)) is None


def test_returned_reports_come_first_with_the_secretariats_comments(people):
    officer, secretariat = people["exporter"], people["secretariat"]
    older = returned(officer, secretariat, LAST_YEAR - 1, "Section 5: give the partner countries.")
    draft = services.annual_report_generate(actor=officer, year=LAST_YEAR)
    found = rows(home(officer))
    assert [attributes for attributes, _text in found] == [
        f' data-state="returned" data-report="{older.pk}"',
        f' data-state="draft" data-report="{draft.pk}"',
    ]
    text = found[0][1]
    assert "Returned for correction" in text and "give the partner countries" in text
    days_late = (timezone.localdate() - form_d.due_date(LAST_YEAR - 1)).days
    assert f"{days_late} days late" in text  # its due date has passed
    chinese = home(officer, "zh-hans")
    assert panel(chinese) is not None


def test_the_secretariat_sees_what_awaits_its_decision_and_no_draft(people, make_user):
    secretariat = people["secretariat"]
    assert panel(home(secretariat)) is None  # nothing submitted
    china_draft = services.annual_report_generate(actor=people["exporter"], year=LAST_YEAR)
    mexico = make_user(country="MEX", role="officer")
    australia = people["importer"]
    first = submitted(australia)
    second = submitted(mexico)
    page = home(secretariat)
    assert "2 reports awaiting acceptance" in page
    found = rows(page)
    assert [attributes for attributes, _text in found] == [
        f' data-report="{first.pk}"',
        f' data-report="{second.pk}"',
    ]
    assert "Australia" in found[0][1] and "Mexico" in found[1][1]
    assert f"/precursors/annual-reports/{china_draft.pk}/" not in page
    # A secretariat viewer reads the queue as well.
    viewer = make_user(kind="international", role="viewer")
    assert len(rows(home(viewer))) == 2
    # Authorities see their own country's rows only: Australia has submitted, Mexico too.
    assert panel(home(australia)) is None
    assert f"/precursors/annual-reports/{china_draft.pk}/" not in home(mexico)
    china = home(people["exporter"])
    assert f"/precursors/annual-reports/{first.pk}/" not in china
    assert f"/precursors/annual-reports/{china_draft.pk}/" in china


def test_who_keeps_no_form_d_gets_no_panel(people, make_user):
    services.annual_report_generate(actor=people["exporter"], year=LAST_YEAR)
    police = make_user(country="CHN", kind="law_enforcement", role="officer")
    assert panel(home(police)) is None
    assert panel(home(people["operator"])) is None
