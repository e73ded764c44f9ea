"""Public, log-in-free verification paths mounted at the site root: /v/<code> and GS1 Digital Link."""

urlpatterns: list = []
