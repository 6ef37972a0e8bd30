"""Base model and time helpers shared by every feature."""

import datetime as dt

from peewee import Model

from .extensions import db


def utcnow():
    """Naive UTC now: every timestamp is stored in UTC and shown in WIB."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


# Modules whose models make up the schema. The migration check test compares the migrated database
# against exactly these; a feature adds its module here and a numbered migration in migrations/.
MODEL_MODULES = [
    "intranet.people.models",
    "intranet.auth.models",
    "intranet.audit.models",
    "intranet.core.models",
    "intranet.notify.models",
    "intranet.jobs.models",
    "intranet.owl.models",
    "intranet.emak.models",
    "intranet.cempaka.models",
    "intranet.anggrek.models",
    "intranet.jali.models",
]


def all_models():
    import importlib

    from peewee import sort_models

    models = []
    for name in MODEL_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value is not BaseModel
                and value.__module__ == module.__name__
            ):
                models.append(value)
    return sort_models(models)
