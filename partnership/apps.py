from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = "Partnerships and people"

    def ready(self):
        from . import checks, signals  # noqa: F401  (registers checks and receivers)
