from django.db.models import QuerySet

from .models import Event, PersonalDataAccess


def recent_events(*, limit: int = 200) -> QuerySet[Event]:
    return Event.objects.all()[:limit]


def recent_personal_data_accesses(*, limit: int = 200) -> QuerySet[PersonalDataAccess]:
    return PersonalDataAccess.objects.all()[:limit]
