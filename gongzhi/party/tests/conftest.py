import pytest


@pytest.fixture(autouse=True)
def _units(db, street_areas):
    """Every party test has a street and community in two districts (from the root conftest)."""
