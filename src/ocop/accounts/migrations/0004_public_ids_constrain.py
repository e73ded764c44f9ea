import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    """Constrain: public ids become required and unique."""

    dependencies = [
        ("accounts", "0003_backfill_public_ids"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="public_id",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="mã công khai"
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="public_id",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="mã công khai"
            ),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="public_id",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="mã công khai"
            ),
        ),
    ]
