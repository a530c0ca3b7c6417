from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from madoguchi.accounts.services import staff_create
from madoguchi.catalog.models import Counter, Department

DEMO_PASSWORD = "madoguchi-demo"  # noqa: S105 - the documented demo password (README)


class Command(BaseCommand):
    help = "Create the demo staff and device accounts (idempotent: existing accounts are left as they are)."

    def handle(self, *args, **options):
        accounts = yaml.safe_load((Path(__file__).resolve().parents[2] / "demo_staff.yaml").read_text("utf-8"))
        created = 0
        with transaction.atomic():
            for account in accounts:
                if get_user_model().objects.filter(username=account["username"]).exists():
                    continue
                staff_create(
                    username=account["username"], role=account["role"], password=DEMO_PASSWORD,
                    display_name=account.get("display_name", ""),
                    department=Department.objects.filter(code=account.get("department")).first(),
                    counters=list(Counter.objects.filter(code__in=account.get("counters", []))),
                    created_by="demo_staff",
                )
                created += 1
        self.stdout.write(f"Demo staff: {created} account(s) created, {len(accounts) - created} already there.")
