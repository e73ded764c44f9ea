import uuid

from django.db import migrations


def fill(apps, schema_editor):
    from ocop.core.text import fold

    for name in ("User", "Membership", "ApiToken"):
        model = apps.get_model("accounts", name)
        for row in model.objects.filter(public_id__isnull=True).only("pk"):
            model.objects.filter(pk=row.pk).update(public_id=uuid.uuid4())
    User = apps.get_model("accounts", "User")
    for user in User.objects.only("pk", "full_name", "username", "email"):
        text = fold(" ".join([user.full_name, user.username, user.email]))
        User.objects.filter(pk=user.pk).update(name_search=text[:500])


class Migration(migrations.Migration):
    """Backfill: a random public id for existing rows and their search text."""

    dependencies = [
        ("accounts", "0002_public_ids_add"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
