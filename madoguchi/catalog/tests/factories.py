import factory

from madoguchi.catalog.models import Counter, Department, LifeEvent, Procedure, Site


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"site{n}")
    name_ja = factory.Sequence(lambda n: f"庁舎{n}")
    name_en = factory.Sequence(lambda n: f"Site {n}")
    kind = Site.Kind.MAIN


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"dept{n}")
    name_ja = factory.Sequence(lambda n: f"第{n}課")
    name_en = factory.Sequence(lambda n: f"Department {n}")


class CounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Counter
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"counter{n}")
    name_ja = factory.Sequence(lambda n: f"窓口{n}")
    name_en = factory.Sequence(lambda n: f"Counter {n}")
    site = factory.SubFactory(SiteFactory, code="main")
    department = factory.SubFactory(DepartmentFactory)
    floor = 1
    number = factory.Sequence(lambda n: str(n + 1))
    desks = 2


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        django_get_or_create = ["code"]
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"proc.p{n}")
    name_ja = factory.Sequence(lambda n: f"手続{n}")
    name_en = factory.Sequence(lambda n: f"Procedure {n}")
    department = factory.SubFactory(DepartmentFactory)
    handling_minutes = 10

    @factory.post_generation
    def counters(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.counters.set(extracted)


class LifeEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LifeEvent
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"event{n}")
    name_ja = factory.Sequence(lambda n: f"出来事{n}")
    name_en = factory.Sequence(lambda n: f"Event {n}")
