"""Settings for the benchmarks: the project's own settings, with the benchmark URLconf.

Used as DJANGO_SETTINGS_MODULE=bench_settings with `benchmarks/` on the Python path
(gunicorn --pythonpath benchmarks). Everything else (database, DEBUG, secret key) comes
from the environment exactly as in production.
"""

from drugcontrol.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
