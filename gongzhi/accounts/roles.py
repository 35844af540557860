"""Roles a user holds in a unit, and what each role implies (navigation, 2FA, reveal)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市级管理员")
    DISTRICT_ADMIN = "district_admin", _("区县管理员")
    STREET_ADMIN = "street_admin", _("街道管理员")
    COMMUNITY_WORKER = "community_worker", _("社区工作者")
    ORG_ADMIN = "org_admin", _("社会组织管理员")
    PARTY_SECRETARY = "party_secretary", _("党组织书记")
    VOLUNTEER = "volunteer", _("志愿者")
    RESIDENT = "resident", _("居民")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# Roles that govern an area (they see what lies inside it).
AREA_ROLES = {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_WORKER}
# The three separated administrators (MLPS 2.0 level 3: 三员分立).
SEPARATED_ADMINS = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}
# Roles that may reveal full ID and phone numbers of records in their scope (PIPL: need to know).
REVEAL_ROLES = {
    Role.CITY_ADMIN,
    Role.DISTRICT_ADMIN,
    Role.STREET_ADMIN,
    Role.ORG_ADMIN,
    Role.PARTY_SECRETARY,
}


# What the system administrator maintains in the Django admin (/admin/): system configuration
# only. Accounts and roles belong to the security administrator and the audit trail to the
# audit administrator (三员分立: no one of the three holds another's powers), and business
# records are edited through the services, never the admin.
SYSTEM_ADMIN_PERMISSIONS = frozenset(
    {
        "areas.view_area",
        "areas.add_area",
        "areas.change_area",
        "core.view_holiday",
        "core.add_holiday",
        "core.change_holiday",
        "core.delete_holiday",
        "core.view_job",
        "core.view_importrun",
    }
)
