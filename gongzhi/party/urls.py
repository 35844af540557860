from django.urls import path

from gongzhi.party.views import organisations as o
from gongzhi.party.views import work as w

app_name = "party"
urlpatterns = [
    path("", o.index, name="index"),
    path("orgs/new/", o.org_create, name="org_create"),
    path("orgs/<int:pk>/", o.org_detail, name="org_detail"),
    path("orgs/<int:pk>/posts/new/", o.post_create, name="post_create"),
    path("orgs/<int:pk>/members/new/", o.member_create, name="member_create"),
    path("orgs/<int:pk>/life/new/", o.life_create, name="life_create"),
    path("members/", o.member_list, name="member_list"),
    path("members/<int:pk>/", o.member_detail, name="member_detail"),
    path("members/<int:pk>/transfer/", w.transfer_create, name="transfer_create"),
    path("life/", o.life_list, name="life_list"),
    path("life/<int:pk>/", o.life_detail, name="life_detail"),
    path("transfers/", w.transfer_list, name="transfer_list"),
    path("transfers/<int:pk>/", w.transfer_detail, name="transfer_detail"),
    path("dues/", w.dues, name="dues"),
    path("dues/calculator/", w.dues_calculator, name="dues_calculator"),
    path("instructors/", w.instructors, name="instructors"),
    path("alliances/", w.alliances, name="alliances"),
    path("alliances/<int:pk>/", w.alliance_detail, name="alliance_detail"),
    path("alliances/<int:pk>/items/<int:item_pk>/", w.item_claim, name="item_claim"),
    path("worklist/", w.worklist, name="worklist"),
    path("worklist/propose-listings/", w.propose_listings, name="propose_listings"),
    path("coverage/", w.coverage, name="coverage"),
    path("export/<str:kind>.<str:fmt>", w.export, name="export"),
]
