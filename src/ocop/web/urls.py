from django.urls import path

from ocop.web import views, views_notifications

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("notifications/", views_notifications.notification_list, name="notifications"),
    path("notifications/read/", views_notifications.notification_read, name="notifications_read"),
    path(
        "notifications/<int:notice_id>/open/",
        views_notifications.notification_open,
        name="notification_open",
    ),
]
