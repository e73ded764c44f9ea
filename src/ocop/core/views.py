"""Operational endpoints for load balancers and benchmarks."""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse

from ocop.core.access import access


@access.public
def healthz(request):
    """Alive: no database, no session. Also the benchmarks' bare baseline."""
    return JsonResponse({"status": "ok"})


@access.public
def readyz(request):
    """Ready: the database answers and no migration is pending."""
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # noqa: BLE001 - any database failure means "not ready"
        return JsonResponse(
            {"status": "unavailable", "database": "unreachable", "error": exc.__class__.__name__},
            status=503,
            headers={"Retry-After": "5"},
        )
    if pending:
        return JsonResponse(
            {"status": "unavailable", "database": "ok", "pending_migrations": len(pending)},
            status=503,
            headers={"Retry-After": "30"},
        )
    return JsonResponse({"status": "ok", "database": "ok"})
