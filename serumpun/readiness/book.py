"""What the assessment asks of the requirements knowledge base (serumpun.readiness.knowledge).

The knowledge base answers which destination permits a product needs (the importer gate),
which requirements apply (linked from gaps), and its version (stored on every assessment so a
rule change triggers re-assessment). This module is the one place the assessment reads it.
Each applicable requirement is fingerprinted, so a re-assessment can say which rule changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from serumpun.readiness import knowledge


def book_version() -> str:
    """The version of the requirements rules in force."""
    return str(knowledge.requirement_book().version)


def permit_requirement_ids(
    *, hs_code: str, market: str, as_of: dt.date
) -> tuple[str, ...]:
    """Ids of destination permits a Malaysian importer must hold for this product."""
    found = knowledge.permit_requirements(hs_code=hs_code, market=market, as_of=as_of)
    return tuple(str(requirement.id) for requirement in found)


def _fingerprint(requirement: Any) -> str:
    return hashlib.sha256(repr(requirement).encode()).hexdigest()[:12]


def applicable_fingerprints(
    *, hs_code: str, market: str, processed: bool, halal_claim: bool, as_of: dt.date
) -> dict[str, str]:
    """Requirement id → fingerprint of every requirement that applies to this product."""
    found = knowledge.requirements_for(
        hs_code=hs_code,
        market=market,
        claims=("halal",) if halal_claim else (),
        processed=processed,
        as_of=as_of,
    )
    return {str(item.requirement.id): _fingerprint(item.requirement) for item in found}


def rule_changes(
    old: Mapping[str, str], new: Mapping[str, str]
) -> list[dict[str, str]]:
    """Which requirements were added, removed or changed between two fingerprint maps."""
    changes = [
        {"rule_id": rule_id, "change": "added"}
        for rule_id in sorted(set(new) - set(old))
    ]
    changes += [
        {"rule_id": rule_id, "change": "removed"}
        for rule_id in sorted(set(old) - set(new))
    ]
    changes += [
        {"rule_id": rule_id, "change": "changed"}
        for rule_id in sorted(set(old) & set(new))
        if old[rule_id] != new[rule_id]
    ]
    return changes


def requirement_agency(requirement_id: str) -> str | None:
    """The agency the knowledge base names for this requirement, if it knows it."""
    found = knowledge.requirement_book().get(requirement_id)
    return None if found is None else str(found.agency)
