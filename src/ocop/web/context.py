"""Template context: the acting user and the navigation their roles allow."""


def navigation(request):
    actor = getattr(request, "actor", None)
    return {"actor": actor}
