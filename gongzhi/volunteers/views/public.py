"""The public certificate verification page: no login, no personal data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongzhi.volunteers import selectors
from gongzhi.volunteers.services.certificates import is_valid_certificate_number


def verify(request: HttpRequest, number: str) -> HttpResponse:
    cert = (
        selectors.certificate_for_verification(number)
        if is_valid_certificate_number(number)
        else None
    )
    status = 200 if cert is not None else 404
    return render(
        request, "volunteers/verify.html", {"cert": cert, "number": number}, status=status
    )
