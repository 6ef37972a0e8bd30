"""Si Anggrek: counter service events, live board, officer metrics, flag cases, IKM survey."""

from ..features import Feature

FEATURE = Feature(
    views="intranet.anggrek.views",
    models="intranet.anggrek.models",
    jobs="intranet.anggrek.jobs",
    demo="intranet.anggrek.demo",
    templating="intranet.anggrek.templating",
    inbox="intranet.anggrek.inbox",
    nav=30,
)
