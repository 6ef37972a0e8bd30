"""The staff directory: users, units, roles, who holds a role."""

from ..features import Feature

FEATURE = Feature(
    models="intranet.people.models",
)
