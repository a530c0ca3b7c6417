"""Public congestion figures: people waiting and the estimated wait, per site and counter."""

from django.http import HttpResponse, HttpResponseNotModified
from ninja import Router, Schema

from . import selectors

router = Router(tags=["congestion"])


class CounterCongestion(Schema):
    code: str
    name_ja: str
    name_en: str
    name_easy: str
    floor: int
    number: str
    waiting: int
    desks_open: int
    estimated_wait_minutes: int | None


class SiteCongestion(Schema):
    code: str
    name_ja: str
    name_en: str
    name_easy: str
    counters: list[CounterCongestion]


class Congestion(Schema):
    updated_at: str
    etag: str
    sites: list[SiteCongestion]


@router.get("/congestion", response=Congestion, auth=None,
            summary="People waiting and estimated wait per counter (public, cacheable, no personal data)")
def congestion(request):
    data, body = selectors.congestion_answer()  # serialised once per period, not per request
    etag = f'"{data["etag"]}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=10"}
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers=headers)
    return HttpResponse(body, content_type="application/json", headers=headers)
