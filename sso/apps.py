from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "sso"
    verbose_name = "Sign-in with a council or NHS account"

    def ready(self):
        from . import signals  # noqa: F401  (registers receivers)
