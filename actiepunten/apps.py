from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActiepuntenConfig(AppConfig):
    name = "actiepunten"
    verbose_name = _("Actiepunten")

    def ready(self):
        from . import dashboard, tasks  # noqa: F401  (models are loaded only now; tasks registers its names)
        from .evaluaties import aanvulling

        aanvulling.register_section()
        dashboard.register_blocks()
