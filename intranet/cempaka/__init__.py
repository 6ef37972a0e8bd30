"""Si Cempaka: WFH deliverables with geolocation, reviewed by supervisors."""

from ..features import Feature

FEATURE = Feature(
    views="intranet.cempaka.views",
    models="intranet.cempaka.models",
    jobs="intranet.cempaka.jobs",
    demo="intranet.cempaka.demo",
    templating="intranet.cempaka.templating",
    inbox="intranet.cempaka.inbox",
    nav=20,
)
