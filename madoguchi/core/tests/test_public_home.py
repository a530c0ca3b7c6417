"""The residents' front door: ``/`` without a login, the pages it leads to, and the way back.

Browser tests in Debian's Chromium (axe WCAG 2.1 AA on a phone and a desktop, in Japanese and English,
keyboard reach); the rest with Django's test client."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.catalog.models import Counter
from madoguchi.core.i18n import html_lang

PUBLIC_PAGES = ["navigator:start", "counters:congestion", "preapply:appointments", "preapply:start",
                "reception:ticket_lookup", "catalog:floor_guide", "core:accessibility"]


@pytest.mark.django_db
def test_the_home_is_public_and_links_every_residents_page_and_the_staff_sign_in(starter_catalog):
    response = Client().get("/")
    body = response.content.decode()
    assert response.status_code == 200
    for name in PUBLIC_PAGES:
        assert f'href="{reverse(name)}"' in body, name
    assert 'href="/staff/login/"' in body


@pytest.mark.django_db
def test_every_public_page_links_back_home_and_to_the_others(starter_catalog):
    for name in PUBLIC_PAGES:
        body = Client().get(reverse(name)).content.decode()
        assert 'href="/"' in body, name
        assert f'href="{reverse("navigator:start")}"' in body and f'href="{reverse("reception:ticket_lookup")}"' in body


@pytest.mark.django_db
def test_signed_in_staff_still_land_on_their_own_screen(starter_catalog):
    client = Client()
    client.force_login(UserFactory(role="counter"))
    assert client.get("/")["Location"] == "/staff/"


@pytest.mark.django_db
def test_the_old_login_address_leads_to_the_staff_sign_in_with_its_query():
    response = Client().get("/login/?next=/staff/")
    assert response.status_code == 301
    assert response["Location"] == "/staff/login/?next=/staff/"


@pytest.mark.django_db
def test_the_floor_guide_lists_every_counter_by_floor_with_its_procedures(starter_catalog):
    body = Client().get("/floors/").content.decode()
    for counter in Counter.objects.filter(active=True, site__active=True):
        assert counter.name_ja in body
    assert "住民票の写し" in body or "住民票" in body
    assert not re.search(r"\b(juki|nhi|cert)\.[a-z_]+", body)  # names, never procedure codes


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["ja", "en", "ja-easy", "zh-hans", "ne"])  # and ko, vi without a browser
def test_the_home_on_a_phone_is_accessible_and_leads_to_each_page(phone_page, axe, starter_catalog, language):
    phone_page.goto(f"/?lang={language}")
    expect(phone_page.locator("html")).to_have_attribute("lang", html_lang(language))
    if language == "ja-easy":
        expect(phone_page.locator("ruby").first).to_be_attached()  # furigana over the kanji kept
    axe(phone_page)
    for name in PUBLIC_PAGES:
        phone_page.goto("/")
        phone_page.locator(f".home-tiles a[href='{reverse(name)}']").click()
        expect(phone_page).to_have_url(re.compile(re.escape(reverse(name)) + r"$"))
        axe(phone_page)
        # The way back home is in the page's header.
        expect(phone_page.locator("a.site-header__title")).to_have_attribute("href", "/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_home_is_usable_by_keyboard_alone(page, starter_catalog):
    page.goto("/")
    target = page.locator(f".home-tiles a[href='{reverse('navigator:start')}']")
    for _ in range(30):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("the navigator tile was not reached by keyboard")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/navigator/$"))
