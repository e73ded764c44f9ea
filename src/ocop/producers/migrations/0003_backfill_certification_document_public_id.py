"""Backfill: one fresh UUID per existing certification and document."""

import uuid

from django.db import migrations


def fill_public_ids(apps, schema_editor):
    for model_name in ("Certification", "ProducerDocument"):
        model = apps.get_model("producers", model_name)
        for pk in model.objects.filter(public_id__isnull=True).values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("producers", "0002_certification_document_public_id_expand"),
    ]

    operations = [
        # Reversing keeps the values: 0002's reverse drops the column anyway.
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
    ]
