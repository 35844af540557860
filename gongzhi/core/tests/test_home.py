import pytest

pytestmark = pytest.mark.django_db


def test_the_home_page_counts_the_units_in_the_users_scope_only(street_areas, user_a, client_of):
    page = client_of(user_a).get("/").content.decode()
    # One street and one community in 珠晖区 (the fixture made one in 雁峰区 too, not counted).
    assert 'data-figure="townships">1<' in page
    assert 'data-figure="communities">1<' in page


def test_a_user_without_a_unit_is_told_so(client_of):
    from gongzhi.accounts.services import user_create

    nobody = user_create(actor="test", username="nobody", password="Nob0dy#2026")
    assert "尚未分配单位" in client_of(nobody).get("/").content.decode()
