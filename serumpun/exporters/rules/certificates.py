"""Certificate status as of a day: valid, expiring (renew soon) or expired.

An expired certificate counts as absent everywhere (issue 3 §3). The expiring window comes
from data/exporters/certificates.yaml.
"""

from __future__ import annotations

import datetime as dt

VALID = "valid"
EXPIRING = "expiring"
EXPIRED = "expired"


def days_left(valid_until: dt.date, as_of: dt.date) -> int:
    """Whole days from `as_of` to the last valid day (0 on that day, negative after it)."""
    return (valid_until - as_of).days


def status(valid_until: dt.date, as_of: dt.date, expiring_days: int) -> str:
    """ "expired" after `valid_until`, "expiring" with fewer than `expiring_days` days left."""
    left = days_left(valid_until, as_of)
    if left < 0:
        return EXPIRED
    if left < expiring_days:
        return EXPIRING
    return VALID
