from django.contrib import admin
from django.urls import include, path

from gongzhi.api import api

admin.site.site_header = "gongzhi 共治"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("gongzhi.accounts.urls")),
    path("api/v1/", api.urls),
    path("orgs/", include("gongzhi.orgs.urls")),
    path("party/", include("gongzhi.party.urls")),
    path("volunteers/", include("gongzhi.volunteers.urls")),
    path("metrics/", include("gongzhi.metrics.urls")),
    path("", include("gongzhi.core.urls")),
]
