"""Importing many countries' data sets and years at once (`services.values_set_many`,
through `imports.values_import`): every data set opened in one statement with its own audit
event, the stored values of all read at once, values and revisions written together, and
every rule of the single path kept: all or nothing, a locked data set or another country
refused, revisions with the value before, the progress reported to the job."""

import decimal

import pytest
from django.db import transaction

from drugcontrol.core.audit import verify_chain
from drugcontrol.core.bounds import check_rows
from drugcontrol.core.errors import PermissionDenied, ValidationFailed
from drugcontrol.core.imports import import_run, import_start
from drugcontrol.core.models import AuditEvent, ImportJob, ImportState
from drugcontrol.monitoring import imports, selectors, services
from drugcontrol.monitoring.imports import FileProblems, values_import
from drugcontrol.monitoring.models import DataValue, Submission, ValueRevision
from drugcontrol.monitoring.services.data import VALUE_COLUMNS, Batch, check_value

from .conftest import cell

pytestmark = pytest.mark.django_db

HEADER = "country,year,dataset,element,drug,period,sex,value,comment\n"


def csv_file(*lines: str) -> bytes:
    return (HEADER + "".join(f"{line}\n" for line in lines)).encode()


def snapshot() -> tuple:
    return (
        DataValue.objects.count(),
        ValueRevision.objects.count(),
        Submission.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def draft_2020(definitions, provider):
    """CHN's use data of 2020, a draft holding PWID 10 and past-year cannabis 1.5."""
    dataset = selectors.dataset_get(provider, "ARQ_USE")
    submission = services.submission_open(actor=provider, country="CHN", dataset=dataset, year=2020)
    services.values_set(
        actor=provider,
        submission=submission,
        items=[
            cell("PWID", "10"),
            cell("PREV", "1.5", drug="cannabis", period="past_year"),
        ],
    )
    return submission


def test_a_file_of_many_data_sets_opens_each_with_its_events_and_keeps_revisions(
    draft_2020, provider
):
    first_event = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True)[0]
    content = csv_file(
        "CHN,2020,ARQ_USE,PWID,,,,12,revised",  # changed
        "CHN,2020,ARQ_USE,PREV,cannabis,past_year,,1.5,",  # unchanged
        "CHN,2020,ARQ_USE,DEATHS,,,men,3,",  # new in an existing data set
        "CHN,2020,ARQ_USE,DEATHS,,,women,,",  # empty: changes nothing
        "CHN,2021,ARQ_USE,PWID,,,,20,",  # new data set
        "CHN,2021,ARQ_SUPPLY,SEIZ_KG,cocaine,,,4.25,",  # new data set
        "CHN,2019,ARQ_USE,DEATHS,,,women,,",  # only empty: nothing opened
    )
    result = values_import(actor=provider, name="many.csv", content=content)
    assert {k: result[k] for k in ("rows", "new", "changed", "unchanged", "datasets")} == {
        "rows": 7,
        "new": 3,
        "changed": 1,
        "unchanged": 3,
        "datasets": 4,
    }
    opened = {(s.year, s.dataset.code): s for s in Submission.objects.exclude(pk=draft_2020.pk)}
    assert set(opened) == {(2021, "ARQ_USE"), (2021, "ARQ_SUPPLY")}
    assert {s.status for s in opened.values()} == {"draft"}
    events = list(
        AuditEvent.objects.filter(sequence__gt=first_event)
        .order_by("sequence")
        .values_list("action", "object_id", "after", "actor_id")
    )
    by_action = {}
    for action, object_id, after, actor in events:
        assert actor == provider.pk
        by_action.setdefault(action, {})[int(object_id)] = after
    assert by_action["monitoring.submission_opened"] == {
        s.pk: {"country": "CHN", "dataset": code, "year": year}
        for (year, code), s in opened.items()
    }
    assert set(by_action["monitoring.values_set"]) == {
        draft_2020.pk,
        *(s.pk for s in opened.values()),
    }
    assert by_action["monitoring.values_set"][draft_2020.pk] == {
        "source": "import",
        "rows": 3,
        "new": 1,
        "changed": 1,
        "removed": 0,
        "unchanged": 1,
    }
    assert verify_chain().ok
    pwid = DataValue.objects.get(submission=draft_2020, element__code="PWID")
    assert (pwid.value, pwid.comment, pwid.version, pwid.updated_by) == (
        decimal.Decimal("12"),
        "revised",
        2,
        provider,
    )
    revision = ValueRevision.objects.filter(submission=draft_2020, element__code="PWID").latest(
        "pk"
    )
    assert (revision.previous, revision.new, revision.source, revision.actor) == (
        decimal.Decimal("10"),
        decimal.Decimal("12"),
        "import",
        provider,
    )
    seized = DataValue.objects.get(submission=opened[(2021, "ARQ_SUPPLY")])
    assert (seized.disaggregation, seized.value) == ("drug=cocaine", decimal.Decimal("4.25"))
    assert (
        ValueRevision.objects.filter(submission=opened[(2021, "ARQ_SUPPLY")]).get().previous is None
    )
    # The same file again changes nothing and records nothing.
    again = snapshot()
    result = values_import(actor=provider, name="many.csv", content=content)
    assert (result["new"], result["changed"], result["unchanged"]) == (0, 0, 7)
    assert snapshot() == again


def test_a_dry_run_of_many_data_sets_saves_nothing(draft_2020, provider):
    before = snapshot()
    result = values_import(
        actor=provider,
        name="dry.csv",
        content=csv_file("CHN,2020,ARQ_USE,PWID,,,,11,", "CHN,2022,ARQ_USE,PWID,,,,5,"),
        dry_run=True,
    )
    assert (result["new"], result["changed"]) == (1, 1)
    assert snapshot() == before


