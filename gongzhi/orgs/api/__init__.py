"""`/api/v1/orgs/`: the registry over JSON — list with the page's filters, detail by id or
credit code, and each service. Thin: schemas in, services and selectors, schemas out.

One router (`common.router`) that each module adds its handlers to; importing the modules
registers them (`/as-of` and `/{ref}` share a module, so the fixed path stays first).
"""

from gongzhi.orgs.api import records, registry  # noqa: F401  (each registers its handlers)
from gongzhi.orgs.api.common import router

# Keep the operation ids the published OpenAPI schema had before the split
# (`gongzhi_orgs_api_<handler>`): clients generated from it call operations by these names.
for _path in router.path_operations.values():
    for _operation in _path.operations:
        _operation.operation_id = (
            _operation.operation_id or f"gongzhi_orgs_api_{_operation.view_func.__name__}"
        )

__all__ = ["router"]
