from django.urls import path

from ocop.accounts import views

app_name = "accounts"
urlpatterns = [
    # log-in, log-out, passwords
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/change/", views.password_change, name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # my account
    path("me/", views.account, name="account"),
    path("me/edit/", views.account_edit, name="account_edit"),
    path("me/tokens/", views.token_create, name="token_create"),
    path("me/tokens/<uuid:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    # user administration
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<uuid:user_id>/", views.user_detail, name="user_detail"),
    path("users/<uuid:user_id>/edit/", views.user_update, name="user_update"),
    path("users/<uuid:user_id>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<uuid:user_id>/activate/", views.user_activate, name="user_activate"),
    path("users/<uuid:user_id>/memberships/new/", views.membership_grant, name="membership_grant"),
    path(
        "users/<uuid:user_id>/memberships/<uuid:membership_id>/end/",
        views.membership_end,
        name="membership_end",
    ),
]
