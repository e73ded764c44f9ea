"""Pages of scan alerts for inspectors, province officers and administrators (stamps:alert_*).

Mounted from stamps/urls.py by including `ocop.stamps.urls_alerts` (URL names `alert_list`,
`alert_detail`, `alert_acknowledge`, `alert_close` in the `stamps` namespace).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ocop.core.access import access
from ocop.core.errors import InvalidTransition
from ocop.stamps import policies_alerts, selectors_alerts, services_alerts
from ocop.stamps.models_scan import AlertKind, AlertStatus

PAGE_SIZE = 20


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Trạng thái"),
        required=False,
        choices=[("", gettext_lazy("Chưa đóng")), *AlertStatus.choices],
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Loại cảnh báo"),
        required=False,
        choices=[("", gettext_lazy("Tất cả")), *AlertKind.choices],
    )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {"status": self.cleaned_data["status"], "kind": self.cleaned_data["kind"]}


class AlertNoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Ghi chú xử lý"),
        required=False,
        max_length=services_alerts.REPORT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@access(policies_alerts.can_view_alerts)
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    form = AlertFilterForm(request.GET or None)
    alerts = selectors_alerts.alert_list(actor=request.actor, **form.filters())
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "stamps/alerts/alert_list.html", {"form": form, "page_obj": page})


@access(policies_alerts.can_view_alerts)
@require_GET
def alert_detail(request: HttpRequest, public_id) -> HttpResponse:
    alert = selectors_alerts.alert_get(actor=request.actor, public_id=public_id)
    context = {
        "alert": alert,
        "reports": selectors_alerts.alert_reports(actor=request.actor, alert=alert),
        "can_handle": policies_alerts.can_handle_alert(request.actor, alert),
        "note_form": AlertNoteForm(),
    }
    return render(request, "stamps/alerts/alert_detail.html", context)


def _act(request: HttpRequest, public_id, service, success: str) -> HttpResponse:
    alert = selectors_alerts.alert_get(actor=request.actor, public_id=public_id)
    form = AlertNoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        service(actor=request.actor, alert=alert, note=note)
    except InvalidTransition as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, success)
    return redirect("stamps:alert_detail", public_id=alert.public_id)


@access(policies_alerts.can_view_alerts)
@require_POST
def alert_acknowledge(request: HttpRequest, public_id) -> HttpResponse:
    return _act(request, public_id, services_alerts.alert_acknowledge, _("Đã tiếp nhận cảnh báo."))


@access(policies_alerts.can_view_alerts)
@require_POST
def alert_close(request: HttpRequest, public_id) -> HttpResponse:
    return _act(request, public_id, services_alerts.alert_close, _("Đã đóng cảnh báo."))
