import pytest
from django.conf import settings
from django.core.cache import cache

from madoguchi.catalog.services import catalog_read
from madoguchi.navigator.rules import RuleBook, rulebook_from_catalog


@pytest.fixture(scope="session")
def book() -> RuleBook:
    """The rule book of catalog/*.yaml, read and checked by the catalogue loader (no database)."""
    return rulebook_from_catalog(catalog_read(directory=settings.CATALOG_DIR))


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The API's rate limit counts in the cache: every test starts with a fresh allowance."""
    cache.clear()
    yield
    cache.clear()
