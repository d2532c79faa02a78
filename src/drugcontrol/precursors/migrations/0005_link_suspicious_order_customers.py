"""Suspicious orders name their customer party through a party link, as other records do,
so that whoever may read the report sees the party: link the orders already on file."""

from django.db import migrations

ORDER_RECORD_TYPE = "precursors.suspiciousorder"


def link_customers(apps, schema_editor):
    SuspiciousOrder = apps.get_model("precursors", "SuspiciousOrder")
    PartyLink = apps.get_model("entities", "PartyLink")
    linked = set(
        PartyLink.objects.filter(record_type=ORDER_RECORD_TYPE).values_list("record_id", flat=True)
    )
    PartyLink.objects.bulk_create(
        [
            PartyLink(
                party_id=order.customer_party_id,
                record_type=ORDER_RECORD_TYPE,
                record_id=str(order.pk),
                role="customer",
                reported_name=order.customer_name,
                organisation_id=order.reporting_organisation_id,
                country_id=order.country_id,
                audience="country",
                created_at=order.created_at,
            )
            for order in SuspiciousOrder.objects.exclude(customer_party=None).iterator()
            if str(order.pk) not in linked
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("entities", "0003_correlation_withdrawn_by"),
        ("precursors", "0004_severity_without_reader_dependent_findings"),
    ]

    operations = [migrations.RunPython(link_customers, migrations.RunPython.noop)]
