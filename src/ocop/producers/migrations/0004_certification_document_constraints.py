"""Constrain: public UUIDs unique and required; certification dates ordered; one successor per
document version."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("producers", "0003_backfill_certification_document_public_id"),
    ]

    operations = [
        migrations.AlterField(
            model_name="certification",
            name="public_id",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="mã công khai"
            ),
        ),
        migrations.AlterField(
            model_name="producerdocument",
            name="public_id",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="mã công khai"
            ),
        ),
        migrations.AddConstraint(
            model_name="certification",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("valid_to__isnull", True),
                    ("valid_to__gte", models.F("valid_from")),
                    _connector="OR",
                ),
                name="certification_valid_to_after_from",
            ),
        ),
        migrations.AddConstraint(
            model_name="producerdocument",
            constraint=models.UniqueConstraint(
                fields=("replaces",), name="uniq_producer_document_replaces"
            ),
        ),
    ]
