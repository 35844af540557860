"""The party API at /api/v1/party/: thin handlers over selectors and services, split by concept.

One router (`common.router`) that each module adds its handlers to; importing the modules
registers them. URLs and operation ids are those of the former single module.
"""

from gongzhi.party.api import (  # noqa: F401  (each module registers its handlers)
    alliances,
    coverage,
    life,
    members,
    orgs,
    transfers,
)
from gongzhi.party.api.common import router

# Keep the operation ids the published OpenAPI schema had before the split
# (`gongzhi_party_api_<handler>`): clients generated from it call operations by these names.
for _path in router.path_operations.values():
    for _operation in _path.operations:
        _operation.operation_id = (
            _operation.operation_id or f"gongzhi_party_api_{_operation.view_func.__name__}"
        )

__all__ = ["router"]
