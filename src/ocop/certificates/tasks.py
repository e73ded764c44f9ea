"""Background jobs of the certificates app (django-tasks, database backend; `manage.py db_worker`).

- `certificate_pdf_digest(certificate_id)`: store the SHA-256 of the issued PDF (idempotent).
- `expiry_watch(reschedule=False)`: daily; sends each certificate's "expiring" notice once when it
  enters its notice window and its "expired" notice once when it lapses. With `reschedule` it
  enqueues its own next run for tomorrow morning (local time), so one `manage.py expiry_watch
  --schedule` keeps it going; a cron line calling `manage.py expiry_watch` works as well.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django_tasks import TaskResultStatus, default_task_backend, task

from ocop.certificates import selectors, services
from ocop.certificates.constants import CertificateStatus, NoticeKind
from ocop.certificates.models import Certificate
from ocop.core import clock
from ocop.core.actor import Actor

log = logging.getLogger(__name__)
WATCH_ACTOR = Actor.system("expiry_watch")
RUN_AT = dt.time(6, 0)  # local time of the daily run


@task()
def certificate_pdf_digest(certificate_id: int) -> str:
    from ocop.certificates.pdf import certificate_pdf_sha256

    cert = Certificate.objects.filter(pk=certificate_id).first()
    if cert is None:
        return ""
    if not cert.pdf_sha256:
        digest = certificate_pdf_sha256(cert)
        Certificate.objects.filter(pk=cert.pk, pdf_sha256="").update(pdf_sha256=digest)
        return digest
    return cert.pdf_sha256


def run_expiry_watch(on: dt.date | None = None) -> dict[str, int]:
    """Send the notices due on `on` (today): each at most once per certificate and kind."""
    day = on or clock.today()
    sent = {NoticeKind.EXPIRING.value: 0, NoticeKind.EXPIRED.value: 0}
    for cert in selectors.certificates_due_notice(on=day).order_by("id"):
        kind = (
            NoticeKind.EXPIRING
            if cert.status_on(day) == CertificateStatus.EXPIRING
            else NoticeKind.EXPIRED
        )
        with transaction.atomic():
            if services.certificate_send_notice(actor=WATCH_ACTOR, certificate=cert, kind=kind):
                sent[kind.value] += 1
    log.info("expiry watch %s: %s", day.isoformat(), sent)
    return sent


def next_run_after(now: dt.datetime | None = None) -> dt.datetime:
    moment = (now or clock.now()).astimezone(clock.LOCAL_TZ)
    tomorrow = moment.date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, RUN_AT, tzinfo=clock.LOCAL_TZ)


def schedule_next() -> bool:
    """Enqueue tomorrow's run unless one is already waiting; False when the backend cannot
    defer tasks (the immediate backend of the tests)."""
    if not getattr(default_task_backend, "supports_defer", False):
        return False
    if pending_watch_exists():
        return False
    expiry_watch.using(run_after=next_run_after()).enqueue(reschedule=True)
    return True


def pending_watch_exists() -> bool:
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is installed
        return False
    return DBTaskResult.objects.filter(
        task_path=expiry_watch.module_path, status=TaskResultStatus.READY
    ).exists()


@task()
def expiry_watch(reschedule: bool = False) -> dict[str, int]:
    sent = run_expiry_watch()
    if reschedule:
        transaction.on_commit(schedule_next)  # runs at once outside a transaction
    return sent
