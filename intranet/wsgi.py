"""WSGI entry point for gunicorn: ``gunicorn intranet.wsgi:app``."""

from . import create_app

app = create_app()
