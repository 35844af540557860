"""The product URLs plus `/bench/hello`: the cheapest Django answer on the same stack.

Every middleware of the product runs for it; it touches no database. Served only by the
benchmark's floor server (bench.floor_settings), never by the product.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from gongzhi.urls import urlpatterns as product_urlpatterns


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"hello", content_type="text/plain")


urlpatterns = [path("bench/hello", hello), *product_urlpatterns]
