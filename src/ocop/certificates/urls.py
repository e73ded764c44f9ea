"""Pages of the certificates app, mounted at /certificates/.

The public look-up `/certificates/<number>/` comes last: every other route wins over it.
"""

from django.urls import path

from ocop.certificates import views

app_name = "certificates"
urlpatterns = [
    path("", views.certificate_list, name="certificate_list"),
    path("export/", views.certificate_export, name="certificate_export"),
    path("issue/", views.certificate_issue_index, name="certificate_issue_index"),
    path(
        "issue/<uuid:decision_id>/",
        views.certificate_issue_from_decision,
        name="certificate_issue_from_decision",
    ),
    path("<uuid:public_id>/", views.certificate_detail, name="certificate_detail"),
    path("<uuid:public_id>/pdf/", views.certificate_pdf_download, name="certificate_pdf"),
    path("<uuid:public_id>/suspend/", views.certificate_suspend, name="certificate_suspend"),
    path("<uuid:public_id>/reinstate/", views.certificate_reinstate, name="certificate_reinstate"),
    path("<uuid:public_id>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path(
        "<uuid:public_id>/reevaluate/",
        views.certificate_request_reevaluation,
        name="certificate_request_reevaluation",
    ),
    path("<path:number>/", views.public_lookup, name="public_lookup"),
]
