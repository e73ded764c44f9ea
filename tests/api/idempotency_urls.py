"""A tiny creating endpoint under /api/v1 for the idempotency middleware tests.

POST /api/v1/widgets with JSON {"name": ...} issues the next number of a counter (one "object"
per successful call). The name "invalid" answers 422, "explode" raises. The view waits on
GATE (when set) so a test can hold a request in flight deterministically.
"""

import json
import threading

from django.db import transaction
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from ocop.api.auth import bearer_token, user_for_bearer
from ocop.core import codes
from ocop.core.problem import problem_response

SCOPE = "test.widgets"
GATE: dict[str, threading.Event] = {}


@csrf_exempt
def widget_create(request):
    token = bearer_token(request)
    user = user_for_bearer(request, token) if token else request.user
    if user is None or not user.is_authenticated:
        return problem_response(
            code="core.not_authenticated", title="Chưa đăng nhập", status=401, detail="..."
        )
    name = json.loads(request.body or b"{}").get("name", "")
    if "entered" in GATE:
        GATE["entered"].set()
        GATE["release"].wait(timeout=30)
    if name == "invalid":
        return problem_response(
            code="core.validation_failed", title="Không hợp lệ", status=422, detail="Tên sai."
        )
    if name == "explode":
        raise RuntimeError("widget exploded")
    with transaction.atomic():
        number = codes.next_value(SCOPE)
    return JsonResponse({"number": number, "name": name}, status=201)


urlpatterns = [path("api/v1/widgets", widget_create)]
