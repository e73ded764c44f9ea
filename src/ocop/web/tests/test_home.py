import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import UserFactory, actor_for, user_with_role
from ocop.core import audit
from ocop.geo.tests.factories import CommuneFactory
from ocop.producers.constants import ProducerKind
from ocop.producers.tests.factories import ProducerFactory, ProducerRepresentativeFactory
from ocop.products.constants import CycleStep
from ocop.products.tests.factories import ProductFactory


def _get(client, user=None):
    if user is not None:
        client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response


def _queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    return len(ctx)


def _registry(commune, n: int) -> None:
    """n producers with one product each in `commune`, half cooperatives, half enterprises."""
    for i in range(n):
        kind = ProducerKind.COOPERATIVE if i % 2 else ProducerKind.ENTERPRISE
        ProductFactory(
            producer=ProducerFactory(commune=commune, kind=kind), cycle_step=CycleStep.EVALUATION
        )


def test_visitors_get_the_public_landing_page_with_a_log_in_button(client, db):
    response = _get(client)
    html = response.content.decode()
    assert "web/landing.html" in [t.name for t in response.templates]
    assert "Đăng nhập hệ thống" in html
    assert 'href="/accounts/login/"' in html
    assert "Bảng điều khiển" not in html


def test_the_page_is_vietnamese_by_default_and_carries_the_shell(client, db):
    html = _get(client).content.decode()
    assert '<html lang="vi">' in html
    assert 'class="skip-link" href="#main"' in html
    assert 'action="/i18n/setlang/"' in html
    assert "js/htmx.min.js" in html
    assert '"allowEval":false' in html
    assert "style=" not in html  # the CSP forbids inline styles
    assert "<script>" not in html and " onclick=" not in html


def test_a_province_officer_sees_counts_of_their_province_only(client, commune, other_commune):
    _registry(commune, 3)
    _registry(other_commune, 2)
    officer = user_with_role(Role.PROVINCE_OFFICER, province=commune.province)
    response = _get(client, officer)
    by_kind, by_step = response.context["by_kind"], response.context["by_step"]
    assert by_kind.total == 3
    assert by_kind.count(ProducerKind.ENTERPRISE) == 2
    assert by_kind.count(ProducerKind.COOPERATIVE) == 1
    assert by_step.count(CycleStep.EVALUATION) == 3
    html = response.content.decode()
    assert "Chủ thể theo loại hình" in html
    assert "Sản phẩm theo bước chu trình OCOP" in html
    assert commune.province.name in html


def test_a_province_officer_sees_recent_changes_in_their_province(client, commune, other_commune):
    officer = user_with_role(Role.PROVINCE_OFFICER, province=commune.province)
    mine, theirs = ProducerFactory(commune=commune), ProducerFactory(commune=other_commune)
    with transaction.atomic():
        for producer in (mine, theirs):
            audit.record(actor=actor_for(officer), action="producers.producer.create", obj=producer)
    recent = _get(client, officer).context["recent"]
    assert [e.object_repr for e in recent] == [mine.name]


def test_an_admin_sees_every_province(client, commune, other_commune):
    _registry(commune, 2)
    _registry(other_commune, 2)
    admin = user_with_role(Role.ADMIN)
    assert _get(client, admin).context["by_kind"].total == 4


def test_a_commune_officer_sees_their_communes_producers_and_products(client, commune):
    neighbour = CommuneFactory(province=commune.province)
    own = ProductFactory(producer=ProducerFactory(commune=commune, name="HTX Chè Tân Cương"))
    ProductFactory(producer=ProducerFactory(commune=neighbour, name="HTX Bên Cạnh"))
    officer = user_with_role(Role.COMMUNE_OFFICER, commune=commune)
    response = _get(client, officer)
    html = response.content.decode()
    assert response.context["by_kind"].total == 1
    assert "HTX Chè Tân Cương" in html
    assert own.name in html
    assert "HTX Bên Cạnh" not in html
    assert "Thay đổi gần đây" not in html


def test_an_inspector_sees_read_only_figures_of_their_province(client, commune):
    _registry(commune, 2)
    inspector = user_with_role(Role.INSPECTOR, province=commune.province)
    response = _get(client, inspector)
    assert response.context["by_step"].total == 2
    assert "recent" not in response.context


def test_a_council_member_sees_the_assigned_rounds_placeholder(client, commune):
    _registry(commune, 2)
    member = user_with_role(Role.COUNCIL_MEMBER, province=commune.province)
    response = _get(client, member)
    html = response.content.decode()
    assert "Đợt đánh giá được giao" in html
    assert "Chưa có đợt đánh giá nào được giao cho bạn." in html
    assert "by_kind" not in response.context
    assert "Danh sách chủ thể" not in html


def test_a_producer_sees_only_their_own_producers_and_products(client, commune):
    user = user_with_role(Role.PRODUCER)
    mine = ProducerFactory(commune=commune, name="HTX Mật Ong Bản Mình")
    ProducerRepresentativeFactory(producer=mine, user=user)
    ProductFactory(producer=mine, name="Mật ong hoa nhãn")
    ProductFactory(producer=ProducerFactory(commune=commune, name="HTX Người Khác"))
    html = _get(client, user).content.decode()
    assert "Chủ thể của tôi" in html
    assert "HTX Mật Ong Bản Mình" in html
    assert "Mật ong hoa nhãn" in html
    assert "HTX Người Khác" not in html


def test_a_user_without_a_role_is_told_to_ask_for_one(client, db):
    html = _get(client, UserFactory()).content.decode()
    assert "Tài khoản chưa được phân quyền." in html


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER, Role.INSPECTOR]
)
def test_the_dashboard_costs_the_same_queries_for_2_or_20_rows(client, commune, role):
    province = None if role == Role.ADMIN else commune.province
    user = user_with_role(
        role, province=province, commune=commune if role == "commune_officer" else None
    )
    _registry(commune, 2)
    with transaction.atomic():
        audit.record(
            actor=actor_for(user),
            action="producers.producer.update",
            obj=ProducerFactory(commune=commune),
        )
    few = _queries(client, user)
    _registry(commune, 18)
    with transaction.atomic():
        for producer in ProducerFactory.create_batch(5, commune=commune):
            audit.record(actor=actor_for(user), action="producers.producer.update", obj=producer)
    assert _queries(client, user) == few


def test_the_producer_dashboard_costs_the_same_queries_for_2_or_20_rows(client, commune):
    user = user_with_role(Role.PRODUCER)

    def add(n):
        for _ in range(n):
            producer = ProducerFactory(commune=commune)
            ProducerRepresentativeFactory(producer=producer, user=user)
            ProductFactory(producer=producer)

    add(2)
    few = _queries(client, user)
    add(18)
    assert _queries(client, user) == few


def test_switching_to_english_sets_the_language_for_the_next_pages(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
