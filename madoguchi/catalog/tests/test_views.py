"""The staff catalogue page: a ward reviewing its rules sees where each comes from."""

import pytest
from django.test import Client
from django.utils import translation

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.catalog.models import EligibilityRule

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_back_to_the_default():
    """A request in English leaves English active in this thread: later tests expect the default."""
    yield
    translation.deactivate()


@pytest.fixture
def clerk(starter_catalog):
    client = Client()
    client.force_login(UserFactory(role="counter"))
    return client


def test_every_rule_is_listed_with_its_source_and_the_day_it_was_checked(clerk):
    content = clerk.get("/staff/catalog/").content.decode()
    assert content.count('<td class="catalog-rules__source">') == EligibilityRule.objects.count()
    assert "住民基本台帳法 第25条" in content
    assert '<time datetime="2026-11-30">2026-11-30</time>' in content


def test_a_source_on_the_web_is_a_link(clerk):
    content = clerk.get("/staff/catalog/").content.decode()
    assert '<a href="https://www.moj.go.jp/MINJI/minji04_00082.html" rel="noopener">' in content


def test_the_rules_speak_the_clerks_language(clerk):
    clerk.cookies["django_language"] = "en"
    content = clerk.get("/staff/catalog/").content.decode()
    assert "{member}: holds a My Number card, whose address must be updated." in content
