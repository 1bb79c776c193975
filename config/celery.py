import os

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("jpa")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@beat_init.connect
def _refuse_insecure_settings(**kwargs):
    from django.core.exceptions import ImproperlyConfigured

    from config.startup import refuse_insecure_settings

    try:
        refuse_insecure_settings()
    except ImproperlyConfigured as error:
        # Celery logs and ignores exceptions from signal handlers; only SystemExit stops it.
        raise SystemExit(str(error)) from error
