"""The monitoring services: definitions loaded from their file, a country's data set opened,
its values set one by one or many at once (every revision kept, all or nothing, every
problem named), and its approval (submit, return, accept, publish, reopen) with its audit
events and alerts."""

import json

import pytest

from drugcontrol.core.errors import Conflict, PermissionDenied, ValidationFailed
from drugcontrol.core.models import Alert, AuditEvent
from drugcontrol.monitoring import selectors, services
from drugcontrol.monitoring.models import (
    DataElement,
    DataValue,
    Submission,
    SubmissionComment,
    ValidationRule,
    ValueRevision,
)

from .conftest import cell

pytestmark = pytest.mark.django_db

MONTH = {"drug": "cannabis", "period": "past_month"}
YEAR = {"drug": "cannabis", "period": "past_year"}


def stored() -> tuple[int, int, int, int]:
    """What a refused write must leave as it was."""
    return (
        DataValue.objects.count(),
        ValueRevision.objects.count(),
        AuditEvent.objects.count(),
        Submission.objects.count(),
    )


def refused(call, **kwargs) -> dict:
    before = stored()
    with pytest.raises(ValidationFailed) as caught:
        call(**kwargs)
    assert stored() == before, "a refused write stored something"
    return caught.value.details


def put(actor, submission, element, value, comment="", **options):
    return services.value_set(
        actor=actor, submission=submission, item=cell(element, value, comment, **options)
    )


def act(actor, submission, action, comment="", version=None):
    """A step on the data set as it stands now (as a page or the API reads it first)."""
    submission.refresh_from_db()
    return services.submission_act(
        actor=actor, submission=submission, action=action, comment=comment, expected_version=version
    )


@pytest.fixture
def use_dataset(definitions, provider):
    return selectors.dataset_get(provider, "ARQ_USE")


@pytest.fixture
def deu_provider(make_user):
    return make_user(country="DEU", kind="competent_authority", role="officer")


# --- definitions ---------------------------------------------------------------------------


def test_the_definitions_load_once_and_a_second_load_changes_nothing(definitions):
    assert definitions["changed"] > 0 and definitions["elements"] == DataElement.objects.count()
    assert set(ValidationRule.objects.values_list("code", flat=True)) >= {
        "PREV_MONTH_YEAR",
        "PREV_YEAR_LIFETIME",
        "TREAT_PARTS",
        "PWID_IN_POP",
        "PREV_JUMP",
    }
    events = AuditEvent.objects.filter(action="monitoring.definitions_loaded").count()
    assert events == 1
    again = services.definitions_load()
    assert again["changed"] == 0
    assert AuditEvent.objects.filter(action="monitoring.definitions_loaded").count() == events


def test_only_the_secretariat_loads_the_definitions_by_hand(countries, provider, secretariat):
    with pytest.raises(PermissionDenied):
        services.definitions_load(actor=provider)
    assert not DataElement.objects.exists()
    assert services.definitions_load(actor=secretariat)["changed"] > 0
    event = AuditEvent.objects.get(action="monitoring.definitions_loaded")
    assert event.actor == secretariat


def test_a_changed_name_in_the_file_is_one_change(definitions, tmp_path):
    document = json.loads(services.DEFINITIONS_FILE.read_text(encoding="utf-8"))
    document["elements"][0]["name_en"] = "Population aged 15 to 64"
    path = tmp_path / "definitions.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    element = DataElement.objects.get(code=document["elements"][0]["code"])
    assert services.definitions_load(path=path)["changed"] == 1
    element.refresh_from_db()
    assert element.name_en == "Population aged 15 to 64" and element.version == 2