def _batch(provider, country, year, element, value, row):
    dataset = selectors.dataset_get(provider, "ARQ_USE")
    checked, problems = check_value(
        cell(element, value), *services.data.dataset_definitions(dataset)
    )
    assert not problems
    return Batch(country, dataset, year, [checked], [str(row)])


def test_a_data_set_locked_meanwhile_refuses_the_whole_file(draft_2020, provider, focal_point):
    """The importer checks the data sets before it writes; one submitted between the check
    and the write is refused by the service, every row of it named at its year, and no
    other data set of the file is written."""
    draft_2020.refresh_from_db()
    services.submission_act(
        actor=focal_point,
        submission=draft_2020,
        action="submit",
        comment="",
        expected_version=draft_2020.version,
    )
    before = snapshot()
    batches = [
        _batch(provider, "CHN", 2023, "PWID", "7", 2),
        _batch(provider, "CHN", 2020, "PWID", "8", 3),
    ]
    with pytest.raises(ValidationFailed) as refused:
        services.values_set_many(actor=provider, batches=batches)
    assert list(refused.value.details) == ["3.year"]
    assert "Submitted" in str(refused.value.details["3.year"][0])
    assert snapshot() == before


def test_the_importer_names_a_refusal_of_the_service_by_row_and_column(
    draft_2020, provider, focal_point, monkeypatch
):
    draft_2020.refresh_from_db()
    services.submission_act(
        actor=focal_point,
        submission=draft_2020,
        action="submit",
        comment="",
        expected_version=draft_2020.version,
    )
    monkeypatch.setattr(imports, "_check_groups", lambda actor, groups, problems: None)
    before = snapshot()
    with pytest.raises(FileProblems) as refused:
        values_import(
            actor=provider,
            name="late.csv",
            content=csv_file("CHN,2023,ARQ_USE,PWID,,,,7,", "CHN,2020,ARQ_USE,PWID,,,,8,"),
        )
    assert [(row, column) for row, column, _m in refused.value.problems] == [(3, "year")]
    assert snapshot() == before


def test_another_country_s_data_set_is_refused_whole(definitions, provider):
    before = snapshot()
    batches = [
        _batch(provider, "CHN", 2023, "PWID", "7", 2),
        _batch(provider, "DEU", 2023, "PWID", "8", 3),
    ]
    with pytest.raises(PermissionDenied):
        services.values_set_many(actor=provider, batches=batches)
    assert snapshot() == before


def test_the_country_and_year_are_checked_by_the_service(definitions, provider):
    batches = [
        _batch(provider, "XXX", 2023, "PWID", "7", 2),
        _batch(provider, "CHN", 1980, "PWID", "8", 3),
    ]
    with pytest.raises(ValidationFailed) as refused:
        services.values_set_many(actor=provider, batches=batches)
    assert set(refused.value.details) == {"2.country", "3.year"}


def test_rows_written_as_tuples_meet_the_columns_bounds():
    good = (1, 2, "drug=cannabis", decimal.Decimal("1.5"), "", 1, "now", None)
    long_key = (1, 2, "x" * 301, decimal.Decimal("1"), "", 1, "now", None)
    nul = (1, 2, "", decimal.Decimal("1"), "a\x00b", 1, "now", None)
    huge = (1, 2, "", decimal.Decimal("1e30"), "", 1, "now", None)
    check_rows(DataValue, VALUE_COLUMNS, [good, good], "values")
    with pytest.raises(ValidationFailed) as refused:
        check_rows(DataValue, VALUE_COLUMNS, [good, long_key, nul, huge], "values")
    assert set(refused.value.details) == {
        "values.1.disaggregation",
        "values.2.comment",
        "values.3.value",
    }


def test_the_progress_reaches_the_job_and_the_file_is_applied(definitions, provider):
    lines = [f"CHN,{year},ARQ_USE,PWID,,,,{year - 1990}," for year in range(1990, 2024)]
    lines += [
        f"CHN,{year},ARQ_USE,DEATHS,,,{sex},1,"
        for year in range(1990, 2024)
        for sex in ("men", "women")
    ]
    seen = []
    with transaction.atomic():
        result = values_import(
            actor=provider,
            name="years.csv",
            content=csv_file(*lines),
            progress=lambda checked, total, state="checking": seen.append((state, checked, total)),
        )
    total = len(lines)
    assert result["new"] == total and result["datasets"] == 34
    assert seen[0] == ("checking", 0, total)
    assert ("checking", total, total) in seen and seen[-1] == ("saving", total, total)
    job = import_start(
        actor=provider, kind=imports.IMPORT_KIND, name="years.csv", content=csv_file(*lines)
    )
    import_run(job.pk)
    job = ImportJob.objects.get(pk=job.pk)
    assert (job.state, job.checked, job.total) == (ImportState.DONE, total, total)
    assert job.result["unchanged"] == total


def test_a_data_set_opened_meanwhile_by_another_writer_is_read_again(
    draft_2020, provider, monkeypatch
):
    """The look-up misses a data set another writer opens before the insert: the insert
    clashes, and the data sets are read again and the file applied to the one opened."""
    real = services.data._locked_submissions
    calls = []

    def first_misses(batches):
        calls.append(1)
        return {} if len(calls) == 1 else real(batches)

    monkeypatch.setattr(services.data, "_locked_submissions", first_misses)
    batches = [_batch(provider, "CHN", 2020, "PWID", "13", 2)]
    counts = services.values_set_many(actor=provider, batches=batches)
    assert (counts["changed"], len(calls)) == (1, 2)
    assert Submission.objects.filter(year=2020).get() == draft_2020
    assert DataValue.objects.get(submission=draft_2020, element__code="PWID").value == 13
