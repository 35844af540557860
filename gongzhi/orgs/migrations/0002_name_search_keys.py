"""Name search keys (OrgNameKey): any part of a name, its pinyin or initials from any syllable,
found through an index. The keys of organisations registered before are written here."""

import django.db.models.deletion
from django.db import migrations, models


def write_keys(apps, schema_editor):  # type: ignore[no-untyped-def]
    from gongzhi.orgs.search_keys import name_keys

    SocialOrg = apps.get_model("orgs", "SocialOrg")
    OrgNameKey = apps.get_model("orgs", "OrgNameKey")
    db = schema_editor.connection.alias
    batch = []
    for pk, name in SocialOrg.objects.using(db).values_list("pk", "name_simplified").iterator():
        batch += [
            OrgNameKey(org_id=pk, chars=c, pinyin=p, initials=i) for c, p, i in name_keys(name)
        ]
        if len(batch) >= 5000:
            OrgNameKey.objects.using(db).bulk_create(batch)
            batch = []
    OrgNameKey.objects.using(db).bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="OrgNameKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "chars",
                    models.CharField(db_index=True, max_length=200, verbose_name="名称（自此字起）"),
                ),
                (
                    "pinyin",
                    models.CharField(
                        blank=True, db_index=True, max_length=600, verbose_name="拼音（自此音节起）"
                    ),
                ),
                (
                    "initials",
                    models.CharField(
                        blank=True, db_index=True, max_length=200, verbose_name="首字母（自此音节起）"
                    ),
                ),
                (
                    "org",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="name_keys",
                        to="orgs.socialorg",
                        verbose_name="社会组织",
                    ),
                ),
            ],
            options={
                "verbose_name": "名称检索键",
                "verbose_name_plural": "名称检索键",
            },
        ),
        migrations.RunPython(write_keys, migrations.RunPython.noop),
    ]
