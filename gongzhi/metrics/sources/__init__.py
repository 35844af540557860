"""Figure definitions by owning app; importing this package registers them all."""

from importlib.util import find_spec

from gongzhi.metrics.sources import orgs  # noqa: F401

# The party and volunteers apps are merged beside this one; their figures join when they land.
if find_spec("gongzhi.party.selectors"):
    from gongzhi.metrics.sources import party  # noqa: F401
if find_spec("gongzhi.volunteers.figures"):
    from gongzhi.metrics.sources import volunteers  # noqa: F401
