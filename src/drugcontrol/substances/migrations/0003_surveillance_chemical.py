# The special surveillance list moves from the precursors app to the substances app as
# substance reference data. Only Django's idea of the model moves: the table keeps its name
# (precursors_surveillancechemical), its rows, its index and its constraint, so nothing is
# written to the database. precursors 0012 then points its foreign keys here and forgets
# its own copy of the model.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('substances', '0002_structure_kind_relative'),
        # The table is created by precursors 0001; later changes to it here need it first.
        ('precursors', '0009_notification_items'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SurveillanceChemical',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=300, verbose_name='name')),
                        ('cas', models.CharField(blank=True, db_index=True, max_length=12, verbose_name='CAS number')),
                        ('hs_code', models.CharField(blank=True, max_length=12, verbose_name='HS code')),
                        ('notes', models.CharField(blank=True, max_length=500, verbose_name='notes')),
                        ('edition', models.CharField(max_length=40, verbose_name='list edition')),
                        ('substance', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='substances.substance')),
                    ],
                    options={
                        'verbose_name': 'chemical under special surveillance',
                        'verbose_name_plural': 'chemicals under special surveillance',
                        'db_table': 'precursors_surveillancechemical',
                        'ordering': ['name'],
                        'constraints': [models.UniqueConstraint(fields=('name',), name='surveillance_name_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
