import pytest
from django.test import RequestFactory
from django.views.defaults import server_error


def test_a_missing_page_gets_the_styled_404(client, db):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert 'class="problem"' in html
    assert 'href="/"' in html


@pytest.mark.urls("ocop.web.tests.urls_errors")
def test_a_refusal_gets_the_styled_403(client, db):
    response = client.get("/denied/")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.content.decode()


@pytest.mark.urls("ocop.web.tests.urls_errors")
def test_a_domain_error_shows_its_message_and_code(client, db):
    response = client.get("/conflict/")
    assert response.status_code == 409
    html = response.content.decode()
    assert "Hồ sơ đã được cập nhật bởi người khác." in html
    assert "core.conflict" in html


def test_the_500_page_renders_without_a_request_context():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Hệ thống đang gặp sự cố" in html
    assert "css/app.css" in html


def test_a_stale_form_gets_the_session_expired_page(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/i18n/setlang/", {"language": "en"})
    assert response.status_code == 403
    assert "Phiên làm việc đã hết hạn" in response.content.decode()
