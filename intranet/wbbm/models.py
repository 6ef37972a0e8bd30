"""Daily roll-ups of the services' figures.

``Daily`` holds one number per (WIB day, service, unit, officer, metric): counts and sums, so a
week, month or year is the sum of its days (0 for "no unit" / "not per officer"). ``Histogram``
holds, per (day, service, unit, metric), how many tickets waited (or were served) each whole
minute, so a period's median and 90th percentile are exact on whole minutes. ``RollupDay`` says
when a (day, service) was last computed and the source signature it was computed from (a count
and the highest id of its source rows), so a late event for a closed day is noticed.
"""

from peewee import CharField, DateField, DateTimeField, DoubleField, IntegerField

from ..models import BaseModel, utcnow


class Daily(BaseModel):
    day = DateField()
    service = CharField(max_length=12)
    unit = IntegerField(default=0)
    officer = IntegerField(default=0)
    metric = CharField(max_length=40)
    value = DoubleField()

    class Meta:
        table_name = "wbbm_daily"
        indexes = (
            (("service", "day", "unit", "officer", "metric"), True),
            (("day", "metric"), False),
        )


class Histogram(BaseModel):
    day = DateField()
    service = CharField(max_length=12)
    unit = IntegerField(default=0)
    metric = CharField(max_length=40)
    minute = IntegerField()  # whole minutes, capped at histograms.CAP_MINUTES
    n = IntegerField()

    class Meta:
        table_name = "wbbm_histogram"
        indexes = ((("service", "day", "unit", "metric", "minute"), True),)


class RollupDay(BaseModel):
    day = DateField()
    service = CharField(max_length=12)
    signature = CharField(max_length=200, default="")
    computed_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "wbbm_rollup_day"
        indexes = ((("service", "day"), True),)
