"""The certificates API: lists, details, lifecycle operations with problem JSON, re-evaluation."""

import datetime as dt

import pytest

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import actor_for, api_token_for, user_with_role
from ocop.certificates import services
from ocop.certificates.constants import EventKind
from ocop.certificates.errors import ReevaluationUnavailable
from ocop.certificates.tests.factories import CertificateFactory
from ocop.core import clock
from ocop.evaluation.constants import ApplicationKind, ApplicationStatus, RoundStatus
from ocop.evaluation.tests.factories import ApplicationFactory, RoundFactory
from ocop.producers.tests.factories import ProducerRepresentativeFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _frozen():
    with clock.freeze(TODAY):
        yield


@pytest.fixture
def headers(officer):
    _, key = api_token_for(officer)
    return {"Authorization": f"Bearer {key}"}


def cert_in(province, **fields):
    return CertificateFactory(product__producer__commune__province=province, **fields)


def test_the_list_is_scoped_and_filtered_by_derived_status(
    client, headers, province, other_province
):
    mine = cert_in(province)
    cert_in(province, revoked_at=clock.now())
    cert_in(other_province)
    data = client.get("/api/v1/certificates", headers=headers).json()
    assert data["count"] == 2
    data = client.get("/api/v1/certificates?status=valid", headers=headers).json()
    assert [row["number"] for row in data["items"]] == [mine.number]
    assert data["items"][0]["status"] == "valid"


def test_revoking_through_the_api_takes_effect_at_once(client, headers, province):
    cert = cert_in(province)
    url = f"/api/v1/certificates/{cert.public_id}/revoke"
    response = client.post(
        url,
        {"legal_ground": "facility_closed", "public_reason": "Cơ sở đã giải thể."},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    again = client.post(
        url,
        {"legal_ground": "facility_closed", "public_reason": "Lần hai."},
        content_type="application/json",
        headers=headers,
    )
    assert again.status_code == 409
    assert again["Content-Type"].startswith("application/problem+json")
    assert again.json()["code"] == "certificates.invalid_transition"


def test_an_unknown_legal_ground_is_a_422_naming_the_field(client, headers, province):
    cert = cert_in(province)
    response = client.post(
        f"/api/v1/certificates/{cert.public_id}/suspend",
        {"legal_ground": "made_up", "public_reason": "x"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1] == "legal_ground"


def test_another_province_certificate_is_a_404(client, headers, other_province):
    cert = cert_in(other_province)
    assert client.get(f"/api/v1/certificates/{cert.public_id}", headers=headers).status_code == 404


def test_the_producer_starts_a_reevaluation_prefilled_from_the_previous_dossier(province):
    previous = ApplicationFactory(
        product__producer__commune__province=province,
        round=RoundFactory(province=province, status=RoundStatus.DECIDED),
        status=ApplicationStatus.DECIDED,
        registration={"packaging": "Hộp giấy 200 g", "volume": "2 tấn/năm"},
    )
    cert = CertificateFactory(product=previous.product, application=previous)
    open_round = RoundFactory(province=province)
    rep = ProducerRepresentativeFactory(producer=cert.producer)
    user = user_with_role(Role.PRODUCER, province=province, username=f"{rep.user.username}-x")
    ProducerRepresentativeFactory(producer=cert.producer, user=user)
    app = services.certificate_request_reevaluation(actor=actor_for(user), certificate=cert)
    assert (app.kind, app.previous, app.round) == (
        ApplicationKind.REEVALUATION,
        previous,
        open_round,
    )
    assert app.registration["packaging"] == "Hộp giấy 200 g"
    assert app.registration["previous_certificate"] == cert.number
    assert cert.events.filter(kind=EventKind.REEVALUATION).exists()


def test_no_reevaluation_without_an_open_round(province, officer_actor):
    previous = ApplicationFactory(
        product__producer__commune__province=province,
        round=RoundFactory(province=province, status=RoundStatus.DECIDED),
        status=ApplicationStatus.DECIDED,
    )
    cert = CertificateFactory(product=previous.product, application=previous)
    with pytest.raises(ReevaluationUnavailable):
        services.certificate_request_reevaluation(actor=officer_actor, certificate=cert)
