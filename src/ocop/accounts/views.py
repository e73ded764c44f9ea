"""Log-in, passwords, "my account" and user administration pages (thin: parse, call, render)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ocop.accounts import policies, selectors, services, throttle
from ocop.accounts.forms import (
    ApiTokenForm,
    LoginForm,
    MembershipGrantForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    ResetSetPasswordForm,
    UserCreateForm,
    UserFilterForm,
    apply_errors,
)
from ocop.core import clock
from ocop.core.access import access
from ocop.core.errors import DomainError, PermissionDenied

USERS_PER_PAGE = 25


def _wait_message(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return _("Bạn đã thử quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút.") % {
        "minutes": minutes
    }


def _too_many(response, seconds: int):
    response.status_code = 429
    response["Retry-After"] = str(seconds)
    return response


# --- log-in, log-out ---------------------------------------------------------------------------------


@access.public
class LoginView(auth_views.LoginView):
    """Django's log-in (new session key, safe `next`), throttled per account and per address.

    Unknown account, wrong password and locked account give the same answer; once an account
    or an address reaches its limit every attempt gets 429 with Retry-After, without the
    password being checked.
    """

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")[:150]
        wait = throttle.login_retry_after(username, throttle.client_address(request))
        if wait is not None:
            form = self.authentication_form(request, initial={"username": username})
            context = self.get_context_data(form=form, throttled=_wait_message(wait))
            return _too_many(self.render_to_response(context), wait)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        username = self.request.POST.get("username", "")[:150]
        if username and self.request.POST.get("password"):
            throttle.login_failed(username, throttle.client_address(self.request))
        return super().form_invalid(form)

    def form_valid(self, form):
        throttle.login_succeeded(form.get_user().get_username())
        return super().form_valid(form)


@access.public
class LogoutView(auth_views.LogoutView):
    """POST only (Django 5); back to the log-in page with a notice."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("Bạn đã đăng xuất."))
        return response


# --- password reset by e-mail -----------------------------------------------------------------------


@access.public
class PasswordResetView(auth_views.PasswordResetView):
    """Same answer whether or not the address has an account; throttled per address and
    per e-mail like the log-in."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"site_name": "OCOP"}

    def post(self, request, *args, **kwargs):
        email = request.POST.get("email", "")[:254]
        address = throttle.client_address(request)
        wait = throttle.reset_retry_after(email, address)
        if wait is not None:
            context = self.get_context_data(
                form=self.form_class(initial={"email": email}), throttled=_wait_message(wait)
            )
            return _too_many(self.render_to_response(context), wait)
        throttle.reset_requested(email, address)
        return super().post(request, *args, **kwargs)


@access.public
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


@access.public
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = ResetSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        throttle.login_succeeded(form.user.get_username())  # a fresh password lifts the lock
        return response


@access.public
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- own account -------------------------------------------------------------------------------------


@access(policies.can_use_account)
def password_change(request):
    """Change one's password; other sessions end, this one continues. A wrong current
    password counts as a failed log-in for the account."""
    form = PasswordChangeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        user = selectors.account_get(actor=request.actor)
        address = throttle.client_address(request)
        wait = throttle.login_retry_after(user.get_username(), address)
        if wait is not None:
            form = PasswordChangeForm()
            form.add_error(None, _wait_message(wait))
            response = render(request, "accounts/password_change.html", {"form": form})
            return _too_many(response, wait)
        if form.is_valid():
            try:
                services.password_change(
                    actor=request.actor,
                    user=user,
                    old_password=form.cleaned_data["old_password"],
                    new_password=form.cleaned_data["new_password"],
                )
            except DomainError as exc:
                if exc.code == "accounts.wrong_password":
                    throttle.login_failed(user.get_username(), address)
                apply_errors(form, exc)
                status = exc.status
            else:
                update_session_auth_hash(request, user)
                messages.success(
                    request, _("Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc.")
                )
                return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form}, status=status)


def _membership_rows(actor, memberships, *, with_end: bool) -> list[dict]:
    """Display rows {m, state, can_end}; the template shows what the policies decided."""
    today = clock.today()
    rows = []
    for m in memberships:
        ended = m.is_ended_on(today)
        state = "ended" if ended else ("active" if m.is_active_on(today) else "scheduled")
        can_end = with_end and not ended and policies.can_end_membership(actor, m)
        rows.append({"m": m, "state": state, "can_end": can_end})
    return rows


def _account_page(request, *, token_form=None, status=200):
    account = selectors.account_get(actor=request.actor)
    today = clock.today()
    current = [m for m in account.memberships.all() if not m.is_ended_on(today)]
    context = {
        "account": account,
        "memberships": _membership_rows(request.actor, current, with_end=False),
        "tokens": selectors.api_token_list(actor=request.actor),
        "token_form": token_form or ApiTokenForm(),
        "now": clock.now(),
    }
    return render(request, "accounts/account.html", context, status=status)


@access(policies.can_use_account)
def account(request):
    """My account: profile, roles and units, password, API tokens."""
    return _account_page(request)


@access(policies.can_use_account)
def account_edit(request):
    account = selectors.account_get(actor=request.actor)
    form = ProfileForm.for_user(account, request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.actor, user=account, **form.cleaned_data)
        except DomainError as exc:
            apply_errors(form, exc)
            status = exc.status
        else:
            messages.success(request, _("Đã lưu thông tin tài khoản."))
            return redirect("accounts:account")
    return render(
        request, "accounts/account_edit.html", {"form": form, "account": account}, status=status
    )


@never_cache
@require_POST
@access(policies.can_create_api_token)
def token_create(request):
    """Create a token and show its key this once (the page is not cached)."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _account_page(request, token_form=form, status=422)
    try:
        token, key = services.api_token_create(
            actor=request.actor,
            name=form.cleaned_data["name"],
            expires_at=form.expires_at(clock.now()),
        )
    except DomainError as exc:
        apply_errors(form, exc)
        return _account_page(request, token_form=form, status=exc.status)
    return render(request, "accounts/token_created.html", {"token": token, "key": key})


