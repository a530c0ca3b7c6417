from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import translation

from madoguchi.dxdesk import selectors, services


class Command(BaseCommand):
    help = ("Ask the DX help desk to measure every delivered tool whose three months are up (one e-mail per "
            "consultation, once; run daily). The desk's page lists them too.")

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="", help="e.g. https://madoguchi.example.lg.jp, for the links")

    def handle(self, *args, base_url: str, **options):
        recipients = selectors.desk_emails()
        if not recipients:
            # Nobody to ask: mark nothing, so the reminders go out once the desk has an address.
            due = len(selectors.measurements_due_unreminded())
            self.stderr.write(f"No active DX help desk account has an e-mail address; {due} reminder(s) wait.")
            return
        sent = 0
        with translation.override("ja"):
            for consultation in selectors.measurements_due_unreminded():
                link = base_url.rstrip("/") + reverse("dxdesk:detail", args=[consultation.pk])
                send_mail(
                    subject=f"【よろず相談DX】効果測定の時期です {consultation.number} {consultation.title}",
                    message=(f"{consultation.number}「{consultation.title}」（{consultation.section.name}）は"
                             f"導入から3か月がたちました（測定日 {consultation.measure_due_on:%Y-%m-%d}）。\n"
                             f"導入後の件数と所要時間を測定し、入力してください。\n{link}\n"),
                    from_email=None, recipient_list=recipients)
                if services.measurement_reminder_sent(consultation=consultation):
                    sent += 1
        self.stdout.write(f"Measurement reminders: {sent} consultation(s), to {len(recipients)} desk address(es).")
