"""The receipt (領収書) as a PDF, read back with pypdf: ward, number, date in 和暦, items, method,
addressee; a second print is marked 再発行; prints and views of the addressee are logged."""

import io

import pytest
from pypdf import PdfReader

from madoguchi.audit.models import Event, PersonalDataAccess
from madoguchi.core.errors import ConflictError
from madoguchi.core.wareki import format_wareki
from madoguchi.payments import services
from madoguchi.payments.services import ChargeItem

from .factories import charge, visit_at_desk

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def koseki_payment(starter_catalog, settings):
    settings.WARD_NAME = "板橋区"
    visit, _step, register, clerk = visit_at_desk(["cert.koseki"], site="kita", counter="kita-cert")
    return charge(visit, register, clerk, [("koseki.full", 2), ("koseki.removed", 1),
                                           ChargeItem("koseki.acceptance", 1, "public_request", "年金事務所 第5号")],
                  tendered=2000, addressee="髙橋 𠮷子").payment


def test_the_receipt_carries_what_a_ward_office_prints(koseki_payment):
    pdf, reprint = services.receipt_issue(payment=koseki_payment, actor=koseki_payment.clerk)

    text = text_of(pdf)
    assert not reprint
    for expected in ("領収書", f"No. {koseki_payment.receipt_number}", "板橋区長", "北支所", "髙橋 𠮷子 様",
                     "戸籍証明書（全部・個人事項）", "除籍・改製原戸籍証明書", "受理証明書", "免除：公用請求",
                     "¥1,650", "お支払方法：現金", "お預かり ¥2,000", "おつり ¥350",
                     format_wareki(koseki_payment.service_date)):
        assert expected in text, expected
    assert "再発行" not in text
    assert "年金事務所" not in text  # the exemption's note stays in the records, not on the resident's receipt
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = {str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert any("IPAexGothic" in name for name in fonts), fonts  # embedded: prints the same on any PC


def test_a_second_print_is_marked_reissued_and_every_print_is_logged(koseki_payment):
    services.receipt_issue(payment=koseki_payment, actor=koseki_payment.clerk)
    pdf, reprint = services.receipt_issue(payment=koseki_payment, actor=koseki_payment.clerk)

    assert reprint and "再発行" in text_of(pdf)
    prints = Event.objects.filter(action="payment.receipt_printed", target_id=str(koseki_payment.pk))
    assert sorted(e.details["reprint"] for e in prints) == [False, True]
    assert PersonalDataAccess.objects.filter(subject_id=str(koseki_payment.pk), fields=["addressee"]).count() == 2


def test_a_card_receipt_names_the_method_and_the_transaction(starter_catalog):
    visit, _step, register, clerk = visit_at_desk(["cert.juminhyo"])
    payment = charge(visit, register, clerk, [("juminhyo", 1)], method="card").payment

    text = text_of(services.receipt_issue(payment=payment, actor=clerk)[0])

    assert "お支払方法：クレジット・デビットカード" in text
    assert f"取引番号 {payment.transaction_id}" in text
    assert "様" not in text  # no addressee given: none printed


def test_a_voided_payment_has_no_receipt(koseki_payment):
    services.payment_void(payment=koseki_payment, actor=koseki_payment.clerk, reason="取消")
    with pytest.raises(ConflictError):
        services.receipt_issue(payment=koseki_payment, actor=koseki_payment.clerk)


def test_addressees_are_blanked_after_the_retention(koseki_payment, settings):
    from datetime import timedelta

    from django.utils import timezone

    assert services.payment_addressees_purge() == 0
    later = timezone.now() + timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS + 1)
    assert services.payment_addressees_purge(now=later) == 1
    koseki_payment.refresh_from_db()
    assert koseki_payment.addressee == ""
