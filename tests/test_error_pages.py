"""`make run` (DEBUG on) shows the project's own Chinese 404 and 500 pages, not Django's technical ones."""

import pytest
from django.test import Client, override_settings
from django.urls import path

from config.urls import urlpatterns as project_urls


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom), *project_urls]


@pytest.mark.django_db
@override_settings(DEBUG=True, ROOT_URLCONF=__name__)
def test_with_debug_on_an_unknown_address_gets_the_chinese_404_page(client, hr):
    client.force_login(hr)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "DEBUG = True" not in html
    assert "未找到该页面" in html


@pytest.mark.django_db
@override_settings(DEBUG=True, ROOT_URLCONF=__name__)
def test_with_debug_on_an_error_gets_the_chinese_500_page(hr):
    client = Client(raise_request_exception=False)
    client.force_login(hr)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "DEBUG = True" not in html and "Traceback" not in html
    assert "系统出现错误" in html


@pytest.mark.django_db
@override_settings(DEBUG=True, ROOT_URLCONF=__name__, XUANBA_OWN_ERROR_PAGES=False)
def test_developers_can_ask_for_djangos_technical_pages(client, hr):
    client.force_login(hr)
    assert "DEBUG = True" in client.get("/no-such-page/").content.decode()
