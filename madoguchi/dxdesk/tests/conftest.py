import pytest

from madoguchi.talent.tests.factories import load_framework


@pytest.fixture
def framework(db):
    load_framework()
