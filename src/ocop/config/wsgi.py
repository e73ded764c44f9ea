"""WSGI entry point (granian, gunicorn).

After the application loads, every module a request can reach is imported (the URLconf pulls in
every view) and the objects alive at that point — Django, the apps, their modules, translations —
are frozen out of the garbage collector's reach (`gc.freeze()`): they live as long as the process.
Without it each full collection walked them all: under the verification bench a worker paused
75–210 ms for every one of them, several times a minute, which was the whole p99 tail.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.config.settings")
application = get_wsgi_application()


def _settle() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the URLconf and every view module)
    gc.collect()
    gc.freeze()


_settle()
