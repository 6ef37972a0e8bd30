"""Si Jali: the front desk registers visitors and tags them with a coloured sticker."""

from ..features import Feature

FEATURE = Feature(
    views="intranet.jali.views",
    models="intranet.jali.models",
    jobs="intranet.jali.jobs",
    demo="intranet.jali.demo",
    templating="intranet.jali.templating",
    inbox="intranet.jali.inbox",
    nav=50,
)
