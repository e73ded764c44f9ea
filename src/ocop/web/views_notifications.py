"""The signed-in user's in-app notifications: the list, opening one, marking them read.

Only the user's own notices are ever read or changed (through `request.user.notifications`).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ocop.core import notify
from ocop.core.access import access

PAGE_SIZE = 30


@access.authenticated
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    notices = request.user.notifications.order_by("-created_at", "-id")
    if request.GET.get("unread"):
        notices = notices.filter(read_at__isnull=True)
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "unread": notify.unread_count(request.user),
        "only_unread": bool(request.GET.get("unread")),
    }
    return render(request, "web/notifications.html", context)


@access.authenticated
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    """Mark the chosen notices read (`id` repeated), or all unread ones (`all`)."""
    if request.POST.get("all"):
        count = notify.mark_read(request.user)
    else:
        ids = [int(v) for v in request.POST.getlist("id") if v.isdigit()]
        count = notify.mark_read(request.user, ids) if ids else 0
    messages.success(request, _("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": count})
    return redirect("web:notifications")


@access.authenticated
@require_POST
def notification_open(request: HttpRequest, notice_id: int) -> HttpResponse:
    """Mark one notice read and follow its link (only links within this site)."""
    notice = get_object_or_404(request.user.notifications, pk=notice_id)
    notify.mark_read(request.user, [notice.pk])
    link = notice.link or ""
    if link and url_has_allowed_host_and_scheme(
        link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(link)
    return redirect("web:notifications")
