"""WBBM: the head of office's dashboard and the WBBM evidence report, read from daily roll-ups
of the five services (Zona Integritas, DESIGN §3a)."""

from ..features import Feature

FEATURE = Feature(
    views="intranet.wbbm.views",
    models="intranet.wbbm.models",
    jobs="intranet.wbbm.jobs",
    demo="intranet.wbbm.demo",
    nav=15,
)
