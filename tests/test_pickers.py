"""Pickers with server-side search: forms render only the chosen cadre or user; the search endpoint returns
about 20 matches by name or ID-number prefix, inside the user's organization; the queryset validates."""

from datetime import date

from django.urls import reverse

from accounts.roles import Role
from selection.forms import KinshipForm
from selection.forms_cases import InspectionForm, NominateForm
from selection.models import Candidate
from selection.views.pickers import LIMIT

from .factories import CadreFactory, OrganizationFactory, UserFactory
from .workflow import to_recommendation


def _results(client, source: str, q: str) -> list[dict]:
    response = client.get(reverse("picker", args=[source]), {"q": q})
    assert response.status_code == 200
    return response.json()["results"]


def test_the_nomination_form_renders_no_cadre_until_one_is_chosen(world):
    case = to_recommendation(world)
    html = str(NominateForm(case=case)["cadre"])
    assert all(c.name not in html for c in world.cadres) and "data-picker-url" in html
    chosen = world.cadres[1]
    bound = NominateForm({"cadre": str(chosen.pk), "vacancy": ""}, case=case)
    assert not bound.is_valid()  # no vacancy: the form is shown again with the chosen cadre kept
    html = str(bound["cadre"])
    assert f'value="{chosen.pk}" selected' in html and "林静（待遇保障科）" in html
    assert world.cadres[0].name not in html


def test_the_queryset_still_refuses_a_cadre_of_another_organization(world, other_org):
    case = to_recommendation(world)
    stranger = CadreFactory(organization=other_org, name="外单位干部")
    form = NominateForm({"cadre": str(stranger.pk), "vacancy": str(case.vacancies.get().pk)}, case=case)
    assert not form.is_valid() and "cadre" in form.errors
    assert "外单位干部" not in str(form["cadre"])  # not even echoed back


def test_a_bogus_id_is_refused_with_a_message_not_a_500(world):
    case = to_recommendation(world)
    form = NominateForm({"cadre": "1 OR 1=1", "vacancy": ""}, case=case)
    assert not form.is_valid() and form.errors["cadre"]
    assert "option" in str(form["cadre"])  # renders (the empty choice only)


def test_the_kinship_form_and_the_inspection_team_render_only_their_chosen_people(world):
    kinship = KinshipForm(cadre=world.cadres[0])
    assert all(c.name not in str(kinship["other"]) for c in world.cadres)
    case = to_recommendation(world)
    candidate = Candidate.objects.select_related("case").filter(case=case).first()
    team = InspectionForm(candidate=candidate, may_assign_team=True)
    assert all(u.get_full_name() not in str(team["team"]) for u in world.team)
    bound = InspectionForm({"team": [str(world.team[0].pk)]}, candidate=candidate, may_assign_team=True)
    html = str(bound["team"])
    assert "考察员甲" in html and "考察员乙" not in html and "multiple" in html


def test_cadre_search_by_name_prefix_contains_and_id_number_prefix(client, org, hr, world):
    client.force_login(hr)
    assert [r["text"] for r in _results(client, "cadres", "林")] == ["林静（待遇保障科）"]
    CadreFactory(organization=org, name="小林峰")
    # prefix matches first, then names containing the text
    texts = [r["text"] for r in _results(client, "cadres", "林静")]
    assert texts == ["林静（待遇保障科）"]
    assert [r["text"] for r in _results(client, "cadres", "林峰")] == ["小林峰"]
    chen = world.cadres[0]
    by_id = _results(client, "cadres", chen.id_number[:12])
    assert [r["value"] for r in by_id] == [chen.pk]
    assert by_id[0]["hint"].startswith(chen.id_number[:6]) and chen.id_number not in str(by_id)


