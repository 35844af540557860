"""PostgreSQL guards the hours ledger itself: no DELETE, no change except the decision.

The Python model refuses too; this catches raw SQL and other clients. (SQLite is the
embedded single-user default and relies on the model's guard: Django's test flush uses
DELETE there, which a trigger would block.) TRUNCATE, used by test flushes and future
partition maintenance (issue 7), is not a row delete and is not blocked.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION volunteers_hours_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'volunteers_hoursentry is append-only: write a reversing entry';
  END IF;
  IF (NEW.volunteer_id, NEW.team_id, NEW.shift_id, NEW.kind, NEW.source, NEW.minutes,
      NEW.service_date, NEW.reverses_id, NEW.area_code, NEW.recorded_at)
     IS DISTINCT FROM
     (OLD.volunteer_id, OLD.team_id, OLD.shift_id, OLD.kind, OLD.source, OLD.minutes,
      OLD.service_date, OLD.reverses_id, OLD.area_code, OLD.recorded_at) THEN
    RAISE EXCEPTION 'volunteers_hoursentry rows are immutable except their decision';
  END IF;
  IF OLD.status <> 'pending' AND NEW.status <> OLD.status THEN
    RAISE EXCEPTION 'a decided hours entry cannot change its decision';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS volunteers_hours_append_only ON volunteers_hoursentry;
CREATE TRIGGER volunteers_hours_append_only BEFORE UPDATE OR DELETE ON volunteers_hoursentry
  FOR EACH ROW EXECUTE FUNCTION volunteers_hours_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS volunteers_hours_append_only ON volunteers_hoursentry;
DROP FUNCTION IF EXISTS volunteers_hours_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
