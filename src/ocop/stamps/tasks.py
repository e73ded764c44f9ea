"""Background jobs of the stamps app (django-tasks). Tasks take IDs and are idempotent."""

from django_tasks import task

from ocop.stamps import services


@task()
def batch_issue_task(batch_id: int) -> int:
    """Issue the remaining codes of an approved batch; a rerun resumes at the committed count."""
    return services.batch_issue(batch_id=batch_id).issued_count
