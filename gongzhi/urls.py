from django.contrib import admin
from django.urls import include, path

from gongzhi.api import api, nested_urls

admin.site.site_header = "gongzhi 共治"

urlpatterns = [
    # First: the phones' calls (check-in under load) are the most frequent requests.
    path("api/v1/", nested_urls(api.urls)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("gongzhi.accounts.urls")),
    path("orgs/", include("gongzhi.orgs.urls")),
    path("party/", include("gongzhi.party.urls")),
    path("volunteers/", include("gongzhi.volunteers.urls")),
    path("metrics/", include("gongzhi.metrics.urls")),
    path("", include("gongzhi.core.urls")),
]