@require_POST
@access(policies.can_use_account)
def token_revoke(request, token_id):
    token = selectors.api_token_get(actor=request.actor, public_id=token_id)
    services.api_token_revoke(actor=request.actor, token=token)
    messages.success(request, _("Đã thu hồi mã truy cập «%(name)s».") % {"name": token.name})
    return redirect("accounts:account")


# --- user administration -------------------------------------------------------------------------


@access(policies.can_view_users)
def user_list(request):
    form = UserFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    users = selectors.user_list(
        actor=request.actor, q=filters.get("q", ""), role=filters.get("role") or None
    )
    page = Paginator(users, USERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_create": policies.can_manage_users(request.actor),
        "today": clock.today(),
    }
    return render(request, "accounts/user_list.html", context)


@access(policies.can_view_users)
def user_detail(request, user_id):
    actor = request.actor
    user = selectors.user_get(actor=actor, public_id=user_id)
    memberships = _membership_rows(actor, user.memberships.all(), with_end=True)
    context = {
        "account": user,
        "memberships": memberships,
        "history": selectors.user_history(actor=actor, user=user),
        "can_manage": policies.can_manage_users(actor, user),
        "can_lock": policies.can_manage_users(actor, user) and user.pk != actor.user_id,
        "can_grant": policies.can_grant_membership_to(actor, user),
    }
    return render(request, "accounts/user_detail.html", context)


@access(policies.can_manage_users)
def user_create(request):
    form = UserCreateForm(request.actor, request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.actor, **form.account_data())
        except DomainError as exc:
            apply_errors(form, exc)
            status = exc.status
        else:
            messages.success(request, _("Đã tạo tài khoản «%(name)s».") % {"name": user})
            return redirect("accounts:user_detail", user_id=user.public_id)
    return render(request, "accounts/user_form.html", {"form": form}, status=status)


@access(policies.can_view_users)
def user_update(request, user_id):
    user = selectors.user_get(actor=request.actor, public_id=user_id)
    if not policies.can_update_user(request.actor, user):
        raise PermissionDenied()
    form = ProfileForm.for_user(user, request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.actor, user=user, **form.cleaned_data)
        except DomainError as exc:
            apply_errors(form, exc)
            status = exc.status
        else:
            messages.success(request, _("Đã lưu thông tin tài khoản."))
            return redirect("accounts:user_detail", user_id=user.public_id)
    context = {"form": form, "account": user}
    return render(request, "accounts/user_edit.html", context, status=status)


@require_POST
@access(policies.can_manage_users)
def user_deactivate(request, user_id):
    user = selectors.user_get(actor=request.actor, public_id=user_id)
    services.user_deactivate(actor=request.actor, user=user, reason=request.POST.get("reason", ""))
    messages.success(request, _("Đã khoá tài khoản «%(name)s».") % {"name": user})
    return redirect("accounts:user_detail", user_id=user.public_id)


@require_POST
@access(policies.can_manage_users)
def user_activate(request, user_id):
    user = selectors.user_get(actor=request.actor, public_id=user_id)
    services.user_activate(actor=request.actor, user=user, reason=request.POST.get("reason", ""))
    messages.success(request, _("Đã mở khoá tài khoản «%(name)s».") % {"name": user})
    return redirect("accounts:user_detail", user_id=user.public_id)


@access(policies.can_grant_membership)
def membership_grant(request, user_id):
    user = selectors.user_get(actor=request.actor, public_id=user_id)
    if not policies.can_grant_membership_to(request.actor, user):
        raise PermissionDenied()
    form = MembershipGrantForm(request.actor, request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_grant(actor=request.actor, user=user, **form.membership_data())
        except DomainError as exc:
            apply_errors(form, exc)
            status = exc.status
        else:
            messages.success(request, _("Đã giao vai trò cho «%(name)s».") % {"name": user})
            return redirect("accounts:user_detail", user_id=user.public_id)
    context = {"form": form, "account": user}
    return render(request, "accounts/membership_form.html", context, status=status)


@require_POST
@access(policies.can_grant_membership)
def membership_end(request, user_id, membership_id):
    user = selectors.user_get(actor=request.actor, public_id=user_id)
    membership = selectors.membership_get(actor=request.actor, user=user, public_id=membership_id)
    services.membership_end(
        actor=request.actor, membership=membership, reason=request.POST.get("reason", "")
    )
    messages.success(
        request, _("Đã kết thúc vai trò «%(role)s».") % {"role": membership.get_role_display()}
    )
    return redirect("accounts:user_detail", user_id=user.public_id)
