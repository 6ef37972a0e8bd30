"""Notify: exact outbox counts per (kind, status) without grouping the whole outbox; the
(status) index of the outbox becomes (status, id).

``outbox_count`` receives +1/-1 rows from triggers on ``outbox_message`` (insert, delete, and an
update that changes kind or status), in the transaction that makes the change, so every code
path (queue_email, the workers' claims and results, retries, bulk inserts, hand-written SQL) keeps
it exact. The triggers only append rows (no counter row is updated in place), so concurrent
writers on PostgreSQL never wait for each other here; ``services.compact_counts`` folds the
appended rows into one row per (kind, status). Existing rows are counted once, here.

Numbered 0009 (0008 is left to another branch); the runner applies migrations in order.
"""

from peewee import *
from peewee import PostgresqlDatabase

SQLITE_TRIGGERS = (
    """CREATE TRIGGER outbox_count_insert AFTER INSERT ON outbox_message
    BEGIN
        INSERT INTO outbox_count (kind, status, n) VALUES (NEW.kind, NEW.status, 1);
    END""",
    """CREATE TRIGGER outbox_count_update AFTER UPDATE OF kind, status ON outbox_message
    WHEN OLD.kind IS NOT NEW.kind OR OLD.status IS NOT NEW.status
    BEGIN
        INSERT INTO outbox_count (kind, status, n)
        VALUES (OLD.kind, OLD.status, -1), (NEW.kind, NEW.status, 1);
    END""",
    """CREATE TRIGGER outbox_count_delete AFTER DELETE ON outbox_message
    BEGIN
        INSERT INTO outbox_count (kind, status, n) VALUES (OLD.kind, OLD.status, -1);
    END""",
)

POSTGRES_TRIGGERS = (
    """CREATE FUNCTION outbox_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO outbox_count (kind, status, n) VALUES (NEW.kind, NEW.status, 1);
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO outbox_count (kind, status, n) VALUES (OLD.kind, OLD.status, -1);
        ELSIF OLD.kind IS DISTINCT FROM NEW.kind OR OLD.status IS DISTINCT FROM NEW.status THEN
            INSERT INTO outbox_count (kind, status, n)
            VALUES (OLD.kind, OLD.status, -1), (NEW.kind, NEW.status, 1);
        END IF;
        RETURN NULL;
    END
    $$""",
    """CREATE TRIGGER outbox_count_change
    AFTER INSERT OR DELETE OR UPDATE OF kind, status ON outbox_message
    FOR EACH ROW EXECUTE FUNCTION outbox_count_change()""",
    # TRUNCATE fires no row triggers: empty the counts with it.
    """CREATE FUNCTION outbox_count_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM outbox_count;
        RETURN NULL;
    END
    $$""",
    """CREATE TRIGGER outbox_count_truncate AFTER TRUNCATE ON outbox_message
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_count_truncate()""",
)


def up(migrator, db):
    class OutboxCount(Model):
        kind = CharField(max_length=80)
        status = CharField(max_length=10)
        n = IntegerField()

        class Meta:
            database = db
            table_name = "outbox_count"

    db.create_tables([OutboxCount])
    postgres = isinstance(db, PostgresqlDatabase)
    for sql in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        db.execute_sql(sql)
    db.execute_sql(
        "INSERT INTO outbox_count (kind, status, n) "
        "SELECT kind, status, COUNT(*) FROM outbox_message GROUP BY kind, status"
    )
    # The newest rows of one status (the admin's status filter, the newest dead row) straight
    # from the index on PostgreSQL, which cannot use (status) for ORDER BY id.
    db.execute_sql('DROP INDEX "outboxmessage_status"')
    db.execute_sql('CREATE INDEX "outboxmessage_status_id" ON "outbox_message" ("status", "id")')


def down(migrator, db):
    db.execute_sql('DROP INDEX "outboxmessage_status_id"')
    db.execute_sql('CREATE INDEX "outboxmessage_status" ON "outbox_message" ("status")')
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("DROP TRIGGER IF EXISTS outbox_count_change ON outbox_message")
        db.execute_sql("DROP TRIGGER IF EXISTS outbox_count_truncate ON outbox_message")
        db.execute_sql("DROP FUNCTION IF EXISTS outbox_count_change()")
        db.execute_sql("DROP FUNCTION IF EXISTS outbox_count_truncate()")
    else:
        for name in ("insert", "update", "delete"):
            db.execute_sql(f"DROP TRIGGER IF EXISTS outbox_count_{name}")
    migrator.migrate(migrator.drop_table("outbox_count"))
