"""Si Owl: stay permits of foreigners, expiry warnings, overstay cases, the public status page."""

from ..features import Feature

FEATURE = Feature(
    views="intranet.owl.views",
    models="intranet.owl.models",
    jobs="intranet.owl.jobs",
    demo="intranet.owl.demo",
    templating="intranet.owl.templating",
    inbox="intranet.owl.inbox",
    nav=60,
)
