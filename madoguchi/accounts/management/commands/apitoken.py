from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from madoguchi.accounts.services import api_token_get_or_create


class Command(BaseCommand):
    help = "Print the API bearer token of USERNAME (created on first use)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active account named {username!r}.")
        self.stdout.write(api_token_get_or_create(user=user).key)
