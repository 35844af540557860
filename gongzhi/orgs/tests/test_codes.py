"""Credit codes: stdnum's check, the embedded GB 11714 check, and positions 1–2 vs the kind."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

from gongzhi.orgs.codes import check_credit_code, make_credit_code, org_code_check_char, problems

KINDS = ["social_group", "service_org", "foundation"]


def _with_check(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


def test_the_gb_11714_check_character_follows_the_standard():
    # GB 11714-1997 worked example: D2143569 -> check character X.
    assert org_code_check_char("D2143569") == "X"
    assert org_code_check_char("12345678") == "8"


@given(st.sampled_from(KINDS), st.integers(min_value=1, max_value=9_999_999))
def test_it_accepts_every_well_formed_code_of_the_right_kind(kind, serial):
    code = make_credit_code(kind, "430405", serial)
    assert problems(code, kind) == []
    assert check_credit_code(code.lower(), kind) == code


def test_it_rejects_a_code_of_the_wrong_length():
    [p] = problems("51430405MJ", "social_group")
    assert p.part == "length"


def test_it_rejects_letters_in_the_first_eight_positions_or_forbidden_letters():
    code = make_credit_code("social_group", "430405", 42)
    assert problems("5A" + code[2:], "social_group")[0].part == "format"
    assert problems(code[:10] + "I" + code[11:], "social_group")[0].part == "format"


def test_it_rejects_a_wrong_final_check_character_and_says_which_it_should_be():
    code = make_credit_code("social_group", "430405", 42)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    [p] = problems(wrong, "social_group")
    assert p.part == "check"
    assert code[17] in p.message


def test_it_rejects_a_code_whose_embedded_organisation_code_check_is_wrong():
    good = make_credit_code("social_group", "430405", 42)
    bad_org_check = "0" if good[16] != "0" else "1"
    # Recompute position 18 so only the GB 11714 character is wrong: stdnum alone accepts it.
    code = _with_check(good[:16] + bad_org_check)
    assert uscc.is_valid(code)
    [p] = problems(code, "social_group")
    assert p.part == "org_check"
    assert good[16] in p.message


def test_it_rejects_a_code_not_issued_by_civil_affairs():
    good = make_credit_code("social_group", "430405", 42)
    code = _with_check("9" + good[1:17])  # 9 = market regulation (工商)
    assert [p.part for p in problems(code, "social_group")] == ["department"]


@pytest.mark.parametrize(
    ("made_as", "registered_as"),
    [
        ("social_group", "foundation"),
        ("foundation", "service_org"),
        ("service_org", "social_group"),
    ],
)
def test_it_rejects_a_code_whose_second_position_does_not_fit_the_kind(made_as, registered_as):
    code = make_credit_code(made_as, "430405", 42)
    assert [p.part for p in problems(code, registered_as)] == ["kind"]


def test_a_community_organisation_may_carry_a_social_group_or_other_code():
    assert problems(make_credit_code("social_group", "430405", 1), "community") == []
    assert problems(make_credit_code("community", "430405", 1), "community") == []
    assert [p.part for p in problems(make_credit_code("foundation", "430405", 1), "community")] == [
        "kind"
    ]


def test_check_credit_code_names_the_field_and_every_wrong_part():
    good = make_credit_code("social_group", "430405", 42)
    code = _with_check("9" + "3" + good[2:16] + ("0" if good[16] != "0" else "1"))
    with pytest.raises(ValidationError) as exc:
        check_credit_code(code, "social_group")
    parts = [e.code for e in exc.value.error_dict["credit_code"]]
    assert parts == ["org_check", "department", "kind"]
