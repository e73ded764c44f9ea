from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class StampsConfig(AppConfig):
    name = "ocop.stamps"
    label = "stamps"
    verbose_name = _("Tem truy xuất")

    def ready(self) -> None:
        from ocop.core import readiness
        from ocop.stamps import verify

        # The verification lookups' PostgreSQL functions follow the code: every migrate
        # (re)creates them from the current query (stamps.verify._Prepared).
        post_migrate.connect(
            verify.install_lookup_functions, sender=self, dispatch_uid="ocop.stamps.lookups"
        )
        readiness.register("stamps.lookup_functions", verify.readiness_check)
