"""Alert pages, included by stamps/urls.py (namespace `stamps`):

path("alerts/", include("ocop.stamps.urls_alerts")),
"""

from django.urls import path

from ocop.stamps import views_alerts

urlpatterns = [
    path("", views_alerts.alert_list, name="alert_list"),
    path("<uuid:public_id>/", views_alerts.alert_detail, name="alert_detail"),
    path("<uuid:public_id>/acknowledge/", views_alerts.alert_acknowledge, name="alert_acknowledge"),
    path("<uuid:public_id>/close/", views_alerts.alert_close, name="alert_close"),
]
