"""The WSGI entry point for gunicorn: `gunicorn coprod.wsgi:app`."""

from coprod import create_app

app = create_app()
