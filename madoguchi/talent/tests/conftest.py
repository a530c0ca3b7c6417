import pytest

from .factories import load_framework


@pytest.fixture
def framework(db):
    load_framework()
