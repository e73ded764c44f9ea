"""The home page: a public landing page, or the signed-in user's dashboard."""

from django.shortcuts import render

from ocop.core.access import access
from ocop.web import dashboard
from ocop.web.context import first_url


@access.public
def home(request):
    actor = request.actor
    if actor.is_anonymous:
        context = {
            "login_url": first_url("accounts:login"),
            "catalogue_url": first_url("portal:catalogue", "portal:products"),
            "verify_url": first_url("stamps:verify", "portal:verify"),
        }
        return render(request, "web/landing.html", context)
    return render(request, "web/dashboard.html", dashboard.build(actor))
