"""ASGI entry point. Serve with WSGI (gunicorn) in production: the async ORM loses the
tenant schema (django-tenants' open issues), so nothing here relies on it."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kairan.settings")
application = get_asgi_application()
