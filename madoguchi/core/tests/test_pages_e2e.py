"""The foundation's pages in Debian's Chromium: keyboard use, the skip link, the language switch,
and an axe-core WCAG 2.1 AA check of every page.

UI text is checked through structure (links, lang attributes, roles) rather than wording, so the
tests hold when the Japanese translations arrive.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from madoguchi.accounts.tests.factories import PASSWORD, UserFactory
from madoguchi.audit import services as audit
from madoguchi.core.navigation import screens_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user) -> None:
    """Give the browser a session of ``user`` without going through the login form."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": page.context.base_url}])


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def tab_until(page, element_id: str, *, limit: int = 15) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_id(page) == element_id:
            return
    pytest.fail(f"#{element_id} was not reached within {limit} presses of Tab")


def screen_links(page) -> set[str]:
    return set(page.locator(".tiles a").evaluate_all("links => links.map(a => a.getAttribute('href'))"))


def expected_screen_links(user) -> set[str]:
    # Apps add screens as they grow; the home must list exactly those the role may open.
    return {reverse(screen.url_name) for screen in screens_for(user)}


@pytest.fixture(autouse=True)
def base_url_on_context(page, live_server):
    # The context was created with base_url; keep it where sign_in can read it.
    page.context.base_url = live_server.url


def test_the_login_page_is_accessible(page, axe):
    page.goto("/staff/login/")

    axe(page)


def test_an_administrator_logs_in_by_keyboard_alone_and_sees_every_screen(page):
    admin = UserFactory(role="administrator")
    page.goto("/staff/login/")

    tab_until(page, "id_username")
    page.keyboard.type(admin.username)
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    page.wait_for_url("**/staff/")
    links = screen_links(page)
    assert links == expected_screen_links(admin)
    assert {"/staff/catalog/", "/staff/audit/", "/kiosk/", "/display/", "/admin/"} <= links


def test_a_counter_clerk_sees_only_the_screens_of_the_role(page):
    clerk = UserFactory(role="counter")
    sign_in(page, clerk)

    page.goto("/staff/")

    links = screen_links(page)
    assert links == expected_screen_links(clerk)
    assert "/staff/catalog/" in links
    assert not {"/staff/audit/", "/kiosk/", "/display/", "/admin/"} & links


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content(page):
    # Not the login page: that one puts the focus straight into the user name field.
    sign_in(page, UserFactory(role="counter"))
    page.goto("/staff/")

    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")

    assert focused_id(page) == "main"
    assert page.url.endswith("#main")


def test_the_language_switch_turns_the_page_to_english_and_back(page):
    page.goto("/staff/login/")
    assert page.locator("html").get_attribute("lang") == "ja"

    page.locator(".language-switch button[value='en']").click()
    page.wait_for_selector("html[lang='en']")
    assert page.locator("h1").inner_text() == "Staff login"
    assert page.locator(".language-switch button[value='en']").get_attribute("aria-current") == "true"

    page.locator(".language-switch button[value='ja']").click()
    page.wait_for_selector("html[lang='ja']")
    assert page.locator(".language-switch button[value='ja']").get_attribute("aria-current") == "true"
    assert page.url.endswith("/staff/login/")


def test_a_wrong_password_shows_the_error_next_to_the_form(page, axe):
    user = UserFactory()
    page.goto("/staff/login/")

    page.fill("#id_username", user.username)
    page.fill("#id_password", "wrong-password")
    page.locator("main form button[type='submit']").click()

    error = page.locator("main form #login-errors[role='alert']")
    error.wait_for()
    assert error.is_visible()
    assert error.inner_text().strip()
    assert page.input_value("#id_username") == user.username  # typed again by nobody
    axe(page)


def test_the_staff_home_is_accessible(page, axe):
    sign_in(page, UserFactory(role="supervisor"))

    page.goto("/staff/")

    axe(page)


def test_the_catalogue_page_is_accessible(page, axe, starter_catalog):
    sign_in(page, UserFactory(role="counter"))

    page.goto("/staff/catalog/")

    assert page.locator("table.data tbody tr").count() >= 30
    axe(page)


def test_the_audit_page_is_accessible(page, axe):
    supervisor = UserFactory(role="supervisor")
    audit.staff_logged_in(user=supervisor, ip="127.0.0.1")
    audit.staff_login_failed(username="someone", ip="127.0.0.1", locked=False)
    sign_in(page, supervisor)

    page.goto("/staff/audit/")

    assert page.locator("table.data").first.locator("tbody tr").count() == 2
    axe(page)


@pytest.mark.parametrize(("role", "url"), [("kiosk", "/kiosk/"), ("display", "/display/")])
def test_the_device_screens_are_accessible(page, axe, role, url):
    sign_in(page, UserFactory(role=role))

    response = page.goto(url)

    assert response.status == 200
    axe(page)


def test_the_not_allowed_page_is_accessible_and_offers_a_way_back(page, axe):
    sign_in(page, UserFactory(role="counter"))

    response = page.goto("/staff/audit/")

    assert response.status == 403
    assert page.locator("main a[href='/']").count() == 1
    axe(page)


def test_the_not_found_page_is_accessible(page, axe):
    response = page.goto("/no-such-page/")

    assert response.status == 404
    axe(page)


def test_the_axe_check_fails_a_page_with_a_violation(page, axe):
    page.set_content('<!doctype html><html lang="en"><title>t</title><main><img src="x.png"></main></html>')

    with pytest.raises(pytest.fail.Exception, match="image-alt"):
        axe(page)
