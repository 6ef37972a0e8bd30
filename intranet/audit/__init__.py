"""The hash-chained audit log."""

from ..features import Feature

FEATURE = Feature(
    views="intranet.audit.views",
    models="intranet.audit.models",
    nav=90,
)
