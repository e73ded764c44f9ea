"""Rounds, applications, dossiers, pre-assessment pages (names in the evaluation namespace)."""

from django.urls import path

from ocop.evaluation import views_applications as views

urlpatterns: list = [
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<uuid:public_id>/", views.round_detail, name="round_detail"),
    path("rounds/<uuid:public_id>/export.xlsx", views.round_export, name="round_export"),
    path("rounds/<uuid:public_id>/forward/", views.round_forward, name="round_forward"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/export.xlsx", views.application_export, name="application_export"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/<uuid:public_id>/", views.application_detail, name="application_detail"),
    path(
        "applications/<uuid:public_id>/submit/",
        views.application_submit,
        name="application_submit",
    ),
    path(
        "applications/<uuid:public_id>/return/",
        views.application_return,
        name="application_return",
    ),
    path(
        "applications/<uuid:public_id>/pre-assess/",
        views.application_pre_assess,
        name="application_pre_assess",
    ),
    path(
        "applications/<uuid:public_id>/lower-score/",
        views.application_lower_score,
        name="application_lower_score",
    ),
    path("applications/<uuid:public_id>/move/", views.application_move, name="application_move"),
    path(
        "applications/<uuid:public_id>/national/",
        views.application_national,
        name="application_national",
    ),
    path("applications/<uuid:public_id>/edit/", views.application_edit, name="application_edit"),
    path(
        "applications/<uuid:public_id>/pre-assessment/report/",
        views.application_pre_assessment_report,
        name="application_pre_assessment_report",
    ),
    path(
        "applications/<uuid:public_id>/documents/",
        views.application_document_upload,
        name="application_document_upload",
    ),
    path(
        "applications/<uuid:public_id>/documents/<int:document_id>/",
        views.application_document,
        name="application_document",
    ),
    path(
        "applications/<uuid:public_id>/documents/<int:document_id>/remove/",
        views.application_document_remove,
        name="application_document_remove",
    ),
    path(
        "applications/<uuid:public_id>/feedback/",
        views.application_feedback,
        name="application_feedback",
    ),
]
