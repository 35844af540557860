from django.urls import path

from gongzhi.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_index, name="index"),
    path("register/", views.org_register, name="register"),
    path("export/", views.org_export, name="export"),
    path("export/reports/", views.org_export, {"kind": "annual-reports"}, name="export_reports"),
    path("flags/", views.run_flags, name="flags"),
    path("<int:pk>/", views.org_detail, name="detail"),
    path("<int:pk>/change/", views.org_change, name="change"),
    path("<int:pk>/deregister/", views.org_deregister, name="deregister"),
    path("<int:pk>/report/", views.report_file, name="report"),
    path("<int:pk>/grade/", views.evaluation_record, name="grade"),
    path("<int:pk>/penalties/add/", views.penalty_record, name="penalty_add"),
    path("<int:pk>/listings/add/", views.listing_add, name="listing_add"),
    path("<int:pk>/listings/<int:listing_id>/remove/", views.listing_remove, name="listing_remove"),
    path("<int:pk>/listings/<int:listing_id>/decide/", views.listing_decide, name="listing_decide"),
]
