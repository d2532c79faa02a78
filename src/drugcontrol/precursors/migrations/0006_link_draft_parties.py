"""A draft notification's parties are linked to it (audience: the exporting country), as a
submitted notification's are, so that whoever sees the draft sees the parties it names:
link the drafts on file."""

from django.db import migrations

RECORD_TYPE = "precursors.notification"


def link_draft_parties(apps, schema_editor):
    NotificationParty = apps.get_model("precursors", "NotificationParty")
    PartyLink = apps.get_model("entities", "PartyLink")
    drafts = NotificationParty.objects.filter(notification__status="draft").select_related(
        "notification__exporting_authority"
    )
    linked = set(
        PartyLink.objects.filter(
            record_type=RECORD_TYPE,
            record_id__in=[str(pk) for pk in drafts.values_list("notification_id", flat=True)],
        ).values_list("record_id", "party_id")
    )
    PartyLink.objects.bulk_create(
        [
            PartyLink(
                party_id=item.party_id,
                record_type=RECORD_TYPE,
                record_id=str(item.notification_id),
                role=item.role,
                reported_name=item.reported_name,
                organisation_id=item.notification.exporting_authority_id,
                country_id=item.notification.exporting_authority.country_id,
                audience="country",
            )
            for item in drafts.iterator()
            if (str(item.notification_id), item.party_id) not in linked
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("precursors", "0005_link_suspicious_order_customers")]

    operations = [migrations.RunPython(link_draft_parties, migrations.RunPython.noop)]
