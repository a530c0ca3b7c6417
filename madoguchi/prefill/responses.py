"""The HTTP answer that carries a visit's PDF bundle, shared by the page and the API."""

from django.http import HttpResponse

from madoguchi.reception.models import Visit


def pdf_response(pdf: bytes, visit: Visit, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    # The file name carries the date and ticket, never the resident's name.
    name = f"forms-{visit.service_date:%Y%m%d}-{visit.ticket_number}.pdf"
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    # Personal data: no browser, proxy or disk cache may keep a copy.
    response["Cache-Control"] = "no-store, private"
    return response
