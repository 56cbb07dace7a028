from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArrangementenConfig(AppConfig):
    name = "arrangementen"
    verbose_name = _("Arrangementen")

    def ready(self):
        # Models are loaded only now; importing tasks registers its names.
        from . import beeldcache, dashboard, publicatieblok, tasks  # noqa: F401

        beeldcache.connect()
        dashboard.register_blocks()
        publicatieblok.register_section()
