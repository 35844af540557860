"""Party dues brackets (党费规定): each boundary on both sides, retirees, the flat amount."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from gongzhi.party.services import dues_quote

D = Decimal


@pytest.mark.parametrize(
    ("base", "rate", "amount"),
    [
        ("0", "0.005", "0.00"),
        ("3000", "0.005", "15.00"),  # upper bound inclusive
        ("3000.01", "0.01", "30.00"),
        ("5000", "0.01", "50.00"),
        ("5000.01", "0.015", "75.00"),
        ("10000", "0.015", "150.00"),
        ("10000.01", "0.02", "200.00"),
        ("12345.67", "0.02", "246.91"),
    ],
)
def test_it_applies_the_employed_bracket_with_inclusive_upper_bounds(base, rate, amount):
    quote = dues_quote(base=D(base), category="employed")
    assert quote.rate == D(rate)
    assert quote.amount == D(amount)


@pytest.mark.parametrize(
    ("base", "rate", "amount"),
    [("4000", "0.005", "20.00"), ("5000", "0.005", "25.00"), ("5000.01", "0.01", "50.00")],
)
def test_it_applies_the_retiree_brackets(base, rate, amount):
    quote = dues_quote(base=D(base), category="retired")
    assert (quote.rate, quote.amount) == (D(rate), D(amount))
    assert "离退休" in quote.bracket


@pytest.mark.parametrize("category", ["student", "unemployed", "subsistence"])
def test_students_unemployed_and_subsistence_recipients_pay_twenty_fen(category):
    quote = dues_quote(base=D("8000"), category=category)
    assert quote.amount == D("0.20")
    assert quote.rate is None


def test_the_bracket_label_names_the_bracket_used():
    assert dues_quote(base=D("3000"), category="employed").bracket.startswith("3000元及以下")
    assert dues_quote(base=D("3000.5"), category="employed").bracket.startswith("3000-5000元")


def test_it_rejects_a_negative_base_naming_the_field():
    with pytest.raises(ValidationError) as exc:
        dues_quote(base=D("-1"), category="employed")
    assert "base" in exc.value.message_dict
