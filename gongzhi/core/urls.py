from django.urls import path

from gongzhi.core import reveal_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("jobs/<str:job_id>/", views.job_progress, name="job_progress"),
    path("audit/", views.audit_list, name="audit_list"),
    path("reveal/<str:model>/<int:pk>/<str:field>/", reveal_views.reveal, name="pii_reveal"),
]

from gongzhi.core import import_views  # noqa: E402

urlpatterns += [
    path("imports/<str:kind>/", import_views.import_page, name="import_page"),
    path("imports/<str:kind>/template.xlsx", import_views.import_template, name="import_template"),
    path("imports/<str:kind>/<str:job_id>/", import_views.import_status, name="import_status"),
    path(
        "imports/<str:kind>/<str:job_id>/errors.xlsx",
        import_views.import_errors,
        name="import_errors",
    ),
]
