"""一报告两评议 (R-ANR-1..4, R-REQ-3): the yearly report's numbers, its text, and the two evaluations.

One module per part: report (the numbers and HR's text, R-ANR-1), evaluations (invitations, slips,
secret ballots and tallies, R-ANR-2/3), results (R-ANR-4 and the year-on-year comparison). Callers use
the package: `from selection.services import annual`.
"""

from .evaluations import (
    ALREADY,
    BAD_CODE,
    MAX_SLIPS,
    NOT_OPEN,
    SEALED_BALLOT_FIELDS,
    SUGGESTION_MAX,
    ballot_size,
    ballots_name_voters,
    cast,
    close_evaluation,
    compute_tally,
    evaluation_for_code,
    flagged,
    invite_accounts,
    issue_slips,
    open_evaluation,
    rate,
    record_follow_up,
    validate_choices,
)
from .report import (
    SECTION_MAX,
    SECTIONS,
    Figures,
    closed_cases,
    figures,
    open_report,
    promoted_in,
    refresh_cadres,
    update_sections,
)
from .results import Results, pending_for, results

__all__ = [
    "ALREADY",
    "BAD_CODE",
    "MAX_SLIPS",
    "NOT_OPEN",
    "SEALED_BALLOT_FIELDS",
    "SECTIONS",
    "SECTION_MAX",
    "SUGGESTION_MAX",
    "Figures",
    "Results",
    "ballot_size",
    "ballots_name_voters",
    "cast",
    "close_evaluation",
    "closed_cases",
    "compute_tally",
    "evaluation_for_code",
    "figures",
    "flagged",
    "invite_accounts",
    "issue_slips",
    "open_evaluation",
    "open_report",
    "pending_for",
    "promoted_in",
    "rate",
    "record_follow_up",
    "refresh_cadres",
    "results",
    "update_sections",
    "validate_choices",
]
