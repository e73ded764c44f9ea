"""Officer and producer pages of the stamps app, mounted at /stamps/."""

app_name = "stamps"
urlpatterns: list = []
