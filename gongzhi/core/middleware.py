"""Request hygiene shared by pages and API."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

_JSON_NUL = b"\\u0000"


class RejectNulBytesMiddleware:
    """Refuse input carrying NUL characters with a clear 400.

    No text a person types contains NUL, and PostgreSQL text columns cannot store it: let
    through, it would surface as a database error deep inside a query (found by fuzzing).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            message = _("请求中含有无效字符（NUL）")
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "invalid_characters", "message": message}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
            return True
        if "\x00" in request.path:
            return True
        content_type = request.content_type or ""
        if request.method in ("POST", "PUT", "PATCH") and not content_type.startswith("multipart/"):
            body = request.body
            if b"\x00" in body or _JSON_NUL in body or b"%00" in body:
                return True
        return False
