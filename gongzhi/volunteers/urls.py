from django.urls import path

from gongzhi.volunteers.views import organiser, privacy, public, records, self_service

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
    path("me/consent/", privacy.consent, name="consent"),
    path("me/data/", privacy.my_data, name="my_data"),
    path("me/data/reveal/<str:field>/", privacy.reveal_own, name="reveal_own"),
    path("me/data/copy/", privacy.data_copy, name="data_copy"),
    path("me/data/edit/", privacy.data_edit, name="data_edit"),
    path("me/data/correct/", privacy.correction, name="correction"),
    path("me/data/delete/", privacy.delete, name="delete"),
    path("me/deleted/", privacy.deleted, name="deleted"),
    path("me/complaints/", records.my_complaints, name="my_complaints"),
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
    path("trainings/", records.training_list, name="trainings"),
    path("trainings/<int:pk>/", records.training_detail, name="training_detail"),
    path("awards/", records.award_list, name="awards"),
    path("evaluations/", records.evaluation_list, name="evaluations"),
    path("complaints/", records.complaint_list, name="complaints"),
    path("complaints/<int:pk>/", records.complaint_detail, name="complaint_detail"),
    path("corrections/", privacy.corrections, name="corrections"),
    path("corrections/<int:pk>/decide/", privacy.correction_decide, name="correction_decide"),
    # public
    path("verify/<str:number>/", public.verify, name="verify"),
    path("complain/", records.complain, name="complain"),
    path("complaints/track/<str:token>/", records.complaint_track, name="complaint_track"),
]
