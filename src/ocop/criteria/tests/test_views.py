"""Pages: who sees what, the upload → report → save journey, confirmation, exports."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import user_with_role
from ocop.criteria.models import RuleSet
from ocop.criteria.tests import factories as f

LIST = reverse("criteria:ruleset_list")


def login(client, role, **units):
    user = user_with_role(role, **units)
    client.force_login(user)
    return user


def detail(code):
    return reverse("criteria:ruleset_detail", args=[code])


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.PROVINCE_OFFICER, Role.INSPECTOR, Role.COUNCIL_MEMBER]
)
def test_officers_inspectors_and_council_members_see_the_list_and_the_tree(
    client, shipped, province, role
):
    login(client, role, province=None if role == Role.ADMIN else province)

    page = client.get(LIST)
    tree = client.get(detail("QD1048-2019.fresh-produce"))

    assert page.status_code == 200
    assert "QD148-2023.skeleton" in page.content.decode()
    assert tree.status_code == 200
    body = tree.content.decode()
    assert "A3.2.d" in body
    assert "Tiêu chí chưa được đối chiếu với văn bản chính thức." in body
    assert "KI-1" in body


@pytest.mark.parametrize("role", [Role.PRODUCER, Role.COMMUNE_OFFICER])
def test_other_roles_are_refused(client, shipped, commune, role):
    login(client, role, commune=commune if role == Role.COMMUNE_OFFICER else None)

    assert client.get(LIST).status_code == 403
    assert client.get(detail("QD1048-2019.fresh-produce")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, shipped):
    response = client.get(LIST)

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_skeleton_page_says_it_cannot_be_scored(client, shipped):
    login(client, Role.ADMIN)

    body = client.get(detail("QD148-2023.skeleton")).content.decode()

    assert "không mở được phiếu chấm điểm" in body
    assert "chưa rõ" in body
    assert "24/02/2023" in body


def test_viewers_get_no_editing_buttons(client, shipped, province):
    login(client, Role.INSPECTOR, province=province)

    body = client.get(detail("QD1048-2019.fresh-produce")).content.decode()
    page = client.get(LIST).content.decode()

    assert reverse("criteria:ruleset_confirm", args=["QD1048-2019.fresh-produce"]) not in body
    assert reverse("criteria:ruleset_upload") not in page
    assert client.get(reverse("criteria:ruleset_upload")).status_code == 403
    assert client.get(reverse("criteria:ruleset_template")).status_code == 403


def test_the_template_download_is_a_workbook(client, product_sets, province):
    login(client, Role.PROVINCE_OFFICER, province=province)

    response = client.get(reverse("criteria:ruleset_template"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Thông tin", "Tiêu chí", "Hạng sao"]


def _upload(client, data: bytes, name: str):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("criteria:ruleset_upload"), {"file": file})


def test_an_invalid_upload_shows_the_report_and_saves_nothing(client, product_sets):
    login(client, Role.ADMIN)

    response = _upload(client, f.INVALID_FIXTURE.read_bytes(), "invalid.yaml")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Phần A: tổng điểm tối đa tính được 36 ≠ khai báo 35." in body
    assert "Tổng điểm tối đa tính được của các phần là 101 ≠ thang điểm 100." in body
    assert 'name="token"' not in body
    assert RuleSet.objects.count() == 0


def test_a_valid_upload_is_saved_only_after_confirming(client, product_sets):
    login(client, Role.ADMIN)

    response = _upload(client, f.to_bytes(f.document()), "bo-thu.yaml")

    assert RuleSet.objects.count() == 0
    assert 'name="token"' in response.content.decode()
    token = response.context["token"]
    saved = client.post(reverse("criteria:ruleset_upload_save"), {"token": token})
    assert saved.status_code == 302
    assert saved["Location"] == detail("TEST.synthetic")
    assert RuleSet.objects.get().status == "unverified_transcription"
    again = client.post(reverse("criteria:ruleset_upload_save"), {"token": token})
    assert again["Location"] == reverse("criteria:ruleset_upload")
    assert RuleSet.objects.count() == 1


def test_an_excel_upload_goes_through_the_same_report(client, product_sets):
    from ocop.criteria import excel
    from ocop.criteria.parse import parse_document

    login(client, Role.ADMIN)
    spec, _ = parse_document(f.read(f.QD1048))

    response = _upload(client, excel.export_workbook(spec), "bang-diem.xlsx")

    assert response.context["report"].valid
    assert response.context["summary"]["options"] == 113


def test_an_unreadable_upload_is_a_form_error(client, product_sets):
    login(client, Role.ADMIN)

    response = _upload(client, b"schema: [", "broken.yaml")

    assert response.status_code == 200
    assert "YAML không hợp lệ" in response.content.decode()


def test_an_officer_confirms_through_the_page(client, qd1048, province):
    login(client, Role.PROVINCE_OFFICER, province=province)
    url = reverse("criteria:ruleset_confirm", args=[qd1048.code])

    assert client.get(url).status_code == 200
    empty = client.post(url, {"note": ""})
    assert empty.status_code == 200
    response = client.post(url, {"note": "Đối chiếu Phụ lục III"})

    assert response.status_code == 302
    qd1048.refresh_from_db()
    assert qd1048.status == "verified_official"
    body = client.get(detail(qd1048.code)).content.decode()
    assert "Tiêu chí chưa được đối chiếu" not in body


def test_an_inspector_cannot_confirm(client, qd1048, province):
    login(client, Role.INSPECTOR, province=province)

    response = client.post(reverse("criteria:ruleset_confirm", args=[qd1048.code]), {"note": "x"})

    assert response.status_code == 403
    qd1048.refresh_from_db()
    assert qd1048.status == "unverified_transcription"


def test_exports_give_back_the_rule_set(client, qd1048, province):
    login(client, Role.COUNCIL_MEMBER, province=province)

    xlsx = client.get(reverse("criteria:ruleset_export_xlsx", args=[qd1048.code]))
    yaml_file = client.get(reverse("criteria:ruleset_export_yaml", args=[qd1048.code]))
    source = client.get(reverse("criteria:ruleset_export_yaml", args=[qd1048.code]) + "?source=1")

    assert xlsx.status_code == 200
    assert load_workbook(io.BytesIO(xlsx.content))["Thông tin"]["C3"].value == qd1048.code
    assert b"id: QD1048-2019.fresh-produce" in yaml_file.content
    assert source.content.decode() == qd1048.source_text


def test_an_admin_deletes_an_unused_rule_set_but_not_a_superseded_one(client, qd1048):
    login(client, Role.ADMIN)
    doc = f.read(f.QD1048)
    doc.update(id="QD1048-2019.fresh-produce-rev2", supersedes=qd1048.code)
    from ocop.criteria import services

    services.ruleset_import_yaml(actor=f.system(), data=f.to_bytes(doc))

    refused = client.post(reverse("criteria:ruleset_delete", args=[qd1048.code]))
    deleted = client.post(reverse("criteria:ruleset_delete", args=[doc["id"]]))

    assert refused.status_code == 302 and RuleSet.objects.filter(code=qd1048.code).exists()
    assert deleted.status_code == 302
    assert not RuleSet.objects.filter(code=doc["id"]).exists()


def test_the_list_page_runs_a_constant_number_of_queries(
    client, shipped, django_assert_max_num_queries
):
    login(client, Role.ADMIN)

    with django_assert_max_num_queries(12):
        assert client.get(LIST).status_code == 200
