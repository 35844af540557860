from django.db import migrations

from gongzhi.areas.divisions import CITY, COUNTY_UNITS, PROVINCE, ZONES

PREFIX = {"province": 2, "city": 4, "county": 6, "zone": 6}


def load(apps, schema_editor):
    Area = apps.get_model("areas", "Area")
    province, _ = Area.objects.get_or_create(
        code=PROVINCE[0], defaults={"name": PROVINCE[1], "kind": PROVINCE[2], "prefix": "43"}
    )
    city, _ = Area.objects.get_or_create(
        code=CITY[0], defaults={"name": CITY[1], "kind": CITY[2], "parent": province, "prefix": "4304"}
    )
    for code, name, kind in COUNTY_UNITS + ZONES:
        Area.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "parent": city, "prefix": code[: PREFIX[kind]]}
        )


class Migration(migrations.Migration):
    dependencies = [("areas", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
