import factory

from madoguchi.accounts.models import User
from madoguchi.core.roles import Role

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    role = Role.COUNTER
    display_name = factory.Faker("name", locale="ja_JP")
    is_staff = factory.LazyAttribute(lambda u: u.role == Role.ADMINISTRATOR)
    is_superuser = factory.LazyAttribute(lambda u: u.role == Role.ADMINISTRATOR)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def counters(obj, create, extracted, **kwargs):
        """``UserFactory(counters=["koseki-move", "kokuho"])``: the counters a clerk serves, by code."""
        if create and extracted:
            from madoguchi.catalog.models import Counter

            obj.counters.set(Counter.objects.filter(code__in=list(extracted)))


def logged_in(client, role=Role.COUNTER, counters=(), **fields) -> User:
    """A new account of ``role`` (serving ``counters``) logged in on the test ``client``."""
    user = UserFactory(role=role, counters=list(counters), **fields)
    client.force_login(user)
    return user
