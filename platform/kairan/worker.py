"""Entry module for `dramatiq kairan.worker`: set Django up and import every app's actors."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kairan.settings")
django.setup()

from django.utils.module_loading import autodiscover_modules  # noqa: E402

autodiscover_modules("tasks")
