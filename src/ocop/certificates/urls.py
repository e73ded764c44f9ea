"""Pages of the certificates app, mounted at /certificates/."""

app_name = "certificates"
urlpatterns: list = []
