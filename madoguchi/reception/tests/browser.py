"""Browser helpers for the staff screens' tests: a page signed in as a member of staff."""

from django.conf import settings
from django.test import Client


def staff_page(browser, live_server, user=None, *, locale="ja-JP", viewport=None, **options):
    """A new page of a new context, signed in as ``user`` (its session cookie), Japanese by default."""
    context = browser.new_context(base_url=live_server.url, locale=locale,
                                  viewport=viewport or {"width": 1280, "height": 900}, **options)
    context.set_default_timeout(10_000)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context.new_page()
