"""/api/v1/volunteers/: training, awards, evaluations, complaints (organisers), and a
volunteer's own data (PIPL rights) and consent. Mounted on the app router in api.py.

One router (`common.router`) that each module adds its handlers to; importing the modules
registers them, in the order of the former single module (its URLs are unchanged).
"""

# Registration order is the OpenAPI schema's path order: keep the former module's.
# isort: off
from gongzhi.volunteers.api_records import training  # noqa: F401
from gongzhi.volunteers.api_records import complaints  # noqa: F401
from gongzhi.volunteers.api_records import own_data  # noqa: F401

# isort: on
from gongzhi.volunteers.api_records.common import router

# Keep the operation ids the published OpenAPI schema had before the split
# (`gongzhi_volunteers_api_records_<handler>`): clients generated from it call them by name.
for _path in router.path_operations.values():
    for _operation in _path.operations:
        _operation.operation_id = (
            _operation.operation_id
            or f"gongzhi_volunteers_api_records_{_operation.view_func.__name__}"
        )

__all__ = ["router"]
