"""Character n-gram TF-IDF similarity (rules/text.py): what it gives and what it does not."""

from __future__ import annotations

import pytest

from serumpun.trade.rules.text import build_index, normalise, similarity


def test_malay_spelling_of_an_indonesian_name_is_close() -> None:
    assert similarity("kerepek pisang", "keripik pisang") > 0.5


def test_translations_without_shared_letters_score_zero() -> None:
    # n-grams do not translate: that is why a product's text joins its id/en/ms names.
    assert similarity("banana chips", "keripik pisang") == 0.0


def test_a_product_with_its_english_name_meets_an_english_request() -> None:
    product = "Keripik pisang Banana chips Kerepek pisang"
    assert similarity("banana chips halal", product) > similarity(
        "robusta coffee beans", product
    )


@pytest.mark.parametrize(
    ("query", "near", "far"),
    [
        ("kopi robusta", "robusta coffee", "keripik pisang"),
        ("lada hitam", "lada hitam Lampung", "kopi robusta"),
        ("Café robusta", "cafe robusta", "keripik pisang"),
    ],
)
def test_closer_text_scores_higher(query: str, near: str, far: str) -> None:
    index = build_index([near, far])
    scores = index.similarity(query)
    assert scores[0] > scores[1]


def test_identical_texts_share_one_row_and_score_one() -> None:
    index = build_index(["kopi robusta", "kopi robusta", "lada"])
    assert index.matrix.shape[0] == 2
    assert index.similarity("kopi robusta").tolist()[:2] == pytest.approx([1.0, 1.0])


def test_normalise_strips_accents_and_punctuation() -> None:
    assert normalise("Café—Kopi, 100%!") == "cafe kopi 100"
