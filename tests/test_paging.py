"""Lists at province scale (issue 11): capped counts, keyset pages past the cap, the cadre list's sort key."""

from datetime import date, timedelta
from urllib.parse import parse_qsl

import pytest
from django.urls import reverse

from selection import paging
from selection.models import Cadre, SelectionCase
from selection.models.cadre import NO_DEPARTMENT
from selection.selectors import LIST_KEYS
from tests.factories import CadreFactory, DepartmentFactory

CAP = 10  # so that 60 rows are "more than the cap" without loading 5,000


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", CAP)


def _walk(client, url: str, params: dict, *, link: str) -> list[list[int]]:
    """Follow the pages' `link` ("next_query" or "previous_query") from `params`; the rows' pks per page."""
    pages = []
    while True:
        response = client.get(url, params)
        assert response.status_code == 200
        page = response.context["page"]
        pages.append([row.pk for row in page.object_list])
        following = getattr(page, link)
        if not following:
            return pages
        params = {**{k: v for k, v in params.items() if k not in ("page", "after", "before")}}
        params.update(parse_qsl(following))


def _cadres(org) -> list[Cadre]:
    second, first = DepartmentFactory(organization=org, order=2), DepartmentFactory(organization=org, order=1)
    cadres = []
    for i in range(60):
        department = (first, second, None)[i % 3]
        cadres.append(
            CadreFactory(organization=org, department=department, birth_date=date(1970 + i % 7, 1, 1))
        )
    return cadres


@pytest.mark.usefixtures("small_cap")
def test_cadre_list_pages_past_the_cap_by_key_and_shows_every_cadre_once_in_department_order(client, hr, org):
    cadres = _cadres(org)
    client.force_login(hr)
    expected = [
        c.pk for c in sorted(cadres, key=lambda c: (c.department.order if c.department else 10**9, c.pk))
    ]
    forward = _walk(client, reverse("cadre_list"), {}, link="next_query")
    assert [pk for page in forward for pk in page] == expected
    assert [len(page) for page in forward] == [25, 25, 10]
    first = client.get(reverse("cadre_list"))
    assert first.context["page"].capped
    assert f"共 {CAP} 多 人" in first.text
    backward = _walk(client, reverse("cadre_list"), {"page": "last"}, link="previous_query")
    assert backward[0] == expected[-25:]  # the last page is full, read from the end of the index
    assert [pk for page in reversed(backward) for pk in page] == expected


@pytest.mark.usefixtures("small_cap")
def test_cadre_list_keys_with_mixed_directions_page_in_the_sorted_order(client, hr, org):
    cadres = _cadres(org)
    client.force_login(hr)
    expected = [c.pk for c in sorted(cadres, key=lambda c: (-c.birth_date.toordinal(), c.pk))]
    forward = _walk(client, reverse("cadre_list"), {"sort": "age"}, link="next_query")
    assert [pk for page in forward for pk in page] == expected


def test_a_hand_edited_cursor_shows_the_first_page(client, hr, org, small_cap):
    _cadres(org)
    client.force_login(hr)
    response = client.get(reverse("cadre_list"), {"after": "not-a-cursor!"})
    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_without_more_rows_than_the_cap_the_pages_are_numbered(client, hr, org):
    _cadres(org)
    client.force_login(hr)
    last = client.get(reverse("cadre_list"), {"page": "last"})
    assert last.context["page"].number == 3
    assert len(last.context["rows"]) == 10
    assert "第 3 / 3 页" in last.text


@pytest.mark.usefixtures("small_cap")
def test_case_list_pages_past_the_cap_newest_first_with_ties_broken_by_id(client, hr, org):
    SelectionCase.objects.bulk_create(
        SelectionCase(organization=org, title=f"第{i}批", year=2026, created_by=hr) for i in range(60)
    )
    newest = SelectionCase.objects.order_by("-pk").first()
    SelectionCase.objects.filter(pk__lt=newest.pk - 30).update(
        created_at=newest.created_at - timedelta(days=1)
    )
    expected = [
        c.pk for c in sorted(SelectionCase.objects.all(), key=lambda c: (c.created_at, c.pk), reverse=True)
    ]
    client.force_login(hr)
    forward = _walk(client, reverse("case_list"), {}, link="next_query")
    assert [pk for page in forward for pk in page] == expected
    backward = _walk(client, reverse("case_list"), {"page": "last"}, link="previous_query")
    assert [pk for page in reversed(backward) for pk in page] == expected


# Deep pages cost the same queries as the first: the capped count and the page read by key replace the count
# and the OFFSET page (see LIST_QUERIES in test_registry_views / test_case_views for what each query is).
CADRE_LIST_QUERIES = 14
CASE_LIST_QUERIES = 14


@pytest.mark.usefixtures("small_cap")
@pytest.mark.parametrize("count", [1, 60])
@pytest.mark.parametrize("where", [{"page": "last"}, {"page": "last", "sort": "name"}, "after"])
def test_deep_cadre_pages_issue_a_constant_number_of_queries(
    client, hr, org, count, where, django_assert_max_num_queries
):
    cadres = CadreFactory.create_batch(count, organization=org)
    client.force_login(hr)
    if where == "after":
        where = {"after": paging.encode_cursor(cadres[0], LIST_KEYS[""])}
    with django_assert_max_num_queries(CADRE_LIST_QUERIES):
        response = client.get(reverse("cadre_list"), where)
    assert response.status_code == 200
    assert response.context["rows"]


@pytest.mark.usefixtures("small_cap")
@pytest.mark.parametrize("count", [1, 60])
@pytest.mark.parametrize("where", [{"page": "last"}, {"post": "处长"}])
def test_deep_case_pages_issue_a_constant_number_of_queries(
    client, hr, org, count, where, django_assert_max_num_queries
):
    SelectionCase.objects.bulk_create(
        SelectionCase(organization=org, title=f"第{i}批", year=2026, created_by=hr) for i in range(count)
    )
    client.force_login(hr)
    with django_assert_max_num_queries(CASE_LIST_QUERIES + ("post" in where)):  # + the matching posts
        response = client.get(reverse("case_list"), where)
    assert response.status_code == 200


# ---- the cadre list's sort key ------------------------------------------------------------------------


def test_the_sort_key_follows_the_department_its_order_and_its_deletion(org):
    department = DepartmentFactory(organization=org, order=7)
    cadre = CadreFactory(organization=org, department=department)
    assert cadre.department_order == 7
    department.order = 3
    department.save()
    cadre.refresh_from_db()
    assert cadre.department_order == 3
    other = DepartmentFactory(organization=org, order=5)
    cadre.department_id = other.pk  # not loaded: read from the database
    cadre.save(update_fields=["department"])
    cadre.refresh_from_db()
    assert cadre.department_order == 5
    other.delete()
    cadre.refresh_from_db()
    assert (cadre.department_id, cadre.department_order) == (None, NO_DEPARTMENT)
