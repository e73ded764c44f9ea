"""Public, log-in-free verification paths mounted at the site root: /v/<code> and GS1 Digital Link."""

from django.urls import path, re_path

from ocop.stamps import views_public

app_name = "verify"

urlpatterns = [
    path("v/<str:code>", views_public.verify_code, name="code"),
    path("v/<str:code>/bao-cao", views_public.report_problem, name="report"),
    path("v/<str:code>/noi-quet", views_public.share_place, name="place"),
    # Every /01/... path is answered: a well-formed Digital Link is verified, anything else is a
    # 400 page (never a 404 or a 200 page showing an error).
    re_path(r"^01/(?P<rest>.*)$", views_public.verify_gs1, name="gs1"),
]
