"""Figure definitions by owning app; importing this package registers them all."""

from gongzhi.metrics.sources import orgs, party, volunteers  # noqa: F401
