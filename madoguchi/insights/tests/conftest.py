from pathlib import Path

import pytest

from madoguchi.insights.simulation import load_office, load_profile

ROOT = Path(__file__).resolve().parents[3]
CATALOG_DIR = ROOT / "catalog"
PROFILES = Path(__file__).resolve().parent / "profiles"
SMALL_DAY = PROFILES / "small_day.yaml"


@pytest.fixture(scope="session")
def office():
    return load_office(CATALOG_DIR, "honcho")


@pytest.fixture(scope="session")
def small_day(office):
    return load_profile(SMALL_DAY, office)


@pytest.fixture
def test_profiles(monkeypatch):
    """The simulator page offers the tests' small day instead of the peak day (fast)."""
    from madoguchi.insights.simulation import inputs

    monkeypatch.setattr(inputs, "PROFILES_DIR", PROFILES)
    return PROFILES
