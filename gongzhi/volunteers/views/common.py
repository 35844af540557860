from __future__ import annotations

from typing import Any

import segno
from django.core import signing
from django.urls import reverse

QR_SALT = "volunteers.qr"


def qr_svg(data: str, scale: int = 5) -> str:
    return segno.make(data, error="m").svg_inline(scale=scale, dark="#000", light="#fff")


def volunteer_code(volunteer: Any) -> str:
    """The personal code an organiser scans: a signed volunteer number (unforgeable)."""
    return signing.dumps(volunteer.number, salt=QR_SALT, compress=True)


def volunteer_from_code(code: str) -> str | None:
    try:
        return str(signing.loads(code, salt=QR_SALT, max_age=60 * 60 * 24 * 366))
    except signing.BadSignature:
        return None


def absolute(request: Any, name: str, *args: Any) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def consent_current(view: Any) -> Any:
    """Volunteer pages ask for consent again when the privacy notice's version changed
    (PIPL art. 14: consent is given to a specific notice). Pages for the person's rights
    (see, copy, delete) stay open without it."""
    from functools import wraps
    from urllib.parse import urlencode

    from django.shortcuts import redirect

    from gongzhi.volunteers.selectors import consent_outdated, volunteer_of

    @wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
        v = volunteer_of(request.user)
        if v is not None and consent_outdated(v):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('volunteers:consent')}?{query}")
        return view(request, *args, **kwargs)

    return wrapped
