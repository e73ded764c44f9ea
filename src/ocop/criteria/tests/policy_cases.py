"""Who may reach the criteria pages and API (see ocop.core.testing for the format).

Rule sets are national reference data, not scoped by unit: admins and province officers manage
them (import, confirm), inspectors and council members read them, admins alone delete unused
ones. Commune officers, producers and anonymous visitors get nothing.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.core.testing import ADMIN, COUNCIL_MEMBER, INSPECTOR, PROVINCE_OFFICER, api, html
from ocop.criteria.tests import factories as f

VIEWERS = {ADMIN, PROVINCE_OFFICER, INSPECTOR, COUNCIL_MEMBER}
EDITORS = {ADMIN, PROVINCE_OFFICER}
QD1048 = "QD1048-2019.fresh-produce"
SPARE = "TEST.synthetic"


def setup(world) -> None:
    """The product classification, the QD1048 sheet and a spare (deletable) synthetic sheet."""
    f.load_product_sets()
    f.load_file(f.QD1048)
    f.load_file(f.SKELETON)
    doc = f.document(id=SPARE)
    doc["applies_to"]["product_sets"] = ["QD1048-03"]
    from ocop.criteria import services

    services.ruleset_import_yaml(actor=f.system(), data=f.to_bytes(doc))


def _yaml_upload(c):
    doc = f.document(id=f"TEST.matrix-{c.seq}")
    return {"file": SimpleUploadedFile("bo-tieu-chi.yaml", f.to_bytes(doc))}


def _code(c):
    return {"code": QD1048}


CASES = [
    # --- pages
    html("criteria:ruleset_list", allow=VIEWERS),
    html("criteria:ruleset_detail", kwargs=_code, allow=VIEWERS),
    html("criteria:ruleset_export_xlsx", kwargs=_code, allow=VIEWERS),
    html("criteria:ruleset_export_yaml", kwargs=_code, allow=VIEWERS),
    html("criteria:ruleset_template", allow=EDITORS),
    html("criteria:ruleset_upload", allow=EDITORS),
    html("criteria:ruleset_upload", method="POST", data=_yaml_upload, allow=EDITORS),
    html(
        "criteria:ruleset_upload_save",
        method="POST",
        data=lambda c: {"token": "expired"},
        allow=EDITORS,
        note="without a pending upload the page sends the officer back to the upload form",
    ),
    html("criteria:ruleset_confirm", kwargs=_code, allow=EDITORS),
    html(
        "criteria:ruleset_confirm",
        method="POST",
        kwargs=_code,
        data=lambda c: {"note": "Đối chiếu Phụ lục III"},
        allow=EDITORS,
    ),
    html("criteria:ruleset_delete", method="POST", kwargs=lambda c: {"code": SPARE}, allow={ADMIN}),
    # --- API
    api("ruleset_list", allow=VIEWERS),
    api("ruleset_get", params=_code, allow=VIEWERS),
    api("ruleset_export_xlsx", params=_code, allow=VIEWERS),
    api(
        "ruleset_for",
        query=lambda c: {"product_set": "QD1048-01", "on": "2021-11-22"},
        allow=VIEWERS,
    ),
    api("ruleset_validate", form=_yaml_upload, allow=EDITORS),
    api("ruleset_import", form=_yaml_upload, allow=EDITORS),
    api("ruleset_confirm", params=_code, json=lambda c: {"note": "Đối chiếu"}, allow=EDITORS),
]
