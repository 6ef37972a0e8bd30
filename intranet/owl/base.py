"""Si Owl's model base (kept apart from models.py so the schema list does not take it for a
table): every Si Owl table is prefixed ``owl_``."""

import re

from ..models import BaseModel


def _owl_table_name(model_class):
    return "owl_" + re.sub(r"(?<!^)(?=[A-Z])", "_", model_class.__name__).lower()


class OwlModel(BaseModel):
    class Meta:
        table_function = _owl_table_name
