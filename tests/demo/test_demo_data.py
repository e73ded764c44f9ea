"""The demo data set reproduces the source articles' figures through the real services."""

from ocop.core.models import AuditEvent
from ocop.producers.models import Producer
from ocop.products.constants import CycleStep
from ocop.products.models import Product
from ocop.web.demo.loader import load_demo


def _thang_binh_2020():
    return Product.objects.filter(
        is_demo=True,
        registered_on__year=2020,
        producer__legacy_address__icontains="huyện Thăng Bình",
    )


def test_thang_binh_registered_eleven_ideas_three_htx_one_dn_seven_households(demo):
    products = _thang_binh_2020()
    kinds = [p.producer.kind for p in products.select_related("producer")]
    assert len(kinds) == 11
    assert (kinds.count("htx"), kinds.count("dn"), kinds.count("hkd")) == (3, 1, 7)


def test_ten_of_the_eleven_ideas_are_implementing_their_business_plan(demo):
    implementing = _thang_binh_2020().filter(cycle_step=CycleStep.IMPLEMENTATION).count()
    assert implementing == 10
    assert round(100 * implementing / 11, 1) == 90.9


def test_legacy_addresses_roll_up_to_the_2025_units(demo):
    for producer in Producer.objects.filter(legacy_address__icontains="huyện Thăng Bình"):
        assert producer.province.code == "48"  # Thành phố Đà Nẵng
        assert producer.legacy_address.startswith("xã ")
    cam_my = Producer.objects.get(name="HTX chè Cẩm Mỹ")
    assert cam_my.commune.code == "08614"  # Xã Cự Đồng, from xã Tất Thắng
    assert {c.kind for c in cam_my.certifications.all()} == {"vietgap", "organic"}


def test_products_keep_the_classification_of_their_registration_date(demo):
    assert {p.product_set.classification.code for p in _thang_binh_2020()} == {"QD1048"}
    assert Product.objects.get(name="Chè búp hữu cơ Cẩm Mỹ").product_set.code == "QD148-11"


def test_loading_twice_changes_nothing(demo):
    counts = (Producer.objects.count(), Product.objects.count(), AuditEvent.objects.count())
    report = load_demo()
    assert report.created == {}
    assert (Producer.objects.count(), Product.objects.count(), AuditEvent.objects.count()) == counts


def test_every_demo_record_is_flagged_and_audited(demo):
    assert not Producer.objects.filter(is_demo=False).exists()
    assert AuditEvent.objects.filter(action="producers.producer.create").count() == 12
    assert AuditEvent.objects.filter(actor_label="system:demo").exists()
