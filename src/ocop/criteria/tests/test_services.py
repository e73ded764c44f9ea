"""Imports, confirmation, deletion and the shipped-files loader: permissions, audit, all-or-nothing."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ocop.core import audit
from ocop.core.errors import PermissionDenied
from ocop.core.models import AuditEvent
from ocop.criteria import services
from ocop.criteria.errors import (
    ConfirmationNoteRequired,
    RuleSetCodeTaken,
    RuleSetInUse,
    RuleSetInvalid,
    RuleSetNotConfirmable,
    UploadUnreadable,
)
from ocop.criteria.models import Criterion, Option, RuleSet
from ocop.criteria.tests import factories as f


def counts():
    return (RuleSet.objects.count(), Criterion.objects.count(), Option.objects.count())


def test_a_yaml_import_by_an_officer_is_saved_and_audited(product_sets, province_officer):
    outcome = services.ruleset_import_yaml(
        actor=province_officer, data=f.to_bytes(f.document()), filename="x.yaml"
    )

    ruleset = outcome.ruleset
    assert outcome.created
    assert ruleset.created_by_id == province_officer.user_id
    assert [p.code for p in ruleset.parts.all()] == ["A", "B", "C"]
    assert [ps.code for ps in ruleset.product_sets.all()] == ["QD1048-02"]
    [event] = audit.history(ruleset)
    assert event.action == "criteria.ruleset.import"
    assert event.actor_user_id == province_officer.user_id
    assert event.after["content_hash"] == ruleset.content_hash


def test_loading_the_same_content_again_changes_nothing(qd1048):
    before = (counts(), AuditEvent.objects.count())

    outcome = services.ruleset_import_yaml(actor=f.system(), data=f.QD1048.read_bytes())

    assert not outcome.created
    assert outcome.ruleset == qd1048
    assert (counts(), AuditEvent.objects.count()) == before


def test_a_different_file_under_an_existing_code_is_refused(qd1048):
    doc = f.read(f.QD1048)
    doc["title_vi"] = "Tên khác"
    before = counts()

    with pytest.raises(RuleSetCodeTaken) as exc:
        services.ruleset_import_yaml(actor=f.system(), data=f.to_bytes(doc))

    assert "-rev2" in exc.value.detail
    assert counts() == before


def test_the_invalid_fixture_is_refused_with_every_problem_and_nothing_saved(product_sets, admin):
    before = (counts(), AuditEvent.objects.count())

    with pytest.raises(RuleSetInvalid) as exc:
        services.ruleset_import_yaml(actor=admin, data=f.INVALID_FIXTURE.read_bytes())

    assert exc.value.status == 422
    errors = {e["code"]: e for e in exc.value.errors}
    assert (errors["part_sum"]["computed"], errors["part_sum"]["declared"]) == ("36", "35")
    assert errors["part_sum"]["loc"] == ["parts[A]"]
    assert (errors["total_sum"]["computed"], errors["total_sum"]["declared"]) == ("101", "100")
    assert (counts(), AuditEvent.objects.count()) == before


def test_overlapping_effective_ranges_are_refused(qd1048, admin):
    doc = f.document(id="TEST.overlap", effective_from="2022-01-01", effective_to=None)
    doc["applies_to"]["product_sets"] = ["QD1048-01"]

    with pytest.raises(RuleSetInvalid) as exc:
        services.ruleset_import_yaml(actor=admin, data=f.to_bytes(doc))

    assert [e["code"] for e in exc.value.errors] == ["effective_overlap"]
    assert "QD1048-2019.fresh-produce" in exc.value.errors[0]["message"]


def test_a_person_cannot_load_a_rule_set_as_verified(product_sets, admin):
    doc = f.document()
    doc["verification"]["status"] = "verified_official"

    outcome = services.ruleset_import_yaml(actor=admin, data=f.to_bytes(doc))

    assert outcome.ruleset.status == "unverified_transcription"
    assert outcome.notes


def test_the_shipped_files_loader_keeps_a_declared_verified_status(product_sets):
    doc = f.document()
    doc["verification"]["status"] = "verified_official"

    outcome = services.ruleset_import_yaml(actor=f.system(), data=f.to_bytes(doc), trusted=True)

    assert outcome.ruleset.status == "verified_official"


@pytest.mark.parametrize("role", ["inspector", "council_member", "commune_officer"])
def test_only_admins_and_province_officers_import(product_sets, request, role):
    actor = request.getfixturevalue(role)

    with pytest.raises(PermissionDenied):
        services.ruleset_import_yaml(actor=actor, data=f.to_bytes(f.document()))
    assert RuleSet.objects.count() == 0


@pytest.mark.parametrize("data", [b"\x00\x01binary", b"schema: [", "Quyết định".encode("utf-16")])
def test_unreadable_files_are_refused(product_sets, admin, data):
    with pytest.raises(UploadUnreadable):
        services.ruleset_import_yaml(actor=admin, data=data)


def test_an_officer_confirms_a_transcription_and_it_is_audited(qd1048, province_officer):
    hash_before = qd1048.content_hash

    ruleset = services.ruleset_confirm(
        actor=province_officer, ruleset=qd1048, note="Đối chiếu Phụ lục III, QĐ 1048, trang 12–14"
    )

    ruleset.refresh_from_db()
    assert ruleset.status == "verified_official"
    assert ruleset.confirmed_by_id == province_officer.user_id
    assert ruleset.confirmed_at is not None
    assert ruleset.content_hash == hash_before
    assert not ruleset.needs_unverified_banner
    event = audit.history(ruleset).first()
    assert event.action == "criteria.ruleset.confirm"
    assert event.before == {
        "status": "unverified_transcription",
        "confirmed_by_id": None,
        "confirmed_at": None,
        "confirmation_note": "",
    }


def test_confirmation_needs_a_note(qd1048, admin):
    with pytest.raises(ConfirmationNoteRequired):
        services.ruleset_confirm(actor=admin, ruleset=qd1048, note="  ")


@pytest.mark.parametrize("role", ["inspector", "council_member"])
def test_viewers_cannot_confirm(qd1048, request, role):
    with pytest.raises(PermissionDenied):
        services.ruleset_confirm(actor=request.getfixturevalue(role), ruleset=qd1048, note="x")


def test_the_system_cannot_confirm_on_an_officers_behalf(qd1048):
    with pytest.raises(PermissionDenied):
        services.ruleset_confirm(actor=f.system(), ruleset=qd1048, note="x")


def test_only_transcriptions_can_be_confirmed(shipped, admin):
    for key in ("skeleton", "fragment"):
        with pytest.raises(RuleSetNotConfirmable):
            services.ruleset_confirm(actor=admin, ruleset=shipped[key], note="x")
    services.ruleset_confirm(actor=admin, ruleset=shipped["qd1048"], note="đã đối chiếu")
    with pytest.raises(RuleSetNotConfirmable):
        services.ruleset_confirm(actor=admin, ruleset=shipped["qd1048"], note="lần hai")


def test_an_unused_rule_set_can_be_deleted_by_an_admin_and_it_is_audited(qd1048, admin):
    services.ruleset_delete(actor=admin, ruleset=qd1048)

    assert counts() == (0, 0, 0)
    event = AuditEvent.objects.get(action="criteria.ruleset.delete")
    assert event.before["code"] == "QD1048-2019.fresh-produce"


def test_province_officers_cannot_delete(qd1048, province_officer):
    with pytest.raises(PermissionDenied):
        services.ruleset_delete(actor=province_officer, ruleset=qd1048)


def test_a_superseded_rule_set_cannot_be_deleted(qd1048, admin):
    doc = f.read(f.QD1048)
    doc.update(id="QD1048-2019.fresh-produce-rev2", supersedes=qd1048.code)
    services.ruleset_import_yaml(actor=admin, data=f.to_bytes(doc))

    with pytest.raises(RuleSetInUse):
        services.ruleset_delete(actor=admin, ruleset=qd1048)
    assert RuleSet.objects.filter(pk=qd1048.pk).exists()


def test_there_is_no_update_service():
    assert not [name for name in dir(services) if name.startswith("ruleset_update")]


def test_rulesets_load_loads_every_shipped_file_once(product_sets):
    out = io.StringIO()
    call_command("rulesets_load", stdout=out)
    first = counts()
    out2 = io.StringIO()
    call_command("rulesets_load", stdout=out2)

    assert first == (3, 33, 119)
    assert counts() == first
    assert out.getvalue().count("loaded ") == 3
    assert out2.getvalue().count("unchanged") == 3


def test_rulesets_load_refuses_a_changed_file_and_saves_nothing(qd1048, tmp_path):
    changed = tmp_path / "QD1048-changed.yaml"
    doc = f.read(f.QD1048)
    doc["parts"][0]["name_vi"] = "Đã sửa"
    changed.write_bytes(f.to_bytes(doc))
    before = counts()

    with pytest.raises(CommandError, match="ruleset_code_taken"):
        call_command("rulesets_load", str(f.SKELETON), str(changed), stdout=io.StringIO())

    assert counts() == before
    assert not RuleSet.objects.filter(code="QD148-2023.skeleton").exists()


def test_rulesets_load_refuses_the_invalid_fixture(product_sets):
    with pytest.raises(CommandError, match="36"):
        call_command("rulesets_load", str(f.INVALID_FIXTURE), stdout=io.StringIO())
    assert RuleSet.objects.count() == 0
