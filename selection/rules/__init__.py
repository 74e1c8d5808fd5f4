"""The rules of RULES.md as pure functions: facts in, Findings out (STYLE.md "Rules are data you can read").

No ORM, no database, no clock: the service layer gathers the facts (today's date included) into the small
frozen dataclasses below and acts on the findings — it refuses on a BLOCK and demands a recorded
justification for each WARN. Every function returns a Finding for every rule it checks, OK included, so
the case page can show the checklist. A RECORD fact that is missing when its gate is reached is a BLOCK.

Vocabularies that the models also store (ranks, education, assessment results, votes, …) are given here
by their stored values, so this module never imports the models; tests pin that the values agree.
Legal arithmetic (RULES.md): 以上/以下/以内/届满 include the number, 超过/不满 exclude it; integers only.
"""

from .base import *  # noqa: F403
from .competitive import *  # noqa: F403
from .decision import *  # noqa: F403
from .eligibility import *  # noqa: F403
from .inspection import *  # noqa: F403
from .oversight import *  # noqa: F403
from .procedure import *  # noqa: F403
