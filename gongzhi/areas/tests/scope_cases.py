from gongzhi.areas.models import Area, Kind
from gongzhi.areas.selectors import area_list
from gongzhi.core.testing import ScopeCase, register


def _make(community_code: str) -> Area:
    community = Area.objects.get(code=community_code)
    return Area.objects.create(
        code=community_code + "009",
        name=f"小区{community_code[-6:]}",
        kind=Kind.COMPOUND,
        parent=community,
    )


register(
    ScopeCase(
        name="areas.area",
        make=_make,
        selector=lambda user: area_list(user=user),
        api_detail_url=lambda obj: f"/api/v1/areas/{obj.code}",
        api_list_url="/api/v1/areas/",
        export_kind="areas",
        marker=lambda obj: obj.code,
    )
)
