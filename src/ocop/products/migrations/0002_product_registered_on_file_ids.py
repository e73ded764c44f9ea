"""Registration date on products, public ids on images and documents, unique group codes.

Public ids are added in three steps (nullable, backfilled, then unique) so existing rows get
distinct values.
"""

import uuid

from django.db import migrations, models

import ocop.core.clock


def backfill_public_ids(apps, schema_editor):
    for name in ("ProductImage", "ProductDocument"):
        model = apps.get_model("products", name)
        for row in model.objects.filter(public_id__isnull=True).only("pk").iterator():
            model.objects.filter(pk=row.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="registered_on",
            field=models.DateField(
                db_index=True, default=ocop.core.clock.today, verbose_name="ngày đăng ký"
            ),
        ),
        migrations.AddField(
            model_name="productimage",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="productdocument",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(backfill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="productimage",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="productdocument",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterModelOptions(
            name="productimage",
            options={
                "ordering": ["id"],
                "verbose_name": "ảnh sản phẩm",
                "verbose_name_plural": "ảnh sản phẩm",
            },
        ),
        migrations.AddConstraint(
            model_name="productgroup",
            constraint=models.UniqueConstraint(
                fields=("sector", "code"), name="uniq_product_group_code"
            ),
        ),
    ]
