from datetime import date

import pytest

from madoguchi.navigator.models import NavigatorUsage
from madoguchi.navigator.services import navigator_usage_record

pytestmark = pytest.mark.django_db
DAY = date(2026, 4, 1)


def test_the_first_use_of_a_day_creates_its_count():
    navigator_usage_record(life_event="birth", channel="web", day=DAY)
    assert NavigatorUsage.objects.get().count == 1


def test_each_use_adds_one():
    for _ in range(3):
        navigator_usage_record(life_event="birth", channel="web", day=DAY)
    assert NavigatorUsage.objects.get().count == 3


def test_days_events_and_channels_are_counted_apart():
    navigator_usage_record(life_event="birth", channel="web", day=DAY)
    navigator_usage_record(life_event="birth", channel="kiosk", day=DAY)
    navigator_usage_record(life_event="death", channel="web", day=DAY)
    navigator_usage_record(life_event="birth", channel="web", day=date(2026, 4, 2))
    assert NavigatorUsage.objects.count() == 4


def test_a_row_created_meanwhile_by_another_request_is_incremented_not_duplicated(monkeypatch):
    # Simulate the race: our update finds no row, another request then creates it before our insert.
    original_update = NavigatorUsage.objects.filter(pk=0).update.__func__
    calls = {"n": 0}

    def update_after_a_concurrent_create(queryset, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            NavigatorUsage.objects.create(date=DAY, life_event="birth", channel="web", count=1)
            return 0
        return original_update(queryset, **kwargs)

    monkeypatch.setattr("django.db.models.query.QuerySet.update", update_after_a_concurrent_create)
    navigator_usage_record(life_event="birth", channel="web", day=DAY)
    monkeypatch.undo()
    assert NavigatorUsage.objects.get().count == 2
