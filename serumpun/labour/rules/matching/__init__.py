"""Job-seeker matching: hard gates first, then a weighted score (research/labour.md §4).

Pure and vectorised: numpy/scipy over a struct-of-arrays seeker matrix, no Django, no
database, no clock. Scores for every seeker are computed with array operations; Python
loops run only over the few rows that are explained (the top ``limit``) and over the
orders of a batch. `score_matrix` applies the gates first and scores only the pairs that
pass them.

Modules: `data` (inputs, outputs, weights), `vectorised` (dense evaluation of a batch of
orders), `ranking` (`rank_candidates`, `matches_for_seeker`), `edges` (`score_matrix`).

How a caller uses it (labour tasks build the inputs from the database):

1. Build a `Vocabulary`: the code tables that give every matrix column and index its
   meaning (skills, certificate schemes, occupation groups, languages, sectors, regencies,
   document stages). Codes are stable strings (skill codes, scheme codes, ISCO-08 group
   codes such as ``"81"`` or ``"816"``, ISO 639-1 language codes, API sector names, BPS
   regency codes).
2. Build a `SeekerMatrix`, one row per job seeker, evaluated by the caller on ``as_of``:
   ``age`` in whole years on ``as_of``; a ``certs`` column is 1 only for a certificate
   valid on ``as_of``; ``doc_stage`` indexes ``Vocabulary.doc_stages`` (the caller maps the
   document checklist to the last stage completed in order); ``regency`` indexes
   ``Vocabulary.regencies`` with -1 for unknown. Keep it in memory and rebuild it in a task.
3. Describe each job order as `JobRequirements` (codes, not database ids). Pass
   ``gender="any"`` unless a rule in force allows a gender restriction for the sector.
4. ``weights = load_weights(yaml.safe_load(Path("data/labour/matching.yaml").read_text()))``.
5. Call `rank_candidates` (one order → best seekers), `matches_for_seeker` (one seeker →
   orders) or `score_matrix` (many orders → sparse seekers × orders matrix of eligible
   pairs, the input of `serumpun.labour.rules.allocation.allocate`).

Hard gates (all must pass; a failure makes ``eligible`` false): not already placed, age in
the order's window, gender (only when the order is not ``"any"``), the seeker's preferred
sectors include the order's sector (no stated preference = any), document stage, every
required certificate held, competence certificate level (KKNI), and years of experience in
the order's occupation group.

Score in 0..1 = weighted mean of the components that apply to the order (weights in
``data/labour/matching.yaml``; a component an order does not use — no required skills, no
language needs, no distance table — drops out and the others are renormalised):

- ``skill``: Σ requirement weight × seeker skill level (0..1) / Σ requirement weights.
- ``experience``: min(years / saturation, 1); years = years in the order's occupation group
  + ``related_experience_factor`` × years in other groups of the same ISCO sub-major group.
- ``cert_level``: min(KKNI level / max(saturation, order's minimum), 1).
- ``language``: mean over the order's language needs of min(level / needed level, 1).
- ``distance``: 1 - min(km / cap, 1); unknown distance scores ``unknown_distance_score``.

Reasons are stable codes with parameters for the caller to translate. Gate failures come
first, then one reason per score component that applies:

=========================  ==========================================  ==============
code                       params                                      kind
=========================  ==========================================  ==============
``already_placed``         –                                           gate
``age_outside_window``     ``age``, ``min``, ``max``                   gate
``gender_restricted``      ``required`` ("female" or "male")           gate
``sector_not_preferred``   ``sector``                                  gate
``documents_incomplete``   ``stage``, ``required`` (stage codes)       gate
``certificate_missing``    ``missing``, ``required`` (counts)          gate
``cert_level_below``       ``level``, ``required``                     gate
``experience_below``       ``years``, ``required``                     gate
``skill_overlap``          ``matched``, ``required`` (counts)          score
``experience``             ``years``, ``occupation`` (group code)      score
``cert_level``             ``level``                                   score
``language``               ``code``, ``level``, ``required``           score
``distance``               ``km`` (rounded)                            score
``distance_unknown``       –                                           score
=========================  ==========================================  ==============

``missing`` lists what the seeker lacks for this order, as codes only (the caller attaches
titles and training courses): required skills below ``skill_present_level`` (kind
``"skill"``), required certificates not held (``"certificate"``) and the document stages
still to complete (``"document"``, codes from ``Vocabulary.doc_stages``).

Scores are computed in float32 and reported rounded to 4 decimals. Ties rank by seeker id
(ascending), then by job order id.
"""

from serumpun.labour.rules.matching.data import (
    COMPONENTS,
    GENDERS,
    SCORE_DECIMALS,
    THRESHOLDS,
    Candidate,
    JobRequirements,
    Match,
    MatchingWeights,
    Missing,
    Reason,
    SeekerMatrix,
    Vocabulary,
    load_weights,
)
from serumpun.labour.rules.matching.edges import score_matrix
from serumpun.labour.rules.matching.ranking import matches_for_seeker, rank_candidates

__all__ = [
    "COMPONENTS",
    "GENDERS",
    "SCORE_DECIMALS",
    "THRESHOLDS",
    "Candidate",
    "JobRequirements",
    "Match",
    "MatchingWeights",
    "Missing",
    "Reason",
    "SeekerMatrix",
    "Vocabulary",
    "load_weights",
    "matches_for_seeker",
    "rank_candidates",
    "score_matrix",
]
