from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeaConfig(AppConfig):
    name = "lea"
    verbose_name = _("Electronic apprenticeship booklet (LEA)")