@pytest.mark.parametrize(
    "spoil, where, message",
    [
        (
            lambda d: d["rules"][0].update(left="PREVALENCE[period=past_month]"),
            "rules.0.left",
            "Unknown data element PREVALENCE.",
        ),
        (
            lambda d: d["rules"][0].update(right="PREV[period=weekly]"),
            "rules.0.right",
            "period has no option weekly.",
        ),
        (lambda d: d["rules"][0].update(left="PREV[period="), "rules.0.left", "Expected name."),
        (lambda d: d["rules"][0].update(operator="=<"), "rules.0.operator", "Unknown operator."),
        (
            lambda d: d["datasets"][0]["elements"].append("NOPE"),
            "datasets.0.elements",
            "Unknown data element NOPE.",
        ),
        (
            lambda d: d["targets"][0].update(indicator="NOPE"),
            "targets.0.indicator",
            "Unknown indicator NOPE.",
        ),
        (lambda d: d["elements"][0].update(unit="litres"), "elements.0.unit", "Unknown unit."),
    ],
)
def test_a_file_with_an_unknown_name_is_refused_and_nothing_stored(
    countries, tmp_path, spoil, where, message
):
    document = json.loads(services.DEFINITIONS_FILE.read_text(encoding="utf-8"))
    document["elements"][1]["name_en"] = "Changed, but never stored"
    spoil(document)
    path = tmp_path / "definitions.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        services.definitions_load(path=path)
    assert caught.value.details == {where: [message]}
    assert not DataElement.objects.exists() and not ValidationRule.objects.exists()
    assert not AuditEvent.objects.filter(action="monitoring.definitions_loaded").exists()


# --- opening a country's data set ----------------------------------------------------------------


def test_the_country_s_data_providers_open_its_data_set_once(use_dataset, provider, make_user):
    submission = services.submission_open(
        actor=provider, country="CHN", dataset=use_dataset, year=2024
    )
    assert (submission.country_id, submission.year, submission.status) == ("CHN", 2024, "draft")
    opened = AuditEvent.objects.filter(action="monitoring.submission_opened")
    assert opened.count() == 1
    police = make_user(country="CHN", kind="law_enforcement", role="officer")
    again = services.submission_open(actor=police, country="CHN", dataset=use_dataset, year=2024)
    assert again.pk == submission.pk and opened.count() == 1


@pytest.mark.parametrize(
    "who",
    [
        {"country": "DEU", "kind": "competent_authority", "role": "officer"},
        {"country": "CHN", "kind": "competent_authority", "role": "viewer"},
        {"country": "CHN", "kind": "forensic_lab", "role": "admin"},
        {"country": "CHN", "kind": "operator", "role": "officer"},
        {"kind": "international", "role": "officer"},
        {"kind": "international", "role": "admin"},
    ],
)
def test_nobody_else_opens_a_country_s_data_set(use_dataset, make_user, who):
    actor = make_user(**who)
    before = stored()
    with pytest.raises(PermissionDenied):
        services.submission_open(actor=actor, country="CHN", dataset=use_dataset, year=2024)
    assert stored() == before


def test_nobody_else_opens_an_existing_data_set(use_2024, use_dataset, deu_provider, secretariat):
    for actor in (deu_provider, secretariat):
        with pytest.raises(PermissionDenied):
            services.submission_open(actor=actor, country="CHN", dataset=use_dataset, year=2024)


@pytest.mark.parametrize(
    "country, year, problems",
    [
        ("XXX", 2024, {"country": ["Unknown country code."]}),
        ("CHINA", 2024, {"country": ["Unknown country code."]}),
        ("CHN", 1989, {"year": ["A year from 1990 to this year."]}),
        ("CHN", 3000, {"year": ["A year from 1990 to this year."]}),
        ("CHN", "2024", {"year": ["Give the year as four digits."]}),
        ("CHN", True, {"year": ["Give the year as four digits."]}),
    ],
)
def test_opening_refuses_a_bad_country_or_year(use_dataset, provider, country, year, problems):
    details = refused(
        services.submission_open, actor=provider, country=country, dataset=use_dataset, year=year
    )
    assert details == problems


# --- one value ---------------------------------------------------------------------------------


def test_a_value_is_set_and_audited(use_2024, provider):
    value = put(provider, use_2024, "PREV", "5.25", "Household survey", **YEAR)
    assert value.value == 5.25 and value.comment == "Household survey" and value.version == 1
    assert value.disaggregation == "drug=cannabis;period=past_year"
    assert value.updated_by == provider
    assert AuditEvent.objects.filter(action="monitoring.value_set").count() == 1
    # The same value again changes nothing and writes nothing.
    put(provider, use_2024, "PREV", "5.250", "Household survey", **YEAR)
    assert AuditEvent.objects.filter(action="monitoring.value_set").count() == 1
    assert ValueRevision.objects.count() == 1


