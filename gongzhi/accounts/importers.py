"""Import of user accounts with their role in an area unit (one membership a row)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts.models import Membership, User
from gongzhi.accounts.roles import Role
from gongzhi.areas.models import Area
from gongzhi.core import registry
from gongzhi.core.imports import Column, Counts, Importer, RowInvalid, p_choice


@registry.register_importer
class UserImporter(Importer):
    kind = "users"
    label = gettext_lazy("用户账户")
    key = ("username", "role", "area_code")
    columns = [
        Column("username", "用户名", required=True, aliases=("username", "账号")),
        Column("display_name", "姓名", aliases=("name",)),
        Column("role", "角色", parse=p_choice(Role), required=True, aliases=("role",)),
        Column(
            "area_code", "单位区划代码", required=True, aliases=("area", "area_code", "区划代码")
        ),
        Column(
            "password",
            "初始密码",
            aliases=("password",),
            help=gettext_lazy("新账户的初始密码；留空则须由安全管理员重置"),
        ),
    ]

    def prepare(self, rows: list[dict[str, Any]]) -> None:
        self.areas = {
            a.code: a for a in Area.objects.filter(code__in={r["area_code"] for r in rows})
        }

    def clean_row(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["area_code"] not in self.areas:
            raise RowInvalid("area_code", _("区划单位不存在"))
        if data["password"]:
            try:
                validate_password(data["password"], User(username=data["username"]))
            except ValidationError as exc:
                raise RowInvalid("password", " ".join(exc.messages)) from None
        return data

    def apply(self, rows: list[dict[str, Any]], actor: Any) -> Counts:
        counts = Counts()
        users = {
            u.username: u for u in User.objects.filter(username__in={r["username"] for r in rows})
        }
        for r in rows:
            user = users.get(r["username"])
            changed = False
            if user is None:
                user = User(username=r["username"], display_name=r["display_name"] or "")
                if r["password"]:
                    user.set_password(r["password"])
                else:
                    user.set_unusable_password()
                user.save()
                users[user.username] = user
                changed = True
            elif r["display_name"] and user.display_name != r["display_name"]:
                user.display_name = r["display_name"]
                user.save(update_fields=["display_name"])
                changed = True
            area = self.areas[r["area_code"]]
            _m, created = Membership.objects.get_or_create(
                user=user, role=r["role"], area=area, defaults={"active": True}
            )
            if (
                created
                and changed
                and not Membership.objects.filter(user=user).exclude(pk=_m.pk).exists()
            ):
                counts.inserted += 1
            elif created or changed:
                counts.updated += 1
            else:
                counts.unchanged += 1
        return counts
