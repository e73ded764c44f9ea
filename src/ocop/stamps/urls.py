"""Officer and producer pages of the stamps app, mounted at /stamps/."""

from django.urls import include, path

from ocop.stamps import views

app_name = "stamps"
urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("alerts/", include("ocop.stamps.urls_alerts")),
    path("new/", views.batch_request, name="batch_request"),
    path("<uuid:public_id>/", views.batch_detail, name="batch_detail"),
    path("<uuid:public_id>/approve/", views.batch_approve, name="batch_approve"),
    path("<uuid:public_id>/reject/", views.batch_reject, name="batch_reject"),
    path("<uuid:public_id>/activate/", views.lot_activate, name="lot_activate"),
    path("<uuid:public_id>/return/", views.stamps_return, name="stamps_return"),
    path("<uuid:public_id>/void/", views.stamps_void, name="stamps_void"),
    path("<uuid:public_id>/labels.pdf", views.batch_labels_pdf, name="batch_labels_pdf"),
    path("<uuid:public_id>/codes.csv", views.batch_codes_csv, name="batch_codes_csv"),
]
