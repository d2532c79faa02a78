"""Issue 13's notification items: PEN Light's rules, exporter-set deadlines, the silence rule,
the law-enforcement reading setting, documents, invocations recorded by the secretariat, and
the secretariat's question and reminder."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from drugcontrol.core.errors import Conflict, PermissionDenied, ValidationFailed
from drugcontrol.core.models import Alert, AuditEvent, Country
from drugcontrol.core.visibility import visible
from drugcontrol.entities.models import Party
from drugcontrol.precursors import selectors, services, workflow
from drugcontrol.precursors.models import (
    ImportingCountryPolicy,
    MessageKind,
    Notification,
)
from drugcontrol.substances.models import SurveillanceChemical
from tests.conftest import signed_in

from .conftest import draft, submitted

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today


def past_deadline(notification, *, days=1) -> Notification:
    Notification.objects.filter(pk=notification.pk).update(
        reply_deadline=timezone.localdate() - datetime.timedelta(days=days)
    )
    return Notification.objects.get(pk=notification.pk)


def events(notification, action) -> int:
    return AuditEvent.objects.filter(object_id=str(notification.pk), action=action).count()


# --- the reply deadline the exporting authority sets ----------------------------------------


def test_the_exporter_sets_the_deadline_within_the_importing_country_s_terms(people):
    exporter = people["exporter"]
    services.policy_set(
        actor=people["importer"],
        country=Country.objects.get(iso3="AUS"),
        reply_days=20,
        explicit_clearance=False,
    )
    wanted = timezone.localdate() + datetime.timedelta(days=10)
    notification = submitted(exporter, reply_deadline=wanted.isoformat())
    assert notification.reply_deadline == wanted
    assert notification.days_left == 10
    assert submitted(exporter).reply_deadline == timezone.localdate() + datetime.timedelta(days=20)
    for bad in (21, -1):
        with pytest.raises(ValidationFailed) as caught:
            draft(
                exporter,
                reply_deadline=(timezone.localdate() + datetime.timedelta(days=bad)).isoformat(),
            )
        assert list(caught.value.details) == ["reply_deadline"]
    # A draft saved with a deadline is checked again on submission, against that day.
    kept = draft(exporter, reply_deadline=wanted.isoformat())
    Notification.objects.filter(pk=kept.pk).update(
        reply_deadline=timezone.localdate() + datetime.timedelta(days=30)
    )
    with pytest.raises(ValidationFailed) as caught:
        services.notification_submit(
            actor=exporter, notification=Notification.objects.get(pk=kept.pk)
        )
    assert "reply_deadline" in caught.value.details


def test_the_deadline_through_the_api_is_a_422_naming_the_field(people):
    client = signed_in(people["exporter"])
    too_late = (timezone.localdate() + datetime.timedelta(days=40)).isoformat()
    answer = client.post(
        "/api/v1/precursors/notifications",
        {"importing_country": "AUS", "reply_deadline": too_late},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert "reply_deadline" in answer.json()["error"]["details"]


# --- silence is never consent unless the exporting country's law says so --------------------


def test_silence_is_overdue_unless_the_exporting_country_records_its_law(people):
    exporter = people["exporter"]
    plain = past_deadline(submitted(exporter))
    assert plain.effective_status == "overdue"
    assert not workflow.may_ship(plain)
    with pytest.raises(Conflict):
        services.notification_ship(actor=exporter, notification=plain)
    # The exporting country's authority records that its law allows shipment after the
    # deadline without an answer; it applies to notifications submitted from then on.
    services.policy_set(
        actor=exporter_focal(people),
        country=Country.objects.get(iso3="CHN"),
        reply_days=15,
        explicit_clearance=False,
        silence_allows_shipment=True,
    )
    silent = past_deadline(submitted(exporter))
    assert silent.silence_rule is True
    assert silent.effective_status == "no_objection"
    assert workflow.may_ship(silent)
    assert Notification.objects.get(pk=plain.pk).effective_status == "overdue"
    overdue = selectors.notification_list(user=exporter, status="overdue")
    assert [n.pk for n in overdue] == [plain.pk]
    passed = selectors.notification_list(user=exporter, status="no_objection")
    assert [n.pk for n in passed] == [silent.pk]
    page = signed_in(exporter).get(f"/precursors/{silent.pk}/").content.decode()
    assert 'data-testid="no-objection"' in page
    # Nothing records consent: the audit trail holds the submission only.
    assert not AuditEvent.objects.filter(
        object_id=str(silent.pk), action__contains="clear"
    ).exists()
    services.notification_ship(actor=exporter, notification=silent)


def exporter_focal(people):
    return people["exporter_focal"]


# --- the law-enforcement reading setting -----------------------------------------------------


def test_law_enforcement_reads_notifications_only_where_its_country_says_so(people, make_user):
    notification = submitted(people["exporter"])
    police = make_user(country="AUS", kind="law_enforcement", role="viewer")
    assert not visible(Notification, police).filter(pk=notification.pk).exists()
    client = signed_in(police)
    assert client.get(f"/api/v1/precursors/notifications/{notification.pk}").status_code == 404
    assert client.get(f"/precursors/{notification.pk}/").status_code == 404
    assert client.get("/api/v1/precursors/notifications").json()["count"] == 0
    parties = Party.objects.filter(pk__in=notification.parties.values("party_id"))
    assert not visible(parties, police).exists()  # derived data follows its source
    services.policy_set(
        actor=people["importer"],
        country=Country.objects.get(iso3="AUS"),
        reply_days=15,
        explicit_clearance=False,
        law_enforcement_reads=True,
    )
    police.refresh_from_db()
    police = type(police).objects.get(pk=police.pk)
    assert visible(Notification, police).filter(pk=notification.pk).exists()
    assert visible(parties, police).count() == 2
    assert client.get(f"/api/v1/precursors/notifications/{notification.pk}").status_code == 200
    # Reading is all it gives: law enforcement never acts on a notification.
    with pytest.raises(PermissionDenied):
        services.message_post(actor=police, notification=notification, body="Hello")
    # Another country's setting does not open it to a country not involved.
    other = make_user(country="MEX", kind="law_enforcement", role="viewer")
    ImportingCountryPolicy.objects.create(country_id="MEX", law_enforcement_reads=True)
    assert not visible(Notification, other).filter(pk=notification.pk).exists()


# --- documents -----------------------------------------------------------------------------


PDF = b"%PDF-1.4\n% invoice\n"


def test_documents_follow_the_notification_and_who_may_attach(people):
    exporter, importer = people["exporter"], people["importer"]
    notification = draft(exporter)
    invoice = services.notification_attach(
        actor=exporter, notification=notification, kind="invoice", name="../inv.pdf", content=PDF
    )
    assert invoice.name == "inv.pdf" and invoice.content_type == "application/pdf"
    assert events(notification, "precursors.attachment_added") == 1
    for name, content, kind in (
        ("inv.exe", b"MZ", "invoice"),
        ("inv.pdf", b"PK\x03\x04", "invoice"),
        ("inv.pdf", b"", "invoice"),
        ("inv.pdf", PDF, "passport"),
    ):
        with pytest.raises(ValidationFailed) as caught:
            services.notification_attach(
                actor=exporter, notification=notification, kind=kind, name=name, content=content
            )
        assert set(caught.value.details) <= {"file", "kind"}
    with pytest.raises(PermissionDenied):  # the importer does not attach to a draft
        services.notification_attach(
            actor=importer,
            notification=notification,
            kind="import_permit",
            name="p.pdf",
            content=PDF,
        )
    notification = services.notification_submit(actor=exporter, notification=notification)
    with pytest.raises(PermissionDenied):  # the exporter no longer edits it
        services.notification_attach(
            actor=exporter, notification=notification, kind="invoice", name="i.pdf", content=PDF
        )
    services.notification_attach(
        actor=importer, notification=notification, kind="import_permit", name="p.pdf", content=PDF
    )
    with pytest.raises(PermissionDenied):  # transit countries read only
        services.notification_attach(
            actor=people["transit"],
            notification=notification,
            kind="other",
            name="t.txt",
            content=b"note",
        )
    url = f"/precursors/{notification.pk}/attachments/{invoice.pk}/"
    answer = signed_in(people["transit"]).get(url)
    assert answer.status_code == 200 and b"".join(answer.streaming_content) == PDF
    assert signed_in(people["third"]).get(url).status_code == 404
    other = submitted(exporter)
    assert (
        signed_in(exporter).get(f"/precursors/{other.pk}/attachments/{invoice.pk}/").status_code
        == 404
    )
    api = signed_in(people["secretariat"])
    listed = api.get(f"/api/v1/precursors/notifications/{notification.pk}/attachments").json()
    assert [a["kind"] for a in listed["items"]] == ["invoice", "import_permit"]
    assert (
        api.get(
            f"/api/v1/precursors/notifications/{notification.pk}/attachments/{invoice.pk}"
        ).status_code
        == 200
    )
    assert (
        signed_in(people["third"])
        .get(f"/api/v1/precursors/notifications/{notification.pk}/attachments")
        .status_code
        == 404
    )


def test_documents_through_the_api_and_the_page(people):
    exporter = people["exporter"]
    notification = draft(exporter)
    client = signed_in(exporter)
    url = f"/api/v1/precursors/notifications/{notification.pk}/attachments"
    answer = client.post(url, {"kind": "invoice", "file": SimpleUploadedFile("invoice.pdf", PDF)})
    assert answer.status_code == 201, answer.content
    assert answer.json()["name"] == "invoice.pdf"
    bad = client.post(url, {"kind": "invoice", "file": SimpleUploadedFile("x.png", PDF)})
    assert bad.status_code == 422 and "file" in bad.json()["error"]["details"]
    page = client.post(
        f"/precursors/{notification.pk}/attachments/",
        {"kind": "export_authorization", "file": SimpleUploadedFile("auth.txt", b"EA-1\n")},
    )
    assert page.status_code == 302
    detail = client.get(f"/api/v1/precursors/notifications/{notification.pk}").json()
    assert [a["kind"] for a in detail["attachments"]] == ["invoice", "export_authorization"]


# --- the import permit ----------------------------------------------------------------------


def test_the_import_permit_is_required_where_the_importing_country_s_law_says_so(people):
    exporter = people["exporter"]
    services.policy_set(
        actor=people["importer"],
        country=Country.objects.get(iso3="AUS"),
        reply_days=15,
        explicit_clearance=False,
        import_permit_required=True,
    )
    with pytest.raises(ValidationFailed) as caught:
        submitted(exporter)
    assert {"import_permit_number", "import_permit_date"} <= set(caught.value.details)
    notification = submitted(
        exporter, import_permit_number="AU-IP-2026-0042", import_permit_date=TODAY().isoformat()
    )
    assert notification.import_permit_number == "AU-IP-2026-0042"
    detail = signed_in(people["importer"]).get(
        f"/api/v1/precursors/notifications/{notification.pk}"
    )
    assert detail.json()["import_permit_number"] == "AU-IP-2026-0042"
    with pytest.raises(ValidationFailed) as caught:
        draft(exporter, import_permit_number="x" * 65)
    assert "import_permit_number" in caught.value.details


# --- PEN Light --------------------------------------------------------------------------------


def light_raw(**overrides) -> dict:
    raw = {
        "kind": "light",
        "lines": [
            {
                "substance": "Benzyl cyanide",
                "cas": "140-29-4",
                "hs_code": "2926.90",
                "quantity": "500",
                "unit": "kg",
            }
        ],
        "point_of_entry": "",
        "expected_dispatch": None,
    }
    raw.update(overrides)
    return raw


def test_pen_light_has_its_own_mandatory_fields_and_no_deadline_silence_or_overdue(people):
    exporter = people["exporter"]
    services.policy_set(
        actor=exporter_focal(people),
        country=Country.objects.get(iso3="CHN"),
        reply_days=15,
        explicit_clearance=False,
        silence_allows_shipment=True,
    )
    # A chemical described by CAS number needs its HS code, and a valid CAS number.
    with pytest.raises(ValidationFailed) as caught:
        draft(
            exporter,
            **light_raw(
                lines=[{"substance": "X", "cas": "140-29-4", "quantity": "1", "unit": "kg"}]
            ),
        )
    assert "lines.0.hs_code" in caught.value.details
    with pytest.raises(ValidationFailed) as caught:
        draft(
            exporter,
            **light_raw(
                lines=[
                    {
                        "substance": "X",
                        "cas": "140-29-5",
                        "hs_code": "29",
                        "quantity": "1",
                        "unit": "kg",
                    }
                ]
            ),
        )
    assert "lines.0.cas" in caught.value.details
    with pytest.raises(ValidationFailed) as caught:  # answers are voluntary: no deadline
        draft(exporter, **light_raw(reply_deadline=TODAY().isoformat()))
    assert "reply_deadline" in caught.value.details
    # Its own mandatory fields: exporter and importer (no address, entry point or date).
    lacking = draft(exporter, **light_raw(parties=[]))
    with pytest.raises(ValidationFailed) as caught:
        services.notification_submit(actor=exporter, notification=lacking)
    assert set(caught.value.details) == {"parties.exporter", "parties.importer"}
    parties = [
        {"role": "exporter", "name": "Zhejiang Light Chem Co., Ltd.", "country": "CHN"},
        {"role": "importer", "name": "Sydney Solvents Pty Ltd", "country": "AUS"},
    ]
    light = submitted(exporter, **light_raw(parties=parties))
    assert light.reference.startswith("VN-")
    assert light.reply_deadline is None and light.silence_rule is False
    line = light.lines.get()
    assert (line.cas, line.hs_code, line.description) == ("140-29-4", "2926.90", "Benzyl cyanide")
    Notification.objects.filter(pk=light.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=60)
    )
    light.refresh_from_db()
    assert light.effective_status == "submitted"  # never overdue
    assert not workflow.is_overdue(light)
    assert workflow.may_ship(light)  # no answer is asked for
    # A chemical of the special surveillance list is enough on its own.
    chemical = SurveillanceChemical.objects.create(name="Listed chemical", edition="2026")
    listed = submitted(
        exporter,
        **light_raw(
            parties=parties,
            lines=[{"surveillance_chemical_id": chemical.pk, "quantity": "5", "unit": "kg"}],
        ),
    )
    assert listed.status == "submitted"


def test_response_statistics_leave_pen_light_out_unless_asked(people):
    exporter = people["exporter"]
    submitted(exporter)
    parties = [
        {"role": "exporter", "name": "Zhejiang Light Chem Co., Ltd.", "country": "CHN"},
        {"role": "importer", "name": "Sydney Solvents Pty Ltd", "country": "AUS"},
    ]
    submitted(exporter, **light_raw(parties=parties))
    period = {"since": TODAY() - datetime.timedelta(days=1), "until": TODAY()}
    reader = people["third"]
    assert [r["received"] for r in selectors.response_statistics(user=reader, **period)] == [1]
    light = selectors.response_statistics(user=reader, kind="light", **period)
    assert [r["received"] for r in light] == [1]
    both = selectors.response_statistics(user=reader, kind=None, **period)
    assert [r["received"] for r in both] == [2]
    client = signed_in(reader)
    assert client.get("/api/v1/precursors/statistics").json()[0]["received"] == 1
    assert client.get("/api/v1/precursors/statistics?kind=all").json()[0]["received"] == 2
    assert client.get("/api/v1/precursors/statistics?kind=other").status_code == 422


# --- the secretariat's question and reminder ------------------------------------------------


def test_the_secretariat_reminds_the_importer_of_an_overdue_notification(people):
    secretariat, importer = people["secretariat"], people["importer"]
    notification = submitted(people["exporter"])
    with pytest.raises(Conflict):  # not overdue yet
        services.reminder_send(actor=secretariat, notification=notification)
    with pytest.raises(PermissionDenied):
        services.reminder_send(actor=people["exporter"], notification=notification)
    notification = past_deadline(notification, days=3)
    Alert.objects.all().delete()
    reminder = services.reminder_send(
        actor=secretariat, notification=notification, body="Please answer."
    )
    assert reminder.kind == MessageKind.REMINDER
    assert events(notification, "precursors.reminder_sent") == 1
    told = set(Alert.objects.values_list("recipient__username", flat=True))
    assert importer.username in told and people["importer_focal"].username in told
    assert people["exporter"].username not in told
    alert = Alert.objects.get(recipient=importer)
    assert alert.message_key == "precursors.notification_reminder"
    assert notification.reference in alert.title
    # Through the API, as the page does: one route of the workflow table.
    client = signed_in(secretariat)
    answer = client.post(
        f"/api/v1/precursors/notifications/{notification.pk}/remind",
        {},
        content_type="application/json",
    )
    assert answer.status_code == 201
    assert [m["kind"] for m in answer.json()["messages"]] == ["reminder", "reminder"]
    cleared = services.notification_answer(
        actor=importer, notification=Notification.objects.get(pk=notification.pk), decision="clear"
    )
    assert (
        client.post(
            f"/api/v1/precursors/notifications/{cleared.pk}/remind",
            {},
            content_type="application/json",
        ).status_code
        == 409
    )


def test_the_secretariat_asks_a_question_on_any_notification(people):
    secretariat = people["secretariat"]
    notification = submitted(people["exporter"])
    Alert.objects.all().delete()
    question = services.question_post(
        actor=secretariat, notification=notification, body="Which end use?"
    )
    assert question.kind == MessageKind.QUESTION
    assert events(notification, "precursors.question_posted") == 1
    told = set(Alert.objects.values_list("recipient__username", flat=True))
    assert {people["exporter"].username, people["importer"].username} <= told
    with pytest.raises(ValidationFailed):
        services.question_post(actor=secretariat, notification=notification, body=" ")
    with pytest.raises(PermissionDenied):
        services.question_post(actor=people["importer"], notification=notification, body="?")
    page = signed_in(secretariat).post(
        f"/precursors/{notification.pk}/action/",
        {"action": "question", "body": "And the quantity?"},
    )
    assert page.status_code == 302
    assert notification.messages.filter(kind="question").count() == 2


# --- invocations ----------------------------------------------------------------------------


def test_invocations_are_recorded_by_the_secretariat_and_published(people):
    aus = Country.objects.get(iso3="AUS")
    with pytest.raises(PermissionDenied):
        services.invocation_add(actor=people["importer"], country=aus, scope="all", since=TODAY())
    invocation = services.invocation_add(
        actor=people["secretariat"],
        country=aus,
        scope="table_i",
        since=TODAY(),
        requested_on=TODAY() - datetime.timedelta(days=10),
    )
    assert invocation.recorded_by == people["secretariat"]
    event = AuditEvent.objects.get(action="precursors.invocation_added")
    assert event.after["requested_on"] == (TODAY() - datetime.timedelta(days=10)).isoformat()
    listed = signed_in(people["operator"]).get("/api/v1/precursors/invocations").json()
    assert [(i["country"], i["scope"]) for i in listed["items"]] == [("AUS", "table_i")]
    assert listed["items"][0]["requested_on"] == event.after["requested_on"]
    page = signed_in(people["operator"]).get("/precursors/invocations/").content.decode()
    assert 'data-testid="invocation-row"' in page and 'data-testid="invocation-form"' not in page
