from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArrangementenConfig(AppConfig):
    name = "arrangementen"
    verbose_name = _("Arrangementen")

    def ready(self):
        from . import dashboard, tasks  # noqa: F401  (models are loaded only now; tasks registers its names)

        dashboard.register_blocks()
