"""干部结构分析: every statistic equals a hand count over a varied registry, every bar links to a list of
exactly those cadres, the 情况统计表 carries the same numbers, snapshots keep a year (issue 15 §2)."""

import html
import io
import re
from datetime import date
from statistics import mean

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from selection.models import Cadre, EducationLevel, StructureSnapshot
from selection.rules import age_in_full_years
from selection.structure import DIMENSIONS, structure_tables

from .population import populate

TODAY = date(2026, 11, 26)


def _has_next(page) -> bool:
    """Django's Page has `has_next()`; the registry lists' capped pages (selection/paging.py) a property."""
    return page.has_next() if callable(page.has_next) else page.has_next


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def registry(org):
    return [c for c in populate(org, TODAY, count=45, seed=7)]


def _education(cadre, kind):
    record = cadre.highest_education(kind)
    if record is None:
        return "none"
    if record.level in (EducationLevel.POSTGRADUATE, EducationLevel.UNDERGRADUATE, EducationLevel.COLLEGE):
        return record.level
    return "below"


def _political(cadre):
    if cadre.party_joined_on:
        return "cpc"
    if "无党派" in cadre.party_note:
        return "nonparty"
    if cadre.party_note == "" or "群众" in cadre.party_note:
        return "masses"
    return "democratic"


def _band(years):
    if years is None:
        return "none"
    return "lt3" if years < 3 else "3-5" if years < 5 else "5-10" if years < 10 else "ge10"


def _age_band(age):
    return (
        "lt35"
        if age < 35
        else "35-39"
        if age < 40
        else "40-44"
        if age < 45
        else "45-49"
        if age < 50
        else "ge50"
    )


def _at_rank_since(cadre):
    holding = cadre.current_holding(TODAY)
    if holding is None:
        return None
    starts = [h.started_on for h in cadre.holdings.all() if h.post.rank == holding.post.rank]
    return min(starts)


def hand_bucket(cadre, dimension: str) -> str:
    """Which bucket a cadre falls in, computed from the model's own methods (not the SQL)."""
    holding = cadre.current_holding(TODAY)
    return {
        "sex": lambda: cadre.sex,
        "age": lambda: _age_band(cadre.age_on(TODAY)),
        "education": lambda: _education(cadre, "full_time"),
        "in_service": lambda: _education(cadre, "in_service"),
        "political": lambda: _political(cadre),
        "ethnicity": lambda: "han" if cadre.ethnicity == "汉族" else "minority",
        "rank": lambda: holding.post.rank if holding else "none",
        "in_post": lambda: _band(age_in_full_years(holding.started_on, TODAY) if holding else None),
        "at_rank": lambda: _band(age_in_full_years(s, TODAY) if (s := _at_rank_since(cadre)) else None),
    }[dimension]()


def _active(registry):
    return [c for c in Cadre.objects.for_list().filter(pk__in=[c.pk for c in registry], is_active=True)]


def test_every_statistic_matches_a_hand_count(client, hr, registry):
    client.force_login(hr)
    response = client.get(reverse("cadre_structure"))
    assert response.status_code == 200
    whole = response.context["tables"][0]
    people = _active(registry)
    assert whole.total == len(people)
    assert whole.average_age == round(mean(c.age_on(TODAY) for c in people), 1)
    for dimension in DIMENSIONS:
        for bucket in dimension.buckets:
            expected = sum(1 for c in people if hand_bucket(c, dimension.key) == bucket.key)
            assert whole.counts[dimension.key][bucket.key] == expected, (dimension.key, bucket.key)
        assert sum(whole.counts[dimension.key].values()) == whole.total, dimension.key


def test_department_tables_match_a_hand_count(hr, registry):
    people = _active(registry)
    tables = structure_tables(Cadre.objects.visible_to(hr).filter(is_active=True), TODAY)
    departments = [t for t in tables if t.scope]
    assert sum(t.total for t in departments) == len(people)
    for table in departments:
        members = [c for c in people if str(c.department_id or "none") == table.scope]
        assert table.total == len(members)
        for bucket in ("lt35", "ge50"):
            assert table.counts["age"][bucket] == sum(1 for c in members if hand_bucket(c, "age") == bucket)


def _names(client, url):
    names, page = set(), 1
    while True:
        response = client.get(f"{url}&page={page}")
        names |= {row.cadre.name for row in response.context["rows"]}
        if not _has_next(response.context["page"]):
            return names
        page += 1


@pytest.mark.parametrize("dimension", [d.key for d in DIMENSIONS])
def test_every_bar_links_to_exactly_the_cadres_it_counts(client, hr, registry, dimension):
    client.force_login(hr)
    people = _active(registry)
    chart = next(c for c in client.get(reverse("cadre_structure")).context["charts"] if c["key"] == dimension)
    for item, bucket in zip(
        chart["items"], next(d for d in DIMENSIONS if d.key == dimension).buckets, strict=True
    ):
        expected = {c.name for c in people if hand_bucket(c, dimension) == bucket.key}
        assert item["value"] == len(expected)
        assert _names(client, item["url"]) == expected, (dimension, bucket.key)


