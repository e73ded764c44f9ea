"""In-app notifications with an e-mail copy through the outbox (one place for every app).

`notify()` writes in the caller's transaction: a Notification per user and, for users with an
e-mail address, an OutboxEmail row that `send_outbox` (a background task) delivers later. Nothing
is sent on the request path, and a rolled-back business transaction leaves no notice behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task

from ocop.core import clock
from ocop.core.models import Notification, OutboxEmail

MAX_ATTEMPTS = 5


def notify(
    users: Iterable[Any],
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    email: bool = True,
) -> list[Notification]:
    """Notify each distinct active user once; queue an e-mail copy when `email` and they have one."""
    now = clock.now()
    seen: set[int] = set()
    notices: list[Notification] = []
    mails: list[OutboxEmail] = []
    for user in users:
        if user is None or user.pk in seen or not getattr(user, "is_active", True):
            continue
        seen.add(user.pk)
        notices.append(
            Notification(
                user=user, created_at=now, kind=kind, title=title[:300], body=body, link=link[:300]
            )
        )
        if email and user.email:
            text = body + (f"\n\n{link}" if link else "")
            mails.append(OutboxEmail(created_at=now, to=user.email, subject=title[:300], body=text))
    Notification.objects.bulk_create(notices)
    OutboxEmail.objects.bulk_create(mails)
    return notices


def unread_count(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices read (all unread ones when `ids` is None); returns how many."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(id__in=list(ids))
    return qs.update(read_at=clock.now())


def deliver_outbox(limit: int = 200) -> int:
    """Send pending outbox mail; a failure is recorded on the row and retried later."""
    sent = 0
    pending = OutboxEmail.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS).order_by(
        "id"
    )[:limit]
    for mail in pending:
        with transaction.atomic():
            try:
                send_mail(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.to])
            except Exception as exc:  # noqa: BLE001 - any transport failure is retried
                mail.attempts += 1
                mail.last_error = str(exc)[:2000]
                mail.save(update_fields=["attempts", "last_error"])
                continue
            mail.attempts += 1
            mail.sent_at = clock.now()
            mail.save(update_fields=["attempts", "sent_at"])
            sent += 1
    return sent


@task()
def send_outbox() -> int:
    return deliver_outbox()
