"""Property-based hostile input (issue 13): for every form of every URL pattern the permission matrix
knows, Hypothesis fills the form's fields with hostile values and asserts: no 500, a Chinese refusal,
nothing written.

Each page is described once (`TARGETS`, tests/hostile_targets.py): its URL, the persona who may post to it, a valid base the
hostile values spoil (from tests/test_hostile_input.py), its field names (static and per-object ones)
and which of them must refuse any value holding a control character (all but check boxes, which read any
value as "ticked"). Every example replaces one such field with a control-character string — so the post
must be refused — and a random handful of the other fields with hostile values: huge and negative
numbers, 300,000-character text, impossible dates, scripts, paths, other organizations' ids, lists,
uploads whose bytes lie.

Pages are covered in full or listed in `NO_FORM` with the reason (`test_every_posting_page_is_covered`).
Each example runs in a savepoint rolled back after it; examples are bounded (`XUANBA_HYPOTHESIS_EXAMPLES`,
default 3 per page; deadline off) so the suite stays within a few minutes on PostgreSQL and SQLite.
"""

import os

import pytest
from django.contrib.messages import constants, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from .hostile_cases import (
    database_digest,
)
from .hostile_targets import NO_FORM, TARGETS, Target
from .matrix import Sites, shared_sites
from .test_permission_matrix import MATRIX, consume, form_errors

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("XUANBA_HYPOTHESIS_EXAMPLES", "3"))
CONTROL_CHARACTERS = [chr(c) for c in (*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)]
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def sites(django_db_setup, django_db_blocker, tmp_path_factory):
    with shared_sites(django_db_blocker, tmp_path_factory.mktemp("media"), with_voting=True) as built:
        yield built


# ---- hostile values ------------------------------------------------------------------------------------

control_text = st.builds(
    lambda head, control, tail: head + control + tail,
    st.text(max_size=8),
    st.sampled_from(CONTROL_CHARACTERS),
    st.text(max_size=8),
)
numbers = st.sampled_from(
    [
        "-1",
        "-2147483649",
        "2147483648",
        str(10**30),
        "-" + str(10**30),
        "1e309",
        "NaN",
        "0x10",
        "²",
        "١٢",
        "3.5",
    ]
)
texts = st.one_of(
    st.sampled_from(
        [
            "",
            " \t ",
            SCRIPT,
            "../../../etc/passwd",
            "' OR 1=1 --",
            "2026-02-30",
            "2026年13月5日",
            "9999-12-31",
            "0000-00-00",
            "\ufeff",
            "🧨" * 50,
            "987654321",
        ]
    ),
    st.builds(lambda n: "长" * n, st.sampled_from([201, 2001, 100_000, 300_000])),
    st.text(max_size=40),
)


def hostile_value(files: bool):
    if files:
        return st.builds(
            lambda name, body: SimpleUploadedFile(name, b"\x00" + body),
            st.sampled_from(["a.pdf", "a.jpg", "a.png", "a.xlsx", "a.lrmx", "../../x.pdf", f"{SCRIPT}.pdf"]),
            st.binary(max_size=64),
        )
    return st.one_of(numbers, texts, control_text, st.lists(st.one_of(numbers, texts), max_size=3))


def other_ids(sites: Sites) -> st.SearchStrategy:
    """Ids of the other organization's objects, the most likely to slip through a queryset."""
    theirs = sites.theirs
    return st.sampled_from(
        [
            str(theirs.cadre.pk),
            str(theirs.candidate.pk),
            str(sites.users["outsider"].pk),
            str(theirs.world.org.pk),
        ]
    )


@st.composite
def hostile_posts(draw, target: Target, sites: Sites) -> dict:
    names = list(target.names(sites))
    refusing = target.refusing(sites)
    data = {"csrfmiddlewaretoken": "hostile", **target.base(sites)}
    spoiled = draw(st.sets(st.sampled_from(names), max_size=min(3, len(names))))
    for name in spoiled:
        files = name in target.files
        data[name] = draw(
            st.one_of(hostile_value(files), other_ids(sites)) if not files else hostile_value(True)
        )
    must_refuse = draw(st.sampled_from(refusing))
    data[must_refuse] = draw(hostile_value(True)) if must_refuse in target.files else draw(control_text)
    return data


# ---- the property --------------------------------------------------------------------------------------


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
def test_hostile_values_are_refused_in_chinese_and_change_nothing(db, sites, target):
    client = Client()
    user = sites.users[target.persona]
    if user is not None:
        client.force_login(user)  # before the digest: signing in stamps last_login and the access log
    url = reverse(target.page, kwargs=target.kwargs(sites))
    # A valid base may create what it names on first use (case_new's free post, via get_or_create):
    # build it once before the snapshot, so only the view's writes count as changes.
    target.base(sites)
    before = database_digest()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure prints its input as it is
        derandomize=True,  # the same examples on every run and machine (CI stays reproducible)
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=hostile_posts(target, sites))
    def check(data):
        with transaction.atomic():
            response = client.post(url, data)  # an exception in the view fails the test here
            consume(response)
            changed = sorted(k for k, v in database_digest().items() if before.get(k) != v)
            assert changed == [], f"{data!r} changed {changed}"
            assert response.status_code in (200, 302), response.status_code
            refusals = [str(m) for m in get_messages(response.wsgi_request) if m.level >= constants.WARNING]
            errors = form_errors(response) if response.status_code == 200 else []
            shown = response.content.decode(errors="replace")
            if response.status_code == 302:
                follow = client.get(response["Location"])
                consume(follow)
                assert follow.status_code == 200, response["Location"]
                shown = follow.content.decode(errors="replace")
                refusals += [
                    str(m) for m in get_messages(follow.wsgi_request) if m.level >= constants.WARNING
                ]
            marker = [target.marker] if target.marker and target.marker in shown else []
            feedback = refusals + errors + marker
            assert feedback, f"refused without a reason: {data!r}"
            assert all(_has_cjk(text) for text in feedback), feedback
            assert SCRIPT not in shown
            transaction.set_rollback(True)

    check()


def test_every_posting_page_is_covered():
    """A page that accepts a POST for someone is either fuzzed here or listed with its reason."""
    posting = {
        name for name, page in MATRIX.items() if any(status in ("200", "302") for status in page.post.split())
    }
    covered = {t.page for t in TARGETS} | NO_FORM.keys()
    assert sorted(posting - covered) == []
    assert sorted(covered - MATRIX.keys()) == []
