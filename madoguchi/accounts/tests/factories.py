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