def test_every_revision_is_kept(use_2024, provider):
    put(provider, use_2024, "POP_15_64", "1000000")
    changed = put(provider, use_2024, "POP_15_64", "1000500", "Census revised")
    assert changed.version == 2
    assert put(provider, use_2024, "POP_15_64", "") is None
    assert not DataValue.objects.filter(submission=use_2024).exists()
    revisions = list(selectors.revisions_of(provider, use_2024, "POP_15_64").order_by("at", "pk"))
    assert [(r.previous, r.new) for r in revisions] == [
        (None, 1000000),
        (1000000, 1000500),
        (1000500, None),
    ]
    assert revisions[1].comment == "Census revised" and revisions[0].source == "form"
    assert AuditEvent.objects.filter(action="monitoring.value_set").count() == 3
    # Removing a cell that holds nothing is no revision.
    put(provider, use_2024, "POP_15_64", None)
    assert ValueRevision.objects.count() == 3


@pytest.mark.parametrize(
    "element, value, options, problems",
    [
        ("PREV", "150", YEAR, {"value": ["At most 100."]}),
        ("PREV", "-0.5", YEAR, {"value": ["At least 0."]}),
        ("POP_15_64", "1200.5", {}, {"value": ["A whole number."]}),
        ("POP_15_64", "-3", {}, {"value": ["At least 0."]}),
        ("PREV", "five", YEAR, {"value": ["Not a number."]}),
        ("PREV", "5,2", YEAR, {"value": ["Not a number."]}),
        ("PREV", "1e2", YEAR, {"value": ["Not a number."]}),
        (
            "PREVALENCE",
            "5",
            YEAR,
            {"element": ["Not a data element of this data set: PREVALENCE."]},
        ),
        # An element of another data set.
        (
            "SEIZ_KG",
            "5",
            {"drug": "cannabis"},
            {"element": ["Not a data element of this data set: SEIZ_KG."]},
        ),
        ("PREV", "5", {"drug": "tea", "period": "past_year"}, {"drug": ["Unknown option tea."]}),
        ("PREV", "5", {"drug": "cannabis"}, {"period": ["Choose the period."]}),
        (
            "PREV",
            "5",
            {**YEAR, "sex": "men"},
            {"sex": ["PREV is not broken down by sex."]},
        ),
        (
            "POP_15_64",
            "5",
            {"drug": "cannabis"},
            {"drug": ["POP_15_64 is not broken down by drug."]},
        ),
        ("PREV", "5", {"drug": 3, "period": "past_year"}, {"drug": ["Unknown option 3."]}),
    ],
)
def test_a_bad_value_is_refused_by_field_and_nothing_stored(
    use_2024, provider, element, value, options, problems
):
    put(provider, use_2024, "PROBLEM_USERS", "100")  # something stored already
    details = refused(
        services.value_set,
        actor=provider,
        submission=use_2024,
        item=cell(element, value, **options),
    )
    assert details == problems


def test_a_comment_is_checked(use_2024, provider):
    details = refused(
        services.value_set,
        actor=provider,
        submission=use_2024,
        item=cell("PWID", "10", "x" * 2001),
    )
    assert details == {"comment": ["At most 2000 characters."]}
    details = refused(
        services.value_set,
        actor=provider,
        submission=use_2024,
        item=cell("PWID", "10", "Acme\u202eproC"),
    )
    assert list(details) == ["comment"]


def test_a_stale_version_of_a_value_is_a_conflict(use_2024, provider):
    put(provider, use_2024, "PWID", "10")
    before = stored()
    with pytest.raises(Conflict) as caught:
        services.value_set(
            actor=provider, submission=use_2024, item=cell("PWID", "12"), expected_version=0
        )
    assert caught.value.status == 409
    assert stored() == before
    services.value_set(
        actor=provider, submission=use_2024, item=cell("PWID", "12"), expected_version=1
    )
    assert DataValue.objects.get(submission=use_2024, element__code="PWID").value == 12


