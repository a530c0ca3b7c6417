"""Languages of the pages: residents' pages in seven, staff pages in Japanese and English.

    @resident_page          # a page residents read: every resident language, translated in full

A resident page may change its language without losing what was typed: the language buttons of a page
with a form submit that form (``switch_language`` in the post) back to the page itself, and the
view re-shows it in the new language with the answers as they were (``language_switched(request)``).
``?lang=ko`` in the address does the same for a page opened from a link (a route sheet's QR code).
Nothing is kept on the server: the choice goes in the language cookie, as Django's own switch does.
"""

from collections.abc import Callable

from django.conf import settings
from django.utils import translation

RESIDENT_ATTR = "madoguchi_resident_page"
SWITCH_FIELD = "switch_language"
SWITCHED_ATTR = "madoguchi_language_switched"


def resident_page(view: Callable) -> Callable:
    """Mark a page residents read: it is shown in every resident language (staff pages in ja/en only)."""
    setattr(view, RESIDENT_ATTR, True)
    return view


def is_resident_page(view: Callable) -> bool:
    return any(getattr(candidate, RESIDENT_ATTR, False)
               for candidate in (view, getattr(view, "view_class", None)) if candidate is not None)


def language_switched(request) -> bool:
    """Whether this post only asks for the page again in another language (nothing is to be done
    with what it carries but to show it again)."""
    return getattr(request, SWITCHED_ATTR, False)


def html_lang(code: str | None) -> str:
    """The BCP 47 tag of a language code for ``<html lang>``: やさしい日本語 is Japanese to a screen reader."""
    code = code or settings.LANGUAGE_CODE
    if code == "ja-easy":
        return "ja"
    if code == "zh-hans":
        return "zh-Hans"
    return code


def resident_language(code: str | None) -> str | None:
    """``code`` if it is a resident language (as the switch and ``?lang=`` spell it), else None."""
    code = (code or "").strip().lower()
    return code if code in settings.RESIDENT_LANGUAGES else None


def staff_language(code: str | None) -> str:
    """The language a staff page shows for the active ``code``."""
    if code in settings.STAFF_LANGUAGES:
        return code
    return settings.STAFF_LANGUAGE_FALLBACK.get(code, "en" if code else settings.LANGUAGE_CODE)


class PageLanguageMiddleware:
    """After Django's LocaleMiddleware: a staff page never shows in a resident-only language, and a
    resident page takes a language asked for in its own post (``switch_language``) or address
    (``?lang=``), remembered in the language cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if translation.get_language() == "ja-easy":
            _add_furigana(response)
        chosen = getattr(request, "_madoguchi_chosen_language", None)
        if chosen:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, chosen, max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        if not is_resident_page(view_func):
            # Staff pages (and the kiosk) keep main's behaviour: ja, en and やさしい日本語 (which falls back
            # to Japanese); a language only resident pages have is shown as the staff fallback.
            active = translation.get_language()
            shown = active if active == "ja-easy" else staff_language(active)
            if shown != active:
                translation.activate(shown)
                request.LANGUAGE_CODE = shown
            return None
        asked = None
        if request.method == "POST" and SWITCH_FIELD in request.POST:
            asked = resident_language(request.POST.get(SWITCH_FIELD))
            setattr(request, SWITCHED_ATTR, asked is not None)
        elif "lang" in request.GET:
            asked = resident_language(request.GET.get("lang"))
        if asked:
            translation.activate(asked)
            request.LANGUAGE_CODE = asked
            request._madoguchi_chosen_language = asked
        return None


def _add_furigana(response) -> None:
    """やさしい日本語 pages: the reading above every word with kanji (see ``madoguchi.core.furigana``)."""
    if response.streaming or not response.get("Content-Type", "").startswith("text/html") or not response.content:
        return
    from .furigana import annotate_html

    charset = response.charset or "utf-8"
    response.content = annotate_html(response.content.decode(charset)).encode(charset)
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
