from django.db import migrations

from gongzhi.areas.divisions import ensure_divisions


def load(apps, schema_editor):
    ensure_divisions(apps.get_model("areas", "Area"))


class Migration(migrations.Migration):
    dependencies = [("areas", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