def test_values_are_entered_only_by_the_country_s_providers(use_2024, deu_provider, make_user):
    for actor in (
        deu_provider,
        make_user(country="CHN", kind="competent_authority", role="viewer"),
        make_user(kind="international", role="officer"),
    ):
        before = stored()
        with pytest.raises(PermissionDenied):
            put(actor, use_2024, "PWID", "10")
        assert stored() == before


# --- many values at once -------------------------------------------------------------------------


def rows(*items):
    return [
        services.ValueInput(element=e, options=o, value=v, row=str(n))
        for n, (e, o, v) in enumerate(items, start=2)
    ]


def test_many_values_are_all_stored_or_none(use_2024, provider):
    good = rows(
        ("POP_15_64", {}, "1000000"),
        ("PREV", YEAR, "4"),
        ("PREV", MONTH, "1.5"),
        ("TREAT", {"drug": "opiates"}, "120"),
    )
    counts = services.values_set(actor=provider, submission=use_2024, items=good)
    assert counts == {"rows": 4, "new": 4, "changed": 0, "removed": 0, "unchanged": 0}
    assert DataValue.objects.filter(submission=use_2024).count() == 4
    assert ValueRevision.objects.filter(submission=use_2024, source="import").count() == 4
    assert AuditEvent.objects.filter(action="monitoring.values_set").count() == 1
    again = services.values_set(
        actor=provider,
        submission=use_2024,
        items=rows(
            ("POP_15_64", {}, "1000000"),
            ("PREV", YEAR, "4.5"),
            ("PREV", MONTH, ""),
        ),
    )
    assert again == {"rows": 3, "new": 0, "changed": 1, "removed": 1, "unchanged": 1}
    assert ValueRevision.objects.filter(submission=use_2024).count() == 6


def test_many_values_name_every_problem_by_row_and_column(use_2024, provider):
    put(provider, use_2024, "POP_15_64", "1000")
    items = rows(
        ("PREV", YEAR, "4"),  # row 2: good
        ("PREV", YEAR, "5"),  # row 3: the same cell as row 2
        ("PREV", {"drug": "cannabis", "period": "weekly"}, "abc"),  # row 4: two problems
        ("NOPE", {}, "1"),  # row 5
        ("TREAT", {"drug": "cannabis", "sex": "men"}, "3"),  # row 6
        ("POP_15_64", {}, "2000"),  # row 7: good, and never stored
    )
    details = refused(services.values_set, actor=provider, submission=use_2024, items=items)
    assert details == {
        "3.element": ["The same cell as row 2."],
        "4.period": ["Unknown option weekly."],
        "4.value": ["Not a number."],
        "5.element": ["Not a data element of this data set: NOPE."],
        "6.sex": ["TREAT is not broken down by sex."],
    }
    assert DataValue.objects.get(submission=use_2024, element__code="POP_15_64").value == 1000


def test_rows_without_a_name_are_numbered_from_one(use_2024, provider):
    items = [cell("PWID", "x"), cell("PWID", "1"), cell("PWID", "2")]
    details = refused(services.values_set, actor=provider, submission=use_2024, items=items)
    assert details == {"1.value": ["Not a number."], "3.element": ["The same cell as row 2."]}


def test_a_dry_run_stores_nothing(use_2024, provider):
    before = stored()
    counts = services.values_set(
        actor=provider, submission=use_2024, items=rows(("PWID", {}, "10")), dry_run=True
    )
    assert counts["new"] == 1 and stored() == before


# --- the approval ---------------------------------------------------------------------------


@pytest.fixture
def use_2023(use_dataset, provider):
    """Last year's data, for the jumps."""
    submission = services.submission_open(
        actor=provider, country="CHN", dataset=use_dataset, year=2023
    )
    put(provider, submission, "PREV", "1", **YEAR)
    return submission


