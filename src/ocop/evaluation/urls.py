"""Pages of the evaluation app, mounted at /evaluation/.

Rounds, applications, dossiers and pre-assessment live in urls_applications; the council, scoring
sheets and results in urls_council.
"""

from ocop.evaluation import urls_applications, urls_council

app_name = "evaluation"
urlpatterns = [*urls_applications.urlpatterns, *urls_council.urlpatterns]
