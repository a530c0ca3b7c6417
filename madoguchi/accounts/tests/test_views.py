import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_the_login_page_shows_the_apps_name_not_the_servers_host_name():
    response = Client().get("/staff/login/", headers={"Accept-Language": "en"})

    with translation.override("en"):
        site_name = str(settings.SITE_NAME)
    assert response.context["site_name"] == settings.SITE_NAME
    assert f'class="site-header__title" href="/">{site_name}</a>' in response.content.decode()
    assert "testserver" not in response.content.decode()


def test_the_login_page_is_never_cached():
    response = Client().get("/staff/login/")

    assert "no-cache" in response["Cache-Control"]


def test_logging_out_needs_a_post():
    assert Client().get("/staff/logout/").status_code == 405
