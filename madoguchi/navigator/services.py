from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import NavigatorUsage


def usage_key(life_events: Iterable[str]) -> str:
    """How a result is counted: by its life event, or its events joined with "+" (marriage+move_in)."""
    return "+".join(life_events)[:64]


def navigator_usage_record(*, life_event: str, channel: str, day: date | None = None) -> None:
    """Count one navigator result, anonymously (no answer is kept). Safe under concurrent requests:
    the increment happens in the database, and a lost race to create the day's row retries."""
    day = day or timezone.localdate()
    rows = NavigatorUsage.objects.filter(date=day, life_event=life_event, channel=channel)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            NavigatorUsage.objects.create(date=day, life_event=life_event, channel=channel, count=1)
    except IntegrityError:
        # Another request created the row between our update and our insert.
        rows.update(count=F("count") + 1)
