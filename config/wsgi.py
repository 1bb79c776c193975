import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from config.startup import refuse_insecure_settings  # noqa: E402  (needs settings loaded)

refuse_insecure_settings()
