"""The full list of models, for ``pwmigrate generate`` / ``diff`` (``intranet.schema:MODELS``)."""

from .models import all_models

MODELS = all_models()
