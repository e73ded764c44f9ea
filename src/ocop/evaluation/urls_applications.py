"""Rounds, applications, dossiers, pre-assessment pages (names in the evaluation namespace)."""

urlpatterns: list = []
