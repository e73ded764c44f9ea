from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from ocop.api.api import api
from ocop.core import views as core_views
from ocop.stamps import api_public as stamps_api_public

urlpatterns = [
    # The public verification paths come first: they carry nearly all of the site's traffic, and
    # Django tries the patterns in order. The API's verification endpoint is answered without the
    # API framework's dispatch (the operation is still documented in the OpenAPI document): see
    # stamps.api_public.verify_api.
    path("api/v1/public/verify/<str:code>", stamps_api_public.verify_api, name="api_verify"),
    path("", include("ocop.stamps.urls_public")),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("ocop.accounts.urls")),
    path("geo/", include("ocop.geo.urls")),
    path("producers/", include("ocop.producers.urls")),
    path("products/", include("ocop.products.urls")),
    path("criteria/", include("ocop.criteria.urls")),
    path("evaluation/", include("ocop.evaluation.urls")),
    path("certificates/", include("ocop.certificates.urls")),
    path("stamps/", include("ocop.stamps.urls")),
    path("", include("ocop.web.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
