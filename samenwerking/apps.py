from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamenwerkingConfig(AppConfig):
    name = "samenwerking"
    verbose_name = _("Samenwerking")

    def ready(self):
        from . import signals  # noqa: F401  (every receiver of samenwerking)
