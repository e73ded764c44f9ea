from django.shortcuts import render

from ocop.core.access import access


@access.public
def home(request):
    return render(request, "web/home.html", {})
