"""Does the server keep as many POST variables as the configured budget? (PHP's max_input_vars, which truncates.)

One harmless read: ``core_user_get_users_by_field`` with ``budget - 4`` dummy ids and the required ``field`` sent
last. If PHP truncates below the budget, ``field`` is lost and Moodle answers ``invalidparameter``; otherwise the
answer is an empty list. Nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from cooperare.errors import InvalidParameter
from cooperare.moodle.site import SiteInfo
from cooperare.moodle.transport import Transport

PROBE_FUNCTION = "core_user_get_users_by_field"
HEADER_VARS = 3


@dataclass(frozen=True)
class ProbeResult:
    budget: int
    probed: bool
    accepted: bool


def probe_max_input_vars(transport: Transport, site: SiteInfo | None = None) -> ProbeResult:
    budget = transport.var_budget
    if site is not None and PROBE_FUNCTION not in site.functions:
        return ProbeResult(budget, probed=False, accepted=False)
    dummies = max(budget - HEADER_VARS - 1, 1)
    pairs = [(f"values[{i}]", "0") for i in range(dummies)] + [("field", "id")]
    try:
        transport.call_pairs(PROBE_FUNCTION, pairs)
    except InvalidParameter:
        return ProbeResult(budget, probed=True, accepted=False)
    return ProbeResult(budget, probed=True, accepted=True)
