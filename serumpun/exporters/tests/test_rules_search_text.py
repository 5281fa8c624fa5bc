"""The product text the catalogue's full-text index covers."""

from __future__ import annotations

from serumpun.exporters.rules.search_text import build, normalise


def test_it_is_lower_case_and_accent_free():
    assert normalise("Café  KOPI—Lampung!") == "cafe kopi lampung"


def test_it_joins_every_language_and_the_hs_code_with_its_heading_and_chapter():
    text = build(
        names=["Kopi Robusta", "Robusta Coffee", ""],
        descriptions=["Biji kopi", "", "Kopi mentah"],
        hs_code="090111",
        hs_description="Coffee, not roasted",
        extra=["kopi hijau"],
    )
    assert text == (
        "kopi robusta robusta coffee biji kopi kopi mentah 090111 0901 09 "
        "coffee not roasted kopi hijau"
    )


def test_it_accepts_a_product_without_an_hs_code():
    assert build(names=["Tapis"]) == "tapis"
