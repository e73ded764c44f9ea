from django.db import migrations, models


class Migration(migrations.Migration):
    """Expand: nullable public ids and the folded search column (filled by 0003)."""

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="public_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="mã công khai"),
        ),
        migrations.AddField(
            model_name="membership",
            name="public_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="mã công khai"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="public_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="mã công khai"),
        ),
        migrations.AddField(
            model_name="user",
            name="name_search",
            field=models.CharField(blank=True, default="", editable=False, max_length=500),
        ),
    ]
