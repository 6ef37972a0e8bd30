"""The local mail catcher: the e-mails a development office sends, readable by admins."""

from ..features import Feature

FEATURE = Feature(
    views="intranet.mailcatcher.views",
    nav=100,
)
