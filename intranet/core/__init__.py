"""The shared core: Beranda, refusals, responses, arguments, caches, layout."""

from ..features import Feature

FEATURE = Feature(
    views="intranet.core.views",
    models="intranet.core.models",
    nav=0,
)
