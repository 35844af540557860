from django.urls import path

from gongzhi.metrics import views

app_name = "metrics"
urlpatterns = [
    path("", views.index, name="index"),
    path("overview/", views.overview, name="overview"),
    path("coverage/", views.coverage, name="coverage"),
    path("volunteers/", views.volunteers, name="volunteers"),
    path("index/", views.index_scores, name="index_scores"),
    path("index/org/<int:org_id>/", views.index_org, name="index_org"),
]
