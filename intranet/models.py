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


def model_modules():
    """The modules whose models make up the schema: what each feature declares
    (``intranet/features.py``). The migration check test compares the migrated database against
    exactly these; a feature's models come with a numbered migration in migrations/."""
    from .features import modules

    return modules("models")


def all_models():
    import importlib

    from peewee import sort_models

    models = []
    for name in model_modules():
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
