"""Helpers of the pure-rules tests: pick the findings of one rule."""

from selection.rules import Finding, Level


def levels(findings: list[Finding], rule: str) -> list[Level]:
    return [f.level for f in findings if f.rule == rule]


def only(findings: list[Finding], rule: str) -> Finding:
    matching = [f for f in findings if f.rule == rule]
    assert len(matching) == 1, matching
    return matching[0]
