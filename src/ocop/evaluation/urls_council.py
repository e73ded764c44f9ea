"""Council, scoring sheets, minutes, decisions and feedback pages (evaluation namespace)."""

urlpatterns: list = []