def test_cadre_search_stays_inside_the_organization_and_skips_inactive_cadres(client, org, hr, other_org):
    CadreFactory(organization=org, name="王在职")
    CadreFactory(organization=org, name="王离职", is_active=False)
    CadreFactory(organization=other_org, name="王外单位")
    CadreFactory(organization=OrganizationFactory(name="县医保中心", parent=org), name="王下属")
    client.force_login(hr)
    assert sorted(r["text"] for r in _results(client, "cadres", "王")) == ["王下属", "王在职"]


def test_cadre_search_returns_at_most_twenty(client, org, hr):
    for index in range(LIMIT + 5):
        CadreFactory(organization=org, name=f"张{index:02d}", birth_date=date(1980, 1, 1 + index % 28))
    client.force_login(hr)
    results = _results(client, "cadres", "张")
    assert len(results) == LIMIT and results[0]["text"] == "张00"


def test_user_search_for_the_team_and_invitations(client, org, hr, world, other_org):
    UserFactory(username="other", full_name="考察员丙", organization=other_org, roles=[Role.HR])
    client.force_login(hr)
    assert [r["text"] for r in _results(client, "users", "考察员")] == ["考察员乙", "考察员甲"]  # by name
    assert [r["text"] for r in _results(client, "users", "team2")] == ["考察员乙"]


def test_who_may_search(client, hr, member, staff):
    client.force_login(staff)
    assert client.get(reverse("picker", args=["cadres"]), {"q": "王"}).status_code == 403
    client.force_login(member)  # reads the registry, does not assign teams
    assert client.get(reverse("picker", args=["cadres"]), {"q": "王"}).status_code == 200
    assert client.get(reverse("picker", args=["users"]), {"q": "王"}).status_code == 403
    client.force_login(hr)
    assert client.get(reverse("picker", args=["nothing"]), {"q": "王"}).status_code == 404
    assert _results(client, "cadres", "") == []


def test_the_search_costs_the_same_queries_for_few_and_many_cadres(
    client, org, hr, django_assert_max_num_queries
):
    client.force_login(hr)
    for count in (1, 30):
        for index in range(count):
            CadreFactory(organization=org, name=f"李{count}{index}")
        # session, user, its two OTP device lookups, its groups (roles), the matches with their departments,
        # the idle-timeout session save (savepoint, update, release)
        with django_assert_max_num_queries(9):
            assert _results(client, "cadres", "李")


def test_the_case_page_at_recommendation_lists_no_cadres(client, org, hr, world):
    """The 提名 select used to render every cadre (98,000 options at province scale)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = to_recommendation(world)
    client.force_login(hr)
    client.get(case.get_absolute_url())  # the first page after signing in also renews the session
    with CaptureQueriesContext(connection) as few:
        client.get(case.get_absolute_url())
    for index in range(40):
        CadreFactory(organization=org, name=f"未提名{index}")
    with CaptureQueriesContext(connection) as many:
        html = client.get(case.get_absolute_url()).content.decode()
    assert "未提名" not in html and reverse("picker", args=["cadres"]) in html
    assert len(many) == len(few)


def test_invitation_search_offers_the_accounts_the_ballot_box_may_invite(client, org, hr, world, other_org):
    from selection.models import BallotBox
    from selection.services import voting

    from .workflow import TODAY

    case = to_recommendation(world)
    box = voting.create_ballot_box(
        case, by=hr, kind=BallotBox.Kind.RECOMMENDATION, title="会议推荐", held_on=TODAY
    )
    UserFactory(username="far", full_name="考察员丙", organization=other_org, roles=[Role.HR])
    client.force_login(hr)
    url = reverse("picker", args=["invitees"])
    texts = [r["text"] for r in client.get(url, {"q": "考察员", "box": box.pk}).json()["results"]]
    assert texts == ["考察员乙", "考察员甲"]  # not the other organization's account
    assert client.get(url, {"q": "考察员", "box": "x"}).status_code == 404
    client.force_login(UserFactory(username="hr2", organization=other_org, roles=[Role.HR]))
    assert client.get(url, {"q": "考察员", "box": box.pk}).status_code == 404
