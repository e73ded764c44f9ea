"""Expand: a nullable public UUID on certifications and documents (backfilled in 0003)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("producers", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="certification",
            name="public_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="mã công khai"),
        ),
        migrations.AddField(
            model_name="producerdocument",
            name="public_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="mã công khai"),
        ),
    ]