def test_an_error_blocks_the_submission(use_2024, provider, focal_point):
    put(provider, use_2024, "PREV", "6", **MONTH)
    put(provider, use_2024, "PREV", "5", **YEAR)
    details = refused(
        services.submission_act, actor=focal_point, submission=use_2024, action="submit"
    )
    assert list(details) == ["errors"]
    (text,) = details["errors"]
    assert "Cannabis" in text and "6 / 5" in text
    # A comment does not explain an error away.
    put(provider, use_2024, "PREV", "6", "Really", **MONTH)
    assert list(refused(act, actor=focal_point, submission=use_2024, action="submit")) == ["errors"]
    put(provider, use_2024, "PREV", "4", **MONTH)
    assert act(focal_point, use_2024, "submit").status == "submitted"


def test_a_warning_needs_a_comment_on_one_of_its_cells(use_2023, use_2024, provider, focal_point):
    put(provider, use_2024, "PREV", "5", **YEAR)  # more than 3 x last year's 1
    report = selectors.validation_report(use_2024)
    assert [(v.rule.code, v.is_error) for v in report] == [("PREV_JUMP", False)]
    details = refused(act, actor=focal_point, submission=use_2024, action="submit")
    assert list(details) == ["warnings"]
    assert "explain it in a comment" in details["warnings"][0]
    # A comment on another cell explains nothing.
    put(provider, use_2024, "POP_15_64", "1000", "Census")
    assert list(refused(act, actor=focal_point, submission=use_2024, action="submit")) == [
        "warnings"
    ]
    put(provider, use_2024, "PREV", "5", "New survey method", **YEAR)
    assert act(focal_point, use_2024, "submit").status == "submitted"


def test_only_the_country_s_focal_point_submits(use_2024, provider, secretariat, make_user):
    put(provider, use_2024, "PWID", "10")
    deu_focal = make_user(country="DEU", kind="competent_authority", role="focal_point")
    for actor in (provider, secretariat, deu_focal):
        before = stored()
        with pytest.raises(PermissionDenied):
            act(actor, use_2024, "submit")
        assert stored() == before
    police_focal = make_user(country="CHN", kind="law_enforcement", role="focal_point")
    assert act(police_focal, use_2024, "submit").status == "submitted"


def test_a_return_and_a_reopening_need_a_comment(use_2024, focal_point, secretariat):
    act(focal_point, use_2024, "submit")
    for comment in ("", "   "):
        details = refused(
            act, actor=secretariat, submission=use_2024, action="return", comment=comment
        )
        assert details == {"comment": ["Say why, for the other side to read."]}
    details = refused(act, actor=focal_point, submission=use_2024, action="reopen")
    assert details == {"comment": ["Say why, for the other side to read."]}


def test_a_step_not_open_in_this_status_is_a_field_error(use_2024, focal_point, secretariat):
    details = refused(act, actor=secretariat, submission=use_2024, action="accept")
    assert details == {"status": ["This cannot be done while the data is Draft."]}
    details = refused(act, actor=secretariat, submission=use_2024, action="publish")
    assert list(details) == ["status"]
    with pytest.raises(ValidationFailed) as caught:
        act(focal_point, use_2024, "approve")
    assert caught.value.details == {"action": ["Unknown action."]}


def test_a_stale_version_of_the_data_set_is_a_conflict(use_2024, focal_point):
    version = use_2024.version
    submitted = act(focal_point, use_2024, "submit", version=version)
    assert submitted.version == version + 1
    before = stored()
    with pytest.raises(Conflict):
        act(focal_point, submitted, "reopen", "Forgot a figure", version=version)
    assert stored() == before


def alerts_to(user, key=None) -> list[str]:
    found = Alert.objects.filter(recipient=user).order_by("pk")
    if key:
        found = found.filter(message_key=key)
    return list(found.values_list("message_key", flat=True))


