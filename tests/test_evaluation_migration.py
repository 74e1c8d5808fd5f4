"""R-ANR-2: migration 0020 moves evaluation ballots stored in the clear onto sealed ballots — an open
evaluation's ballots are sealed under a new key and still count at close; a closed one keeps only its tally."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from selection import sealing
from selection.models.annual import WORK_OPTIONS
from selection.services import annual

BEFORE = [("selection", "0019_merge_20261202_0540")]


def _latest():
    """Every app's newest migration: 0020 and whatever came after it (a test must leave the schema whole)."""
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_r_anr_2_plaintext_evaluation_ballots_are_sealed_by_the_migration():
    old = _migrate(BEFORE)
    try:
        org = old.get_model("selection", "Organization").objects.create(name="迁移测试局")
        user = old.get_model("accounts", "User").objects.create(username="m-hr", organization_id=org.pk)
        report = old.get_model("selection", "AnnualReport").objects.create(
            organization=org, year=2026, created_by_id=user.pk
        )
        Evaluation = old.get_model("selection", "AnnualEvaluation")
        Ballot = old.get_model("selection", "EvaluationBallot")
        common = {
            "report": report,
            "options": [list(o) for o in WORK_OPTIONS],
            "questions": ["总体评价", "风气"],
            "problems": ["任人唯亲"],
        }
        open_one = Evaluation.objects.create(kind="work", phase="open", **common)
        closed_report = old.get_model("selection", "AnnualReport").objects.create(
            organization=org, year=2025, created_by_id=user.pk
        )
        closed = Evaluation.objects.create(
            **{**common, "report": closed_report}, kind="work", phase="closed", tally={"ballots": 1}
        )
        votes = [
            {"answers": {"0": "good", "1": "poor"}, "problems": [0], "suggestion": "公开"},
            {"answers": {"0": "fair_good", "1": "good"}, "problems": [], "suggestion": ""},
        ]
        for i, choices in enumerate(votes):
            Ballot.objects.create(evaluation=open_one, choices=choices, receipt_hash=f"{i:064d}")
        Ballot.objects.create(evaluation=closed, choices=votes[0], receipt_hash="f" * 64)
    finally:
        _migrate(_latest())
    from selection.models import AnnualEvaluation, EvaluationBallot

    blobs = [
        bytes(b)
        for b in EvaluationBallot.objects.filter(evaluation_id=open_one.pk).values_list("sealed", flat=True)
    ]
    assert len({len(b) for b in blobs}) == 1 and not any(b'"answers"' in b for b in blobs)
    assert set(EvaluationBallot.objects.filter(evaluation_id=closed.pk).values_list("sealed", flat=True)) == {
        b""
    }
    # The open evaluation closes as any other: opened in memory, counted, its key destroyed.
    evaluation = annual.close_evaluation(AnnualEvaluation.objects.get(pk=open_one.pk), by=None)
    assert [q["counts"]["good"] for q in evaluation.tally["questions"]] == [1, 1]
    assert evaluation.tally["suggestions"] == ["公开"]
    assert sealing.key_for(f"evaluation:{open_one.pk}").wrapped_private is None
