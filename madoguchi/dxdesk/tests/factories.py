import factory
from django.utils import timezone

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.dxdesk.models import Consultation, HelpKind
from madoguchi.talent.tests.factories import SectionFactory


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    section = factory.SubFactory(SectionFactory)
    filed_by = factory.SubFactory(UserFactory)
    filed_at = factory.LazyFunction(timezone.now)
    title = "台帳入力"
    task = "申請書の内容を台帳に入力する"
    times_per_month = 100
    minutes_per_time = 6
    pain = "二重入力"
    help_kind = HelpKind.RPA