def test_the_whole_approval(use_2023, use_2024, provider, focal_point, secretariat, make_user):
    police_focal = make_user(country="CHN", kind="law_enforcement", role="focal_point")
    deu_focal = make_user(country="DEU", kind="competent_authority", role="focal_point")
    colleague = make_user(role="officer", organisation=focal_point.organisation)
    put(provider, use_2024, "PREV", "2", **YEAR)
    put(provider, use_2024, "PREV", "1", **MONTH)

    submitted = act(focal_point, use_2024, "submit")
    assert submitted.status == "submitted" and submitted.submitted_at is not None
    assert alerts_to(secretariat) == ["monitoring.submitted"]
    assert alerts_to(focal_point) == [] and alerts_to(deu_focal) == []

    returned = act(secretariat, submitted, "return", "  Check the past-month figure.  ")
    assert returned.status == "returned" and returned.decided_at is not None
    comment = SubmissionComment.objects.get(submission=use_2024)
    assert (comment.action, comment.text, comment.author) == (
        "return",
        "Check the past-month figure.",
        secretariat,
    )
    assert comment.organisation == secretariat.organisation
    assert alerts_to(focal_point) == ["monitoring.returned"]
    assert alerts_to(police_focal) == ["monitoring.returned"]
    # Not another country, nor the focal point's colleagues (the provider's own organisation,
    # which has no focal point, hears of it through the routes' fallback).
    assert alerts_to(deu_focal) == [] and alerts_to(colleague) == []
    alert = Alert.objects.get(recipient=focal_point)
    assert alert.body == "Check the past-month figure."
    assert alert.record_type == "monitoring.submission" and alert.record_id == str(use_2024.pk)

    put(provider, returned, "PREV", "0.8", **MONTH)  # a returned data set is edited again
    resubmitted = act(focal_point, returned, "submit")
    assert resubmitted.status == "submitted"
    accepted = act(secretariat, resubmitted, "accept")
    assert accepted.status == "accepted"
    published = act(secretariat, accepted, "publish")
    assert published.status == "published" and published.published_at is not None
    assert alerts_to(focal_point) == [
        "monitoring.returned",
        "monitoring.accepted",
        "monitoring.published",
    ]
    assert alerts_to(secretariat) == ["monitoring.submitted", "monitoring.submitted"]

    steps = AuditEvent.objects.filter(
        object_type="monitoring.submission", object_id=str(use_2024.pk)
    ).exclude(action__in=("monitoring.value_set", "monitoring.submission_opened"))
    assert list(steps.order_by("sequence").values_list("action", flat=True)) == [
        "monitoring.submitted",
        "monitoring.returned",
        "monitoring.submitted",
        "monitoring.accepted",
        "monitoring.published",
    ]
    assert published.version == use_2024.version + 5

    # Published: every signed-in user reads it, and its values.
    assert selectors.submission_get(deu_focal, use_2024.pk) == published
    assert selectors.value_list(deu_focal, country="CHN", year=2024).count() == 2


@pytest.mark.parametrize("status", ["submitted", "accepted", "published"])
def test_the_values_of_a_locked_data_set_are_refused(
    use_2024, provider, focal_point, secretariat, status
):
    put(provider, use_2024, "PWID", "10")
    submission = act(focal_point, use_2024, "submit")
    if status in ("accepted", "published"):
        submission = act(secretariat, submission, "accept")
    if status == "published":
        submission = act(secretariat, submission, "publish")
    details = refused(put, actor=provider, submission=submission, element="PWID", value="11")
    (message,) = details["status"]
    assert "reopen it" in message and list(details) == ["status"]
    details = refused(
        services.values_set, actor=provider, submission=submission, items=rows(("PWID", {}, "11"))
    )
    assert "reopen it" in details["status"][0]
    # A stale copy of the record read before the submission changes nothing either.
    stale = Submission.objects.get(pk=use_2024.pk)
    stale.status = "draft"
    details = refused(put, actor=provider, submission=stale, element="PWID", value="11")
    assert "reopen it" in details["status"][0]


def test_the_focal_point_reopens_published_data_with_a_reason(
    use_2024, provider, focal_point, secretariat
):
    put(provider, use_2024, "PWID", "10")
    act(focal_point, use_2024, "submit")
    act(secretariat, use_2024, "accept")
    published = act(secretariat, use_2024, "publish")
    reopened = act(focal_point, published, "reopen", "The survey was re-weighted.")
    assert reopened.status == "draft" and reopened.published_at is None
    assert alerts_to(secretariat)[-1] == "monitoring.reopened"
    assert SubmissionComment.objects.filter(submission=use_2024, action="reopen").exists()
    assert put(provider, reopened, "PWID", "12").value == 12
    # No longer published: another country no longer reads it.
    assert AuditEvent.objects.filter(action="monitoring.reopened").count() == 1