def test_the_department_table_cells_link_to_exactly_the_cadres_they_count(client, hr, registry):
    client.force_login(hr)
    response = client.get(reverse("cadre_structure"))
    table = response.text.split('id="structure-table"')[1].split("</table>")[0]
    people = _active(registry)
    columns = [(d.key, b.key) for d in DIMENSIONS for b in d.buckets]
    checked = 0
    for row in response.context["tables"][1:]:
        if row.scope == "none":
            continue
        members = [c for c in people if str(c.department_id) == row.scope]
        label = row.label.replace("·", "&middot;") if "&middot;" in table else row.label
        line = table.split(f">{label}</th>")[1].split("</tr>")[0]
        cells = re.findall(r"<td>(?:<a href=\"([^\"]+)\">)?(\d+)(?:</a>)?</td>", line)[1:]  # after 人数
        assert len(cells) == len(columns)
        for (link, count), (dimension, bucket) in zip(cells, columns, strict=True):
            expected = {c.name for c in members if hand_bucket(c, dimension) == bucket}
            assert int(count) == len(expected), (row.label, dimension, bucket)
            assert bool(link) == bool(expected)
            if link and checked < 12:  # a sample of the click-throughs (each is a page load)
                assert _names(client, html.unescape(link)) == expected, (row.label, dimension, bucket)
                checked += 1
    assert checked == 12


def test_a_department_chart_links_to_that_department_only(client, hr, registry):
    client.force_login(hr)
    department = next(c.department for c in registry if c.department_id)
    response = client.get(reverse("cadre_structure"), {"department": department.pk})
    shown = response.context["shown"]
    assert shown.scope == str(department.pk)
    sex = next(c for c in response.context["charts"] if c["key"] == "sex")
    men = {c.name for c in _active(registry) if c.department_id == department.pk and c.sex == "男"}
    assert _names(client, sex["items"][0]["url"]) == men


def test_leadership_team_counts_young_female_and_non_party(client, hr, registry):
    client.force_login(hr)
    team = client.get(reverse("cadre_structure")).context["team"]
    leaders = [c for c in _active(registry) if c.current_holding(TODAY)]
    assert [(r.total, r.young, r.female, r.non_party) for r in team] == [
        (
            len(leaders),
            sum(1 for c in leaders if c.age_on(TODAY) < 40),
            sum(1 for c in leaders if c.sex == "女"),
            sum(1 for c in leaders if not c.party_joined_on),
        )
    ]


def test_the_statistics_workbook_carries_the_page_numbers(client, hr, registry):
    client.force_login(hr)
    whole = client.get(reverse("cadre_structure")).context["tables"][0]
    response = client.get(reverse("cadre_structure_export"))
    sheet = load_workbook(io.BytesIO(response.content))["情况统计表"]
    assert "干部队伍结构情况统计表" in sheet["A1"].value
    assert sheet["A4"].value == "全部" and sheet["B4"].value == whole.total
    headers = [sheet.cell(3, column).value for column in range(4, sheet.max_column + 1)]
    values = [sheet.cell(4, column).value for column in range(4, sheet.max_column + 1)]
    flat = [whole.counts[d.key][b.key] for d in DIMENSIONS for b in d.buckets]
    assert values == flat and headers[0] == DIMENSIONS[0].buckets[0].label


def test_a_snapshot_keeps_the_year_and_compares_with_today(client, hr, org, registry):
    client.force_login(hr)
    response = client.post(reverse("cadre_structure_snapshot"), follow=True)
    assert "已保存2026年干部结构快照" in response.text
    snapshot = StructureSnapshot.objects.get(organization=org, year=2026)
    total = snapshot.tables[0]["total"]
    # Through save(), as the registry's forms do: it writes the change history, which moves the
    # statistics' cache key (a bulk update() would be seen only when the short cache expires).
    leaving = Cadre.objects.get(pk=registry[0].pk)
    leaving.is_active = False
    leaving.save()
    page = client.get(reverse("cadre_structure"), {"compare": 2026})
    first = page.context["compare"]["rows"][0]
    assert first["label"] == "人数" and first["before"] == total
    assert first["now"] == total - (1 if registry[0].is_active else 0)
    client.post(reverse("cadre_structure_snapshot"))  # saving again replaces the year's snapshot
    assert StructureSnapshot.objects.filter(organization=org, year=2026).count() == 1


def test_only_hr_saves_snapshots_and_outsiders_see_none_of_ours(client, secretary, outsider, registry):
    client.force_login(secretary)
    assert client.post(reverse("cadre_structure_snapshot")).status_code == 403
    client.force_login(outsider)
    assert client.get(reverse("cadre_structure")).context["tables"][0].total == 0


def test_the_page_loads_echarts_from_our_own_static_files(client, hr, registry):
    client.force_login(hr)
    text = client.get(reverse("cadre_structure")).text
    assert "/static/vendor/echarts/echarts.min.js" in text
    assert 'id="structure-charts" type="application/json"' in text
    assert "http://" not in text.split("structure-charts")[1] and "https://" not in text


STRUCTURE_QUERIES = 14


@pytest.mark.parametrize("count", [1, 60])
def test_structure_page_issues_a_constant_number_of_queries(
    client, hr, org, count, django_assert_max_num_queries
):
    populate(org, TODAY, count=count)
    client.force_login(hr)
    with django_assert_max_num_queries(STRUCTURE_QUERIES):
        assert client.get(reverse("cadre_structure")).status_code == 200


def test_the_cached_statistics_follow_every_registry_change(client, hr, org, registry, settings):
    from .factories import CadreFactory, PostFactory, PostHoldingFactory

    settings.XUANBA_REGISTRY_CACHE_SECONDS = 600
    client.force_login(hr)

    def whole():
        return client.get(reverse("cadre_structure")).context["tables"][0]

    before = whole()
    assert whole() == before  # served from the cache
    newcomer = CadreFactory(organization=org, sex="女")
    after = whole()
    assert after.total == before.total + 1
    assert after.counts["rank"]["none"] == before.counts["rank"]["none"] + 1
    PostHoldingFactory(cadre=newcomer, post=PostFactory(organization=org, rank="deputy"), started_on=TODAY)
    promoted = whole()
    assert promoted.counts["rank"]["deputy"] == after.counts["rank"]["deputy"] + 1
    assert promoted.counts["rank"]["none"] == after.counts["rank"]["none"] - 1
