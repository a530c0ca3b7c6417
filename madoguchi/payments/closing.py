"""Writes of the day's close (日計・精算): the terminals' settlement report imported, a register closed.

Reads (the figures a close is made of, the accounting export) are in ``selectors``.
"""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madoguchi.audit import services as audit
from madoguchi.core.errors import DomainError

from . import fees, selectors, settlement
from .models import DayClose, Register, SettlementImport, SettlementRow
from .services import REASON_MAX, clean_free_text
from .terminals import TerminalTimeout, get_terminal

CSV_MESSAGES = {
    "missing_column": _("Line %(line)d: the column %(column)s is missing."),
    "too_many_rows": _("Line %(line)d: the file has too many rows."),
    "unreadable": _("The file cannot be read as CSV (%(value)s)."),
    "required": _("Line %(line)d: %(column)s is empty."),
    "duplicate": _("Line %(line)d: the transaction %(value)s appears twice."),
    "not_a_datetime": _("Line %(line)d: %(column)s %(value)s is not a date and time."),
    "unknown_method": _("Line %(line)d: %(column)s %(value)s is not card, emoney or qr."),
    "unknown_kind": _("Line %(line)d: %(column)s %(value)s is not sale or refund."),
    "not_whole_yen": _("Line %(line)d: %(column)s %(value)s is not a whole number of yen."),
    "sign": _("Line %(line)d: %(column)s %(value)s: a sale is positive, a refund negative."),
    "other_day": _("Line %(line)d: dated %(value)s, not the day imported."),
}
MAX_FILE_BYTES = 5 * 1024 * 1024


def _refusal(problems: list[settlement.CsvProblem]) -> DomainError:
    return DomainError.collect(
        DomainError(CSV_MESSAGES[p.kind], field="file", line=p.line, column=p.column, value=p.value)
        for p in problems[:20]
    )


def settlement_import(*, day: date, text: str, source: str, actor, now: datetime | None = None) -> SettlementImport:
    """Store the terminals' settlement report of ``day`` (replacing an earlier import of the day).

    MUST: refuse the whole file, naming every bad line and column, when a row is malformed or
    dated another day; change nothing then.
    """
    now = now or timezone.now()
    try:
        lines = settlement.parse_settlement_csv(text)
    except settlement.SettlementInvalid as invalid:
        raise _refusal(invalid.problems) from invalid
    other_days = [settlement.CsvProblem(line.line, "datetime", "other_day", line.at.date().isoformat())
                  for line in lines if timezone.localdate(_aware(line.at)) != day]
    if other_days:
        raise _refusal(other_days)
    with transaction.atomic():
        SettlementImport.objects.filter(service_date=day).delete()
        imported = SettlementImport.objects.create(service_date=day, imported_at=now, imported_by=actor,
                                                   source=source[:200])
        SettlementRow.objects.bulk_create([
            SettlementRow(settlement=imported, transaction_id=line.transaction_id, terminal_id=line.terminal_id,
                          at=_aware(line.at), method=line.method, amount_yen=line.amount_yen, kind=line.kind)
            for line in lines
        ])
        audit.settlement_imported(actor=actor, day=day.isoformat(), rows=len(lines), source=source)
    return imported


def _aware(moment: datetime) -> datetime:
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def settlement_fetch(*, day: date, actor, now: datetime | None = None) -> SettlementImport:
    """Ask the payment terminal adapter for the day's settlement report and import it."""
    try:
        text = get_terminal().settlement_report(day=day)
    except TerminalTimeout:
        raise DomainError(_("The payment terminal did not answer: import its settlement file instead."),
                          field="file") from None
    return settlement_import(day=day, text=text, source="terminal", actor=actor, now=now)


def register_close(*, register: Register, day: date, counts: dict[int, int], variance_reason: str, actor,
                   now: datetime | None = None) -> DayClose:
    """日計・精算 of ``register`` on ``day``: the drawer counted by denomination against the cash the
    payments say it holds (change fund included); a variance needs its reason. The cashless totals
    and the unmatched entries of both sides are kept as they stood. Closing again replaces the
    figures (every close stays in the audit log)."""
    now = now or timezone.now()
    try:
        counted = fees.counted_cash(counts)
    except ValueError:
        raise DomainError(_("Count each note and coin as a whole number, 0 or more."), field="counts") from None
    reason = clean_free_text(variance_reason, field="variance_reason", max_length=REASON_MAX,
                        label=_("Reason for the variance"))
    figures = selectors.close_figures(register=register, day=day)
    variance = counted - figures.expected_cash_yen
    if variance and not reason:
        raise DomainError(_("The cash differs from the expected amount by %(variance)s yen: give the reason."),
                          field="variance_reason", variance=f"{variance:+,}")
    cashless = selectors.cashless_summary(figures)
    with transaction.atomic():
        close, _created = DayClose.objects.update_or_create(
            register=register, service_date=day,
            defaults={"counts": {str(k): v for k, v in sorted(counts.items(), reverse=True)},
                      "counted_cash_yen": counted, "expected_cash_yen": figures.expected_cash_yen,
                      "variance_yen": variance, "variance_reason": reason if variance else "",
                      "cashless": cashless, "closed_by": actor, "closed_at": now})
        audit.register_day_closed(actor=actor, close=close)
    return close
