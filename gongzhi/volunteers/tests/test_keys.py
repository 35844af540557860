"""Derived keys written by imports: check digits, ID number validation, number blocks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric

from gongzhi.core.imports import CellError
from gongzhi.volunteers.importers import p_id_number
from gongzhi.volunteers.keys import allocate, allocate_many, insert_rows, luhn_digit
from gongzhi.volunteers.models import Volunteer


@given(st.text(alphabet="0123456789", min_size=1, max_size=20))
def test_the_luhn_digit_is_stdnum_s(digits):
    assert luhn_digit(digits) == luhn.calc_check_digit(digits)


# Hengyang's codes are valid from some year on only (stdnum's table: 430405 from about 2000,
# 430421 from the 1980s); 999999 never is, 110101 and 430400 always are. Birth dates fall
# on both sides of today.
CODES = ["110101", "430405", "430421", "430482", "999999", "430400"]


@settings(max_examples=300)
@given(
    code=st.sampled_from(CODES),
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2035, 12, 31)),
    seq=st.integers(0, 999),
    check=st.sampled_from([None, *"0123456789X"]),
)
def test_an_id_number_is_accepted_exactly_when_stdnum_accepts_it_and_birth_is_past(
    code, birth, seq, check
):
    body = f"{code}{birth:%Y%m%d}{seq:03d}"
    number = body + (check or ric.calc_check_digit(body + "0"))
    expected = ric.is_valid(number) and birth <= timezone.localdate()
    try:
        got = p_id_number(number.lower()) == number
    except CellError:
        got = False
    assert got == expected


@pytest.mark.django_db
def test_number_blocks_follow_on_from_single_allocations_and_from_each_other():
    assert allocate("V43040521", 3) == 1
    first = allocate_many({"V43040521": 5, "V43040622": 2, "V43040623": 0})
    assert first == {"V43040521": 4, "V43040622": 1}
    assert allocate_many({"V43040521": 1, "V43040622": 1}) == {"V43040521": 9, "V43040622": 3}
    assert allocate("V43040622", 1) == 4


@pytest.mark.django_db
def test_rows_are_inserted_only_for_columns_in_their_stored_form():
    with pytest.raises(ValueError, match="created_at"):
        insert_rows(Volunteer, ["created_at"], [(timezone.now(),)])
    with pytest.raises(ValueError, match="nickname"):
        insert_rows(Volunteer, ["nickname"], [("x",)])
