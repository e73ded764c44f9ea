from django.urls import path

from ocop.producers import views

app_name = "producers"
urlpatterns = [
    path("", views.producer_list, name="list"),
    path("new/", views.producer_create, name="create"),
    path("<uuid:public_id>/", views.producer_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.producer_edit, name="edit"),
    path("<uuid:public_id>/status/", views.producer_set_status, name="status"),
    path("<uuid:public_id>/history/", views.producer_history, name="history"),
    path("<uuid:public_id>/certifications/new/", views.certification_add, name="certification_add"),
    path(
        "<uuid:public_id>/certifications/<uuid:certification_id>/edit/",
        views.certification_edit,
        name="certification_edit",
    ),
    path(
        "<uuid:public_id>/certifications/<uuid:certification_id>/remove/",
        views.certification_remove,
        name="certification_remove",
    ),
    path("<uuid:public_id>/documents/new/", views.document_upload, name="document_upload"),
    path(
        "<uuid:public_id>/documents/<uuid:document_id>/",
        views.document_download,
        name="document",
    ),
]
