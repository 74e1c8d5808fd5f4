"""Background work for the record (Django Tasks; run daily by the worker's scheduler or cron through
`manage.py sign_record_heads`)."""

from django.tasks import task

from selection import integrity


@task
def sign_and_verify_records() -> dict:
    """Daily: sign each case head that changed and store each case's verification (selection/integrity.py)."""
    total, broken, signed = integrity.daily()
    return {"verified": total, "broken": broken, "signed": signed}
