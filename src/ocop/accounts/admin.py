"""Operators' view of accounts: read-mostly; the only write (lock/unlock) goes through services."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from ocop.accounts import services
from ocop.accounts.models import ApiToken, Membership, User
from ocop.core.actors import actor_for_user
from ocop.core.errors import DomainError


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["role", "province", "commune", "valid_from", "valid_to", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _run(modeladmin, request, queryset, service, done_message) -> None:
    actor = actor_for_user(request.user)
    done = 0
    for user in queryset.prefetch_related("memberships"):
        try:
            service(actor=actor, user=user, reason="admin")
        except DomainError as exc:
            modeladmin.message_user(request, f"{user}: {exc.detail}", messages.WARNING)
        else:
            done += 1
    modeladmin.message_user(request, done_message % {"n": done}, messages.SUCCESS)


@admin.action(description=_("Khoá các tài khoản đã chọn"))
def deactivate_users(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, services.user_deactivate, _("Đã khoá %(n)s tài khoản."))


@admin.action(description=_("Mở khoá các tài khoản đã chọn"))
def activate_users(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, services.user_activate, _("Đã mở khoá %(n)s tài khoản."))


@admin.register(User)
class UserAdmin(_ReadOnly):
    list_display = ["username", "full_name", "email", "is_active", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_superuser", "memberships__role", "is_demo"]
    search_fields = ["username", "full_name", "email", "name_search"]
    ordering = ["username"]
    fields = [
        "public_id",
        "username",
        "full_name",
        "email",
        "phone",
        "title",
        "organisation",
        "preferred_language",
        "is_active",
        "is_staff",
        "is_superuser",
        "is_demo",
        "date_joined",
        "last_login",
    ]
    readonly_fields = fields
    inlines = [MembershipInline]
    # Shown to anyone who may view the list; the services decide (administrators only).
    actions = [deactivate_users, activate_users]


@admin.register(Membership)
class MembershipAdmin(_ReadOnly):
    list_display = ["user", "role", "province", "commune", "valid_from", "valid_to"]
    list_filter = ["role", "province"]
    search_fields = ["user__username", "user__full_name"]
    list_select_related = ["user", "province", "commune"]
    fields = ["public_id", "user", "role", "province", "commune", "valid_from", "valid_to", "note"]
    readonly_fields = fields


@admin.register(ApiToken)
class ApiTokenAdmin(_ReadOnly):
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    fields = [
        "public_id",
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = fields
