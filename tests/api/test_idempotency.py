"""Idempotency-Key on creating API calls (quality targets §4), against a tiny creating endpoint.

The same guarantees against the real registry endpoints live in test_idempotency_registry.py.
"""

import datetime as dt
import io
import json
import threading

import pytest
from django.db import connection
from django.test import Client, RequestFactory

from ocop.accounts.tests.factories import UserFactory
from ocop.api.idempotency import fingerprint
from ocop.core import clock
from ocop.core.models import Counter, IdempotencyRecord
from tests.api import idempotency_urls
from tests.api.factories import IdempotencyRecordFactory, bearer_for

pytestmark = pytest.mark.urls("tests.api.idempotency_urls")

URL = "/api/v1/widgets"
PROBLEM = "application/problem+json"


def post(client, body, key="k-1", **extra):
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(URL, data=json.dumps(body), content_type="application/json", **extra)


def created_count() -> int:
    counter = Counter.objects.filter(scope=idempotency_urls.SCOPE).first()
    return counter.value if counter else 0


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def client_for(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_a_replay_returns_the_stored_response_and_creates_nothing_more(client_for):
    first = post(client_for, {"name": "a"})
    second = post(client_for, {"name": "a"})

    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first
    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert created_count() == 1


def test_the_same_key_with_another_body_is_refused_with_422(client_for):
    post(client_for, {"name": "a"})
    response = post(client_for, {"name": "b"})

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "core.idempotency_key_reused"
    assert "Idempotency-Key" in response.json()["detail"]
    assert created_count() == 1


def test_the_same_key_on_another_path_counts_as_another_request(client_for, user):
    other = RequestFactory().post(
        URL + "?copy=1", data=json.dumps({"name": "a"}), content_type="application/json"
    )
    IdempotencyRecordFactory(
        actor_key=f"user:{user.pk}", key="k-1", fingerprint=fingerprint(other), status_code=201
    )

    response = post(client_for, {"name": "a"})

    assert response.status_code == 422
    assert response.json()["code"] == "core.idempotency_key_reused"


def test_a_request_whose_twin_is_still_in_flight_gets_409(client_for, user):
    twin = RequestFactory().post(
        URL, data=json.dumps({"name": "a"}), content_type="application/json"
    )
    IdempotencyRecordFactory(
        actor_key=f"user:{user.pk}", key="k-1", fingerprint=fingerprint(twin), status_code=None
    )

    response = post(client_for, {"name": "a"})

    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "core.idempotency_in_flight"
    assert created_count() == 0


def test_a_failed_request_frees_its_key(client_for):
    failed = post(client_for, {"name": "invalid"})
    assert failed.status_code == 422
    assert not IdempotencyRecord.objects.exists()

    retried = post(client_for, {"name": "valid"})

    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried
    assert created_count() == 1


def test_a_crashing_request_frees_its_key_and_answers_problem_json(client_for):
    crashed = post(client_for, {"name": "explode"})

    assert crashed.status_code == 500
    assert crashed["Content-Type"] == PROBLEM
    assert crashed.json()["code"] == "core.internal_error"
    assert "exploded" not in crashed.content.decode()
    assert not IdempotencyRecord.objects.exists()


def test_keys_are_kept_per_actor(client_for):
    other = Client()
    other.force_login(UserFactory())

    mine = post(client_for, {"name": "a"})
    theirs = post(other, {"name": "a"})

    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert created_count() == 2


def test_a_token_and_a_session_of_the_same_user_share_their_keys(client_for, user):
    by_token = post(Client(), {"name": "a"}, **bearer_for(user))
    by_session = post(client_for, {"name": "a"})

    assert by_token.status_code == 201
    assert by_session["Idempotent-Replayed"] == "true"
    assert by_session.content == by_token.content
    assert IdempotencyRecord.objects.get().actor_key == f"user:{user.pk}"
    assert created_count() == 1


def test_an_invalid_token_is_not_an_actor_and_records_nothing(db):
    response = post(Client(), {"name": "a"}, HTTP_AUTHORIZATION="Bearer ocop_not-a-real-token")

    assert response.status_code == 401
    assert not IdempotencyRecord.objects.exists()


def test_an_expired_record_no_longer_binds_its_key(client_for, user, settings):
    old = clock.now() - dt.timedelta(hours=settings.OCOP_IDEMPOTENCY_TTL_HOURS, minutes=1)
    IdempotencyRecordFactory(
        actor_key=f"user:{user.pk}",
        key="k-1",
        fingerprint="f" * 64,
        created_at=old,
        status_code=201,
    )

    response = post(client_for, {"name": "a"})

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert IdempotencyRecord.objects.get().fingerprint != "f" * 64


def test_calls_without_a_key_are_neither_recorded_nor_deduplicated(client_for):
    post(client_for, {"name": "a"}, key=None)
    post(client_for, {"name": "a"}, key=None)

    assert created_count() == 2
    assert not IdempotencyRecord.objects.exists()


def test_anonymous_calls_are_not_recorded(db):
    response = post(Client(), {"name": "a"})

    assert response.status_code == 401
    assert not IdempotencyRecord.objects.exists()


def test_an_overlong_key_is_refused_with_400(client_for):
    response = post(client_for, {"name": "a"}, key="x" * 201)

    assert response.status_code == 400
    assert response.json()["code"] == "core.idempotency_key_invalid"
    assert created_count() == 0


def _in_thread(fn):
    result: dict = {}

    def run():
        try:
            result["response"] = fn()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


@pytest.mark.django_db(transaction=True)
def test_a_duplicate_arriving_while_the_first_call_runs_gets_409_and_one_object_is_made():
    user = UserFactory()
    first_client, second_client = Client(), Client()
    first_client.force_login(user)
    second_client.cookies = first_client.cookies
    idempotency_urls.GATE.update(entered=threading.Event(), release=threading.Event())
    try:
        thread, first = _in_thread(lambda: post(first_client, {"name": "a"}))
        assert idempotency_urls.GATE["entered"].wait(timeout=30)

        duplicate = post(second_client, {"name": "a"})

        idempotency_urls.GATE["release"].set()
        thread.join(timeout=30)
    finally:
        idempotency_urls.GATE.clear()
    replay = post(second_client, {"name": "a"})

    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "core.idempotency_in_flight"
    assert first["response"].status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.content == first["response"].content
    assert created_count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_create_exactly_one_object():
    if connection.vendor != "postgresql":
        pytest.skip("needs separate PostgreSQL connections")
    user = UserFactory()
    login = Client()
    login.force_login(user)
    barrier = threading.Barrier(6)

    def call():
        client = Client()
        client.cookies = login.cookies
        barrier.wait(timeout=30)
        return post(client, {"name": "a"}, key="same")

    runs = [_in_thread(call) for _ in range(6)]
    for thread, _ in runs:
        thread.join(timeout=60)
    responses = [result["response"] for _, result in runs]

    originals = [r for r in responses if r.status_code == 201 and "Idempotent-Replayed" not in r]
    assert len(originals) == 1
    assert {r.status_code for r in responses} <= {201, 409}
    assert created_count() == 1


def test_the_purge_command_deletes_only_expired_records(db, settings):
    from django.core.management import call_command

    old = clock.now() - dt.timedelta(hours=settings.OCOP_IDEMPOTENCY_TTL_HOURS, minutes=1)
    IdempotencyRecordFactory(created_at=old)
    fresh = IdempotencyRecordFactory()

    call_command("idempotency_purge", stdout=io.StringIO())

    assert list(IdempotencyRecord.objects.all()) == [fresh]
