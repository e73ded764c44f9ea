"""Idempotent creating calls: `POST /api/v1/...` with an `Idempotency-Key` header.

The key is kept per actor (the user behind the session or the bearer token) for
settings.OCOP_IDEMPOTENCY_TTL_HOURS, with the request's fingerprint (method, path, SHA-256 of the
body) and, once the call succeeded, its response (status, body, content type).

- The record is inserted BEFORE the endpoint runs, in its own transaction, under the unique
  (actor, key) constraint: of concurrent duplicates exactly one proceeds, so one object is created.
- The same key again, same fingerprint, finished: the stored response is replayed with
  `Idempotent-Replayed: true`. Still running: 409 `core.idempotency_in_flight`.
- The same key with another fingerprint: 422 `core.idempotency_key_reused`.
- Only 2xx responses are stored; any other outcome deletes the record, freeing the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from ocop.api.auth import bearer_token, user_for_bearer
from ocop.api.problems import is_api_path
from ocop.core import clock
from ocop.core.errors import Conflict, DomainError
from ocop.core.models import IdempotencyRecord
from ocop.core.problem import from_domain_error

logger = logging.getLogger("ocop.api")

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 200  # IdempotencyRecord.key
MAX_PATH_LENGTH = 300  # IdempotencyRecord.path
# A record still "in flight" after this long belongs to a request that died (worker killed
# between claim and completion); the key may then be claimed again.
IN_FLIGHT_LEASE = dt.timedelta(minutes=10)


class IdempotencyKeyInvalid(DomainError):
    code = "core.idempotency_key_invalid"
    status = 400
    title = _("Khóa chống lặp không hợp lệ")
    message = _("Tiêu đề Idempotency-Key phải gồm từ 1 đến 200 ký tự ASCII in được.")


class IdempotencyKeyReused(DomainError):
    code = "core.idempotency_key_reused"
    status = 422
    title = _("Khóa chống lặp đã được dùng")
    message = _(
        "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác. "
        "Hãy dùng khóa mới cho mỗi yêu cầu khác nhau."
    )


class IdempotencyInFlight(Conflict):
    code = "core.idempotency_in_flight"
    title = _("Yêu cầu đang được xử lý")
    message = _(
        "Một yêu cầu với cùng khóa Idempotency-Key đang được xử lý. Vui lòng thử lại sau giây lát."
    )


def ttl() -> dt.timedelta:
    return dt.timedelta(hours=settings.OCOP_IDEMPOTENCY_TTL_HOURS)


def purge_expired() -> int:
    """Delete records older than the TTL (housekeeping; expired keys are also reclaimed lazily)."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=clock.now() - ttl()).delete()
    return deleted


def actor_key(request: HttpRequest) -> str | None:
    """Who the key belongs to: the bearer token's owner, else the session user, else nobody."""
    token = bearer_token(request)
    user = getattr(request, "user", None) if token is None else user_for_bearer(request, token)
    if user is None or not user.is_authenticated:
        return None
    return f"user:{user.pk}"


def body_digest(request: HttpRequest) -> str:
    """SHA-256 of the body; multipart bodies are hashed from their parsed fields and files so
    large uploads are not read into memory twice."""
    digest = hashlib.sha256()
    if request.content_type == "multipart/form-data":
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                digest.update(f"field:{name}={value}\n".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"file:{name}={upload.name}:{upload.size}\n".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def fingerprint(request: HttpRequest) -> str:
    raw = f"{request.method}\n{request.get_full_path()}\n{body_digest(request)}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _valid_key(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and all(32 <= ord(ch) < 127 for ch in key)


def _insert(*, actor: str, key: str, request: HttpRequest, fp: str) -> IdempotencyRecord | None:
    """Insert the claim in its own transaction; None when the (actor, key) row already exists."""
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                key=key,
                actor_key=actor,
                method=request.method or "",
                path=request.path[:MAX_PATH_LENGTH],
                fingerprint=fp,
                created_at=clock.now(),
            )
    except IntegrityError:
        return None


def _stale(record: IdempotencyRecord, now: dt.datetime) -> bool:
    if record.created_at < now - ttl():
        return True
    return record.status_code is None and record.created_at < now - IN_FLIGHT_LEASE


def claim(*, actor: str, key: str, request: HttpRequest, fp: str):
    """Return (record, None) when this request owns the key, or (None, response) otherwise."""
    for _attempt in range(3):
        record = _insert(actor=actor, key=key, request=request, fp=fp)
        if record is not None:
            return record, None
        existing = IdempotencyRecord.objects.filter(actor_key=actor, key=key).first()
        if existing is None:
            continue  # freed by a failed request in the meantime
        if _stale(existing, clock.now()):
            IdempotencyRecord.objects.filter(
                pk=existing.pk, created_at=existing.created_at
            ).delete()
            continue
        if existing.fingerprint != fp:
            return None, from_domain_error(IdempotencyKeyReused())
        if existing.status_code is None:
            return None, from_domain_error(IdempotencyInFlight())
        return None, replay(existing)
    return None, from_domain_error(IdempotencyInFlight())


def replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.response_body or b""),
        status=record.status_code,
        content_type=record.content_type or None,
    )
    response[REPLAYED_HEADER] = "true"
    return response


def complete(record: IdempotencyRecord, response: HttpResponse) -> None:
    """Store a 2xx response; free the key after anything else."""
    storable = 200 <= response.status_code < 300 and not getattr(response, "streaming", False)
    if not storable:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status_code=response.status_code,
        response_body=response.content,
        content_type=response.get("Content-Type", "")[:100],
    )


class IdempotencyMiddleware:
    """Applies the rules above to every POST under /api/v1 that carries an Idempotency-Key.

    Must come after AuthenticationMiddleware (the session user) and inside LocaleMiddleware
    (messages in the request language).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not is_api_path(request.path):
            return self.get_response(request)
        if not _valid_key(key):
            return from_domain_error(IdempotencyKeyInvalid())
        actor = actor_key(request)
        if actor is None:  # the endpoint answers 401 (or serves a public call) on its own
            return self.get_response(request)
        record, early = claim(actor=actor, key=key, request=request, fp=fingerprint(request))
        if early is not None:
            return early
        try:
            response = self.get_response(request)
        except BaseException:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        try:
            complete(record, response)
        except Exception:  # the call itself succeeded; only its replay copy is lost
            logger.exception("Could not store the idempotent response for key %r", key)
        return response
