from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActiepuntenConfig(AppConfig):
    name = "actiepunten"
    verbose_name = _("Actiepunten")
