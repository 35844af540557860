import pytest


@pytest.fixture(autouse=True)
def _db(db):
    """Every party test touches the database (areas come from the data migration)."""
