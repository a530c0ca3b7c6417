"""A visit's identity for tests, captured through the real service (validation, 和暦, audit event)."""

import factory

from madoguchi.prefill import services
from madoguchi.prefill.models import CaptureSource, VisitIdentity

RESIDENT = {
    "name": "髙﨑　𠮷太郎", "name_kana": "たかさき　よしたろう", "birth_date": "S52.4.1", "sex": 1,
    "postal_code": "1738501", "address": "東京都板橋区板橋二丁目66番1号　髙島平ハイツ﨑棟101号室",
}
HOUSEHOLD = [
    {"name": "髙﨑　𠮷太郎", "name_kana": "タカサキ　ヨシタロウ", "birth_date": "S52.4.1", "sex": 1,
     "relationship": "世帯主"},
    {"name": "髙﨑　花子", "name_kana": "タカサキ　ハナコ", "birth_date": "1980-02-03", "sex": 2, "relationship": "妻"},
]


class IdentityFactory(factory.Factory):
    """``IdentityFactory(visit=visit, actor=clerk)`` → the visit's identity typed in at the counter."""

    class Meta:
        model = VisitIdentity

    visit = None
    actor = None
    source = CaptureSource.MANUAL
    data = factory.LazyFunction(lambda: dict(RESIDENT))
    household = factory.LazyFunction(lambda: [dict(member) for member in HOUSEHOLD])
    now = None

    @classmethod
    def _create(cls, model_class, *, visit, actor, source, data, household, now=None):
        return services.identity_capture(visit=visit, source=source, data=data, household=household, actor=actor,
                                         now=now)

    _build = _create
