# The special surveillance list now belongs to the substances app (substances 0003, which
# takes over the same table). The foreign keys of notification lines and Form D rows point
# at it there, then this app forgets the model. State only: the table, its rows and the
# foreign key constraints (which name the same table and column) stay as they are.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('precursors', '0011_requirement_source_choices'),
        ('substances', '0003_surveillance_chemical'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='notificationline',
                    name='surveillance_chemical',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='substances.surveillancechemical'),
                ),
                migrations.AlterField(
                    model_name='annualreportrow',
                    name='surveillance_chemical',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='substances.surveillancechemical'),
                ),
                migrations.DeleteModel(
                    name='SurveillanceChemical',
                ),
            ],
            database_operations=[],
        ),
    ]
