from django.urls import path

from ocop.criteria import views

app_name = "criteria"
urlpatterns = [
    path("", views.ruleset_list, name="ruleset_list"),
    path("template.xlsx", views.ruleset_template, name="ruleset_template"),
    path("upload/", views.ruleset_upload, name="ruleset_upload"),
    path("upload/save/", views.ruleset_upload_save, name="ruleset_upload_save"),
    path("<str:code>/", views.ruleset_detail, name="ruleset_detail"),
    path("<str:code>/confirm/", views.ruleset_confirm, name="ruleset_confirm"),
    path("<str:code>/delete/", views.ruleset_delete, name="ruleset_delete"),
    path("<str:code>/export.xlsx", views.ruleset_export_xlsx, name="ruleset_export_xlsx"),
    path("<str:code>/export.yaml", views.ruleset_export_yaml, name="ruleset_export_yaml"),
]
