"""The catalogue's facet tokens: the filters a buyer can set, as words of the full-text index.

A product's `catalogue_tokens` hold one token per catalogue fact, so a single full-text lookup
answers the buyer's words and filters together (issue 3 "Performance"):

    zzlisted          the product is active and its MSME verified (in the catalogue)
    zzcerthalal …     a certificate of that kind covers it: valid on `as_of`, not rejected, and
                      either listing the product or listing none (MSME-wide)
    zzreg1801         the MSME's regency or city
    zzhs09 zzhs0901 zzhs090111   its HS chapter, heading and subheading

Only listed products carry tokens, so a filter token implies `zzlisted` and a search with
filters can leave that dense token (two products in three) out of its match: the index then
intersects the sparse lists only.

Every token starts with RESERVED_PREFIX, and words with that prefix are dropped from product
texts (rules/search_text.build) and from queries, so nothing an owner types can pose as a
certificate or a verified listing. Tokens are letters and digits only: the SQLite and
PostgreSQL tokenizers split on anything else ("zzcert_halal" would index "halal").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

RESERVED_PREFIX = "zz"
LISTED = f"{RESERVED_PREFIX}listed"
HS_LEVELS = (2, 4, 6)  # chapter, heading, subheading


@dataclass(frozen=True)
class ProductFacts:
    """What the catalogue filters ask about one product."""

    product_id: int
    active: bool
    msme_verified: bool
    regency_code: str
    hs_code: str


@dataclass(frozen=True)
class CertificateFacts:
    """One certificate of the product's MSME; no product ids = it covers the whole MSME."""

    kind: str
    valid_until: dt.date
    rejected: bool
    product_ids: frozenset[int] = frozenset()

    def covers(self, product_id: int, as_of: dt.date) -> bool:
        """Valid on `as_of` (an expired or rejected certificate counts as absent) and in scope."""
        in_scope = not self.product_ids or product_id in self.product_ids
        return in_scope and not self.rejected and self.valid_until >= as_of


def is_reserved(word: str) -> bool:
    """Whether a (normalised) word belongs to the tokens' namespace."""
    return word.startswith(RESERVED_PREFIX)


def without_reserved(words: Iterable[str]) -> list[str]:
    """The words that cannot be mistaken for a token."""
    return [word for word in words if not is_reserved(word)]


def certificate_token(kind: str) -> str:
    """`zzcerthalal`, `zzcertbpommd`: the kind without its punctuation."""
    return RESERVED_PREFIX + "cert" + "".join(ch for ch in kind.lower() if ch.isalnum())


def regency_token(code: str) -> str:
    """`zzreg1801`."""
    return f"{RESERVED_PREFIX}reg{code}"


def hs_token(code: str) -> str:
    """`zzhs0901`: an HS chapter (2 digits), heading (4) or subheading (6)."""
    return f"{RESERVED_PREFIX}hs{code}"


def tokens_for(
    product: ProductFacts, certificates: Iterable[CertificateFacts], *, as_of: dt.date
) -> str:
    """The product's tokens on `as_of`, space-separated, in a stable order ("" if unlisted)."""
    if not (product.active and product.msme_verified):
        return ""
    tokens = [LISTED]
    kinds = {c.kind for c in certificates if c.covers(product.product_id, as_of)}
    tokens += [certificate_token(kind) for kind in sorted(kinds)]
    if product.regency_code:
        tokens.append(regency_token(product.regency_code))
    code = product.hs_code
    tokens += [hs_token(code[:n]) for n in HS_LEVELS if len(code) >= n]
    return " ".join(tokens)
