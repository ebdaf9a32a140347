"""The Celery application: JSON only, late acknowledgement, one task at a time per process.

The settings (``CELERY_*`` in :mod:`copgirls.settings`) carry the time limits and the
broker's visibility timeout; here they are only loaded.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copgirls.settings")

app = Celery("copgirls")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
