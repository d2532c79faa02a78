"""WSGI entry point (gunicorn drugcontrol.wsgi). Refuses to start on failed security checks."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drugcontrol.settings")
application = get_wsgi_application()

from drugcontrol.core.checks import refuse_to_start_if_insecure  # noqa: E402

refuse_to_start_if_insecure()

from drugcontrol.core.process import warm_and_freeze  # noqa: E402

warm_and_freeze()
