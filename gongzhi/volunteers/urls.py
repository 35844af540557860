from django.urls import path

from gongzhi.volunteers.views import organiser, public, self_service

app_name = "volunteers"
urlpatterns = [
    path("", organiser.index, name="index"),
    # volunteers' own pages (phone-first)
    path("me/", self_service.me, name="me"),
    path("me/register/", self_service.register, name="register"),
    path("me/report/", self_service.self_report, name="self_report"),
    path(
        "me/certificates/<int:pk>.pdf", self_service.my_certificate_pdf, name="my_certificate_pdf"
    ),
    path("find/", self_service.find, name="find"),
    path("shifts/<int:pk>/", self_service.shift_detail, name="shift"),
    path("shifts/<int:pk>/signup/", self_service.signup, name="signup"),
    path("enrollments/<int:pk>/cancel/", self_service.cancel, name="cancel"),
    path("checkin/<str:token>/", self_service.checkin, name="checkin"),
    # organisers
    path("people/", organiser.volunteer_list, name="volunteer_list"),
    path("people/<int:pk>/", organiser.volunteer_detail, name="volunteer_detail"),
    path("teams/", organiser.team_list, name="teams"),
    path("teams/<int:pk>/", organiser.team_detail, name="team_detail"),
    path("activities/", organiser.activity_list, name="activities"),
    path("activities/<int:pk>/", organiser.activity_detail, name="activity_detail"),
    path("shifts/<int:pk>/manage/", organiser.shift_manage, name="shift_manage"),
    path("enrollments/<int:pk>/attendance/", organiser.attendance, name="attendance"),
    path("scan/<str:code>/", organiser.scan, name="scan"),
    path("hours/", organiser.hours_list, name="hours"),
    path("hours/<int:pk>/reverse/", organiser.hours_reverse, name="hours_reverse"),
    path("certificates/", organiser.certificate_list, name="certificates"),
    path("certificates/<int:pk>/action/", organiser.certificate_action, name="certificate_action"),
    path("certificates/<int:pk>.pdf", organiser.certificate_pdf, name="certificate_pdf"),
    path("export/<str:kind>.<str:fmt>", organiser.export, name="export"),
    # public
    path("verify/<str:number>/", public.verify, name="verify"),
]
