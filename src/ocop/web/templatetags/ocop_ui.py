"""Template helpers shared by every app: `{% load ocop_ui %}`.

- `{% try_url "app:name" arg as href %}`: the URL, or "" when the name does not resolve (yet).
- `{{ value|vnd }}`: integer đồng as "1.250.000 ₫".
- `{{ date_or_datetime|dmy }}`, `{{ datetime|dmy_hm }}`: dd/mm/yyyy (and HH:MM, local time).
- `{% elided_pages page_obj as pages %}`: page numbers with "…" gaps (partials/pagination.html).
- `{% history_items events as items %}`: audit entries with readable action, actor and changed
  fields, foreign keys named (one query per related model); used by core/_history.html.
  `{{ event|audit_action }}`, `{{ event|audit_actor }}`, `{{ event|audit_changes }}` for one entry.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django import template
from django.apps import apps
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.core import display

register = template.Library()

EMPTY = display.EMPTY
MAX_VALUE_CHARS = 120
MAX_RELATED_IDS = 500
HIDDEN_FIELDS = {"id", "public_id", "created_at", "updated_at", "name_search", "search_text"}

# The last segment of an audit action code ("producers.producer.create") → a readable verb.
VERBS = {
    "create": gettext_lazy("Tạo mới"),
    "update": gettext_lazy("Cập nhật"),
    "delete": gettext_lazy("Xóa"),
    "retire": gettext_lazy("Ngừng theo dõi"),
    "status": gettext_lazy("Đổi trạng thái"),
    "set_status": gettext_lazy("Đổi trạng thái"),
    "submit": gettext_lazy("Nộp"),
    "return": gettext_lazy("Trả lại"),
    "approve": gettext_lazy("Phê duyệt"),
    "reject": gettext_lazy("Từ chối"),
    "assign": gettext_lazy("Phân công"),
    "link": gettext_lazy("Liên kết"),
    "unlink": gettext_lazy("Hủy liên kết"),
    "upload": gettext_lazy("Tải lên tài liệu"),
    "revoke": gettext_lazy("Thu hồi"),
    "activate": gettext_lazy("Kích hoạt"),
    "deactivate": gettext_lazy("Vô hiệu hóa"),
    "login": gettext_lazy("Đăng nhập"),
    "logout": gettext_lazy("Đăng xuất"),
    "set_cycle_step": gettext_lazy("Chuyển bước chu trình"),
    "image_add": gettext_lazy("Thêm ảnh"),
    "document_upload": gettext_lazy("Tải lên tài liệu"),
    "grant": gettext_lazy("Giao vai trò"),
    "end": gettext_lazy("Kết thúc vai trò"),
    "password_change": gettext_lazy("Đổi mật khẩu"),
    "password_set": gettext_lazy("Đặt lại mật khẩu"),
    "confirm": gettext_lazy("Xác nhận"),
    "import": gettext_lazy("Nhập dữ liệu"),
    "load": gettext_lazy("Nạp dữ liệu"),
}


@register.simple_tag
def try_url(name: str, *args: Any, **kwargs: Any) -> str:
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


@register.filter
def vnd(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{amount:,}".replace(",", ".") + " ₫"


@register.filter
def dmy(value: Any) -> str:
    return display.dmy(value)


@register.filter
def dmy_hm(value: Any) -> str:
    return display.dmy_hm(value)


@register.simple_tag
def elided_pages(page_obj, on_each_side: int = 2, on_ends: int = 1) -> list:
    """Page numbers around the current one, with Paginator.ELLIPSIS for the gaps."""
    paginator = page_obj.paginator
    return list(
        paginator.get_elided_page_range(page_obj.number, on_each_side=on_each_side, on_ends=on_ends)
    )


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


@register.filter
def audit_action(event) -> str:
    """ "Tạo mới · chủ thể OCOP" for action "producers.producer.create"."""
    verb_code = event.action.rsplit(".", 1)[-1]
    verb = VERBS.get(verb_code)
    model = _model(event.object_type)
    if verb is None:
        return event.action
    return f"{verb} · {model._meta.verbose_name}" if model else str(verb)


@register.filter
def audit_actor(event) -> str:
    """The actor's full name when the row was fetched with select_related("actor_user")."""
    user = event._state.fields_cache.get("actor_user")
    if user is not None and getattr(user, "full_name", ""):
        return user.full_name
    return event.actor_label


def _field(model: type[models.Model] | None, key: str) -> models.Field | None:
    if model is None:
        return None
    for f in model._meta.concrete_fields:
        if key in (f.attname, f.name):
            return f
    return None


def _shown(field: models.Field | None, value: Any) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            return dmy_hm(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(field, models.DateField) and isinstance(value, str):
        try:
            return dmy(dt.date.fromisoformat(value))
        except ValueError:
            return value
    text = str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


@dataclass
class HistoryItem:
    """One audit entry ready to show: readable action, actor, and changed fields."""

    event: Any
    action: str
    actor: str
    created: bool
    rows: list[dict[str, str]] = field(default_factory=list)


def _changed_keys(event) -> list[str]:
    before, after = event.before or {}, event.after or {}
    keys = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if key in HIDDEN_FIELDS or old == new:
            continue
        if not event.before and new in (None, "", [], False):
            continue
        keys.append(key)
    return keys


def _related_labels(events: list) -> dict[tuple[type, str], str]:
    """Names of the rows foreign keys point to, one query per related model for the whole page."""
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for event in events:
        model = _model(event.object_type)
        for key in _changed_keys(event):
            f = _field(model, key)
            if f is None or not f.many_to_one:
                continue
            for side in (event.before or {}, event.after or {}):
                if side.get(key) not in (None, ""):
                    wanted[f.related_model].add(str(side[key]))
    labels = {}
    for related, ids in wanted.items():
        for obj in related._base_manager.filter(pk__in=list(ids)[:MAX_RELATED_IDS]):
            labels[(related, str(obj.pk))] = str(obj)
    return labels


def _item(event, labels: dict[tuple[type, str], str]) -> HistoryItem:
    model = _model(event.object_type)
    before, after = event.before or {}, event.after or {}
    rows = []
    for key in _changed_keys(event):
        f = _field(model, key)
        label = str(f.verbose_name) if f is not None else key

        def shown(value, f=f):
            if f is not None and f.many_to_one and value not in (None, ""):
                return labels.get((f.related_model, str(value)), f"#{value}")
            return _shown(f, value)

        rows.append(
            {"label": label, "before": shown(before.get(key)), "after": shown(after.get(key))}
        )
    return HistoryItem(
        event=event,
        action=audit_action(event),
        actor=audit_actor(event),
        created=not event.before,
        rows=rows,
    )


@register.simple_tag
def history_items(events) -> list[HistoryItem]:
    """`{% history_items events as items %}`: entries with readable changes (core/_history.html)."""
    events = list(events or [])
    labels = _related_labels(events)
    return [_item(event, labels) for event in events]


@register.filter
def audit_changes(event) -> list[dict[str, str]]:
    """Rows {label, before, after} of the fields an entry changed (creation: the non-empty ones)."""
    return history_items([event])[0].rows
