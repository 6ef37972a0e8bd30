"""WBBM: daily roll-ups of the services' figures (counts and sums per day, service, unit,
officer), per-minute histograms of waits and service times, and when each day was computed."""

from peewee import *


def up(migrator, db):
    class Daily(Model):
        day = DateField()
        service = CharField(max_length=12)
        unit = IntegerField(default=0)
        officer = IntegerField(default=0)
        metric = CharField(max_length=40)
        value = DoubleField()

        class Meta:
            database = db
            table_name = "wbbm_daily"
            indexes = (
                (("service", "day", "unit", "officer", "metric"), True),
                (("day", "metric"), False),
            )

    class Histogram(Model):
        day = DateField()
        service = CharField(max_length=12)
        unit = IntegerField(default=0)
        metric = CharField(max_length=40)
        minute = IntegerField()
        n = IntegerField()

        class Meta:
            database = db
            table_name = "wbbm_histogram"
            indexes = ((("service", "day", "unit", "metric", "minute"), True),)

    class RollupDay(Model):
        day = DateField()
        service = CharField(max_length=12)
        signature = CharField(max_length=200, default="")
        computed_at = DateTimeField()

        class Meta:
            database = db
            table_name = "wbbm_rollup_day"
            indexes = ((("service", "day"), True),)

    db.create_tables([Daily, Histogram, RollupDay])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("wbbm_rollup_day"))
    migrator.migrate(migrator.drop_table("wbbm_histogram"))
    migrator.migrate(migrator.drop_table("wbbm_daily"))