def test_the_secretariat_reopens_accepted_data(use_2024, provider, focal_point, secretariat):
    put(provider, use_2024, "PWID", "10")
    act(focal_point, use_2024, "submit")
    # Submitted data the secretariat returns rather than reopens.
    details = refused(act, actor=secretariat, submission=use_2024, action="reopen", comment="x")
    assert list(details) == ["status"]
    act(secretariat, use_2024, "accept")
    reopened = act(secretariat, use_2024, "reopen", "A figure of the report was wrong.")
    assert reopened.status == "draft"
    assert alerts_to(focal_point)[-1] == "monitoring.reopened"


def test_another_country_s_focal_point_may_not_reopen(use_2024, focal_point, make_user):
    act(focal_point, use_2024, "submit")
    deu_focal = make_user(country="DEU", kind="competent_authority", role="focal_point")
    with pytest.raises(PermissionDenied):
        act(deu_focal, use_2024, "reopen", "Not ours")


@pytest.mark.parametrize(
    "values, found",
    [
        # past-month <= past-year <= lifetime prevalence, for each drug on its own
        (
            [("PREV", "2", YEAR), ("PREV", "1.5", {"drug": "cannabis", "period": "lifetime"})],
            [("PREV_YEAR_LIFETIME", "error")],
        ),
        (
            [
                ("PREV", "1", MONTH),
                ("PREV", "2", YEAR),
                ("PREV", "3", {"drug": "cannabis", "period": "lifetime"}),
                ("PREV", "0.5", {"drug": "cocaine", "period": "past_month"}),
                ("PREV", "0.4", {"drug": "cocaine", "period": "past_year"}),
            ],
            [("PREV_MONTH_YEAR", "error")],
        ),
        # parts not above their total
        (
            [
                ("TREAT", "60", {"drug": "opiates"}),
                ("TREAT", "50", {"drug": "cannabis"}),
                ("TREAT_TOTAL", "100", {}),
            ],
            [("TREAT_PARTS", "error")],
        ),
        ([("TREAT", "60", {"drug": "opiates"}), ("TREAT_TOTAL", "100", {})], []),
        ([("PWID", "2000", {}), ("POP_15_64", "1000", {})], [("PWID_IN_POP", "error")]),
    ],
)
def test_the_shipped_rules(use_2024, provider, values, found):
    for element, value, options in values:
        put(provider, use_2024, element, value, **options)
    report = selectors.validation_report(use_2024)
    assert [(v.rule.code, v.rule.importance) for v in report] == found


def test_jumps_from_the_year_before_are_warnings(definitions, provider, focal_point):
    dataset = selectors.dataset_get(provider, "ARQ_SUPPLY")
    before = services.submission_open(actor=provider, country="CHN", dataset=dataset, year=2023)
    now = services.submission_open(actor=provider, country="CHN", dataset=dataset, year=2024)
    for drug, old, new in (
        ("cannabis", "10", "150"),
        ("cocaine", "100", "5"),
        ("opiates", "8", "9"),
    ):
        put(provider, before, "SEIZ_KG", old, drug=drug)
        put(provider, now, "SEIZ_KG", new, drug=drug)
    report = selectors.validation_report(now)
    assert [(v.rule.code, v.binding, v.is_error) for v in report] == [
        ("SEIZ_DROP", {"drug": "cocaine"}, False),
        ("SEIZ_JUMP", {"drug": "cannabis"}, False),
    ]
    details = refused(act, actor=focal_point, submission=now, action="submit")
    assert len(details["warnings"]) == 2
    put(provider, now, "SEIZ_KG", "150", "One large maritime seizure.", drug="cannabis")
    put(provider, now, "SEIZ_KG", "5", "Route moved away.", drug="cocaine")
    assert act(focal_point, now, "submit").status == "submitted"
