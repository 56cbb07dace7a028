from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActiepuntenConfig(AppConfig):
    name = "actiepunten"
    verbose_name = _("Actiepunten")

    def ready(self):
        from .evaluaties import aanvulling  # models are loaded only now

        aanvulling.register_section()
