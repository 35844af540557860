from django.urls import path

from gongzhi.party.views import alliances as a
from gongzhi.party.views import instructors as i
from gongzhi.party.views import organisations as o
from gongzhi.party.views import reports as r
from gongzhi.party.views import work as w

app_name = "party"
urlpatterns = [
    path("", o.index, name="index"),
    path("orgs/new/", o.org_create, name="org_create"),
    path("orgs/<int:pk>/", o.org_detail, name="org_detail"),
    path("orgs/<int:pk>/posts/new/", o.post_create, name="post_create"),
    path("orgs/<int:pk>/members/new/", o.member_create, name="member_create"),
    path("orgs/<int:pk>/life/new/", o.life_create, name="life_create"),
    path("orgs/<int:pk>/coverage/new/", o.coverage_add, name="coverage_add"),
    path("orgs/<int:pk>/coverage/<int:coverage_pk>/end/", o.coverage_end, name="coverage_end"),
    path("members/", o.member_list, name="member_list"),
    path("members/<int:pk>/", o.member_detail, name="member_detail"),
    path("members/<int:pk>/transfer/", w.transfer_create, name="transfer_create"),
    path("life/", o.life_list, name="life_list"),
    path("life/<int:pk>/", o.life_detail, name="life_detail"),
    path("transfers/", w.transfer_list, name="transfer_list"),
    path("transfers/<int:pk>/", w.transfer_detail, name="transfer_detail"),
    path("dues/", w.dues, name="dues"),
    path("dues/calculator/", w.dues_calculator, name="dues_calculator"),
    path("instructors/", i.instructors, name="instructors"),
    path("instructors/new/", i.instructor_create, name="instructor_create"),
    path("instructors/<int:pk>/", i.instructor_detail, name="instructor_detail"),
    path("instructors/assignments/<int:pk>/end/", i.assignment_end, name="assignment_end"),
    path("alliances/", a.alliances, name="alliances"),
    path("alliances/new/", a.alliance_create, name="alliance_create"),
    path("alliances/<int:pk>/", a.alliance_detail, name="alliance_detail"),
    path("alliances/<int:pk>/members/new/", a.alliance_member_add, name="alliance_member_add"),
    path("alliances/<int:pk>/rotation/", a.alliance_rotation, name="alliance_rotation"),
    path("alliances/<int:pk>/meetings/new/", a.alliance_meeting, name="alliance_meeting"),
    path("alliances/<int:pk>/items/new/", a.alliance_item, name="alliance_item"),
    path("alliances/<int:pk>/items/<int:item_pk>/", a.item_claim, name="item_claim"),
    path("reports/", r.reports, name="reports"),
    path("reports/new/", r.report_create, name="report_create"),
    path("reports/needs/new/", r.need_create, name="need_create"),
    path("reports/rollup/", r.rollup, name="rollup"),
    path("reports/rollup.<str:fmt>", r.rollup_export, name="rollup_export"),
    path("reports/<int:pk>/", r.report_detail, name="report_detail"),
    path("reports/<int:pk>/needs/<int:item_pk>/", r.report_need, name="report_need"),
    path("worklist/", w.worklist, name="worklist"),
    path("worklist/propose-listings/", w.propose_listings, name="propose_listings"),
    path("coverage/", w.coverage, name="coverage"),
    path("export/<str:kind>.<str:fmt>", w.export, name="export"),
]
