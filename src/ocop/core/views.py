"""Operational endpoints for load balancers and benchmarks."""

import json

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse

from ocop.core import readiness
from ocop.core.access import access
from ocop.core.problem import CONTENT_TYPE, problem_body


def _unavailable(code: str, detail: str, retry_after: int, **members) -> HttpResponse:
    body = problem_body(
        code=code, title="Dịch vụ chưa sẵn sàng", status=503, detail=detail, **members
    )
    return HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=503,
        content_type=CONTENT_TYPE,
        headers={"Retry-After": str(retry_after)},
    )


@access.public
def healthz(request):
    """Alive: no database, no session. Also the benchmarks' bare baseline."""
    return JsonResponse({"status": "ok"})


@access.public
def readyz(request):
    """Ready: the database answers, no migration is pending and the apps' checks pass
    (core.readiness)."""
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # noqa: BLE001 - any database failure means "not ready"
        return _unavailable(
            "core.database_unreachable",
            "Không kết nối được cơ sở dữ liệu.",
            5,
            database="unreachable",
            error=exc.__class__.__name__,
        )
    if pending:
        return _unavailable(
            "core.migrations_pending",
            "Cơ sở dữ liệu chưa được cập nhật cấu trúc (còn migration chưa chạy).",
            30,
            database="ok",
            pending_migrations=len(pending),
        )
    try:
        failure = readiness.first_failure()
    except Exception as exc:  # noqa: BLE001 - a check that cannot run means "not ready"
        return _unavailable(
            "core.database_unreachable",
            "Không kết nối được cơ sở dữ liệu.",
            5,
            database="unreachable",
            error=exc.__class__.__name__,
        )
    if failure is not None:
        return _unavailable(failure.code, failure.detail, failure.retry_after, database="ok")
    return JsonResponse({"status": "ok", "database": "ok"})
