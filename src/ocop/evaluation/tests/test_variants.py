import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from ocop.core.models import AuditEvent
from ocop.evaluation import variants
from ocop.evaluation.constants import Level
from ocop.evaluation.errors import VariantFileInvalid
from ocop.evaluation.models import ProcessVariant
from ocop.evaluation.tests.factories import QD148_THREE_TIER, QD1048_THREE_TIER, TWO_TIER

pytestmark = pytest.mark.django_db


def test_loader_creates_the_three_variants_then_changes_nothing():
    first = variants.load_variants()
    assert {line.state for line in first} == {"created"}
    assert {line.code for line in first} == {TWO_TIER, QD148_THREE_TIER, QD1048_THREE_TIER}
    events = AuditEvent.objects.count()
    rows = list(ProcessVariant.objects.order_by("code").values())

    again = variants.load_variants()

    assert {line.state for line in again} == {"unchanged"}
    assert list(ProcessVariant.objects.order_by("code").values()) == rows
    assert AuditEvent.objects.count() == events


def test_loader_updates_a_changed_row_by_code(tmp_path):
    variants.load_variants()
    text = variants.VARIANTS_FILE.read_text(encoding="utf-8").replace(
        "forward_min_score: 50", "forward_min_score: 55"
    )
    path = tmp_path / "v.yaml"
    path.write_text(text, encoding="utf-8")

    lines = {line.code: line.state for line in variants.load_variants(path)}

    assert lines[QD1048_THREE_TIER] == "updated"
    assert lines[TWO_TIER] == "unchanged"
    assert ProcessVariant.objects.get(code=QD1048_THREE_TIER).forward_min_score == Decimal(55)
    assert ProcessVariant.objects.count() == 3


def test_command_is_idempotent():
    out = io.StringIO()
    call_command("variants_load", stdout=out)
    call_command("variants_load", stdout=out)
    lines = out.getvalue().splitlines()
    assert sum(line.startswith("created") for line in lines) == 3
    assert sum(line.startswith("unchanged") for line in lines) == 3


def test_variant_contents_follow_the_decisions():
    variants.load_variants()
    two = ProcessVariant.objects.get(code=TWO_TIER)
    assert variants.is_two_tier(two) and not variants.has_lower_tier(two)
    assert variants.criteria_codes(two) == [
        "local_origin",
        "local_labour",
        "idea_origin",
        "local_identity",
    ]
    assert variants.recognises(two, Level.PROVINCE, 3) and variants.recognises(
        two, Level.PROVINCE, 4
    )
    assert not variants.recognises(two, Level.PROVINCE, 5)
    assert str(two.effective_from) == "2025-07-06" and two.effective_to is None

    qd1048 = ProcessVariant.objects.get(code=QD1048_THREE_TIER)
    assert variants.has_lower_tier(qd1048) and not variants.is_two_tier(qd1048)
    assert qd1048.forward_min_score == Decimal(50)
    assert variants.recognises(qd1048, Level.PROVINCE, 3)
    assert not variants.recognises(qd1048, Level.DISTRICT, 3)

    qd148 = ProcessVariant.objects.get(code=QD148_THREE_TIER)
    assert qd148.forward_min_score is None and qd148.notes
    assert variants.recognises(qd148, Level.DISTRICT, 3)
    assert variants.recognises(qd148, Level.PROVINCE, 4)
    assert not variants.recognises(qd148, Level.PROVINCE, 3)
    assert str(qd148.effective_to) == "2025-07-05"


@pytest.mark.parametrize(
    "text",
    [
        "schema: other\nvariants: []\n",
        "schema: ocop-process-variants/v1\nvariants:\n  - code: X\n    name_vi: x\n"
        "    effective_from: 2020-01-01\n    tiers: [{level: moon, actions: []}]\n",
        "schema: ocop-process-variants/v1\nvariants:\n  - code: X\n    name_vi: x\n"
        "    effective_from: 2020-01-01\n    tiers: [{level: commune, actions: [fly]}]\n",
        "schema: ocop-process-variants/v1\nvariants:\n  - code: X\n    name_vi: x\n",
        "schema: [unclosed\n",
    ],
)
def test_invalid_files_are_refused_and_nothing_is_saved(tmp_path, text):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VariantFileInvalid):
        variants.load_variants(path)
    assert not ProcessVariant.objects.exists()
