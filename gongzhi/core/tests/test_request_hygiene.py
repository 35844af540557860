import pytest

pytestmark = pytest.mark.django_db


def test_a_nul_character_in_a_query_is_refused_with_a_clear_400(user_a, client_of):
    c = client_of(user_a)
    response = c.get("/api/v1/areas/?kind=town%00ship")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"
    assert c.get("/?q=%00").status_code == 400


def test_a_nul_character_in_a_json_body_is_refused(user_a, client_of):
    response = client_of(user_a).post(
        "/api/v1/accounts/tokens", '{"name": "a\\u0000b"}', content_type="application/json"
    )
    assert response.status_code == 400


def test_ordinary_chinese_input_passes(user_a, client_of):
    assert client_of(user_a).get("/api/v1/areas/?within=430405").status_code == 200
