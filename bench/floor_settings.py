"""The product's settings with a URLconf that adds the hello-world floor view (bench only)."""

from gongzhi.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
