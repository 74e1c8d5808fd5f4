from django.db import migrations, models


def seal_plaintext_evaluation_ballots(apps, schema_editor):
    """Evaluation ballots stored in the clear before they were sealed: a closed evaluation already holds
    its tally, so its ballots keep nothing (the column goes below); an open one gets its key and each
    ballot is sealed at the evaluation's fixed length, to be opened at close like every other ballot."""
    from nacl.public import PrivateKey

    from selection import sealing
    from selection.services.annual import ballot_size

    AnnualEvaluation = apps.get_model("selection", "AnnualEvaluation")
    EvaluationBallot = apps.get_model("selection", "EvaluationBallot")
    SealingKey = apps.get_model("selection", "SealingKey")

    for evaluation in AnnualEvaluation.objects.filter(phase="open"):
        scope = f"evaluation:{evaluation.pk}"
        key = SealingKey.objects.filter(scope=scope).first()
        if key is None:
            private = PrivateKey.generate()
            key = SealingKey.objects.create(
                scope=scope,
                public_key=bytes(private.public_key),
                wrapped_private=sealing._keks().encrypt(bytes(private)),
            )
        size = ballot_size(evaluation)
        ballots = list(EvaluationBallot.objects.filter(evaluation=evaluation))
        for ballot in ballots:
            ballot.sealed = sealing.seal(key, ballot.choices, size)
        EvaluationBallot.objects.bulk_update(ballots, ["sealed"])


class Migration(migrations.Migration):
    dependencies = [
        ("selection", "0019_merge_20261202_0540"),
    ]

    operations = [
        migrations.AddField(
            model_name="evaluationballot",
            name="sealed",
            field=models.BinaryField(default=b"", verbose_name="密封选票"),
        ),
        migrations.RunPython(seal_plaintext_evaluation_ballots, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="evaluationballot",
            name="choices",
        ),
    ]
