from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("entities", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="partyname",
            name="words",
            field=models.CharField(blank=True, default="", max_length=600),
        ),
    ]
