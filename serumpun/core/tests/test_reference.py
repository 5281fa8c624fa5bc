"""Reference data: what the loaders put in the database, idempotence, and HS search."""

from __future__ import annotations

import csv
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from serumpun.core import reference
from serumpun.core.models import (
    Country,
    Currency,
    District,
    HSCode,
    Occupation,
    Port,
    Province,
    ReferenceDataset,
    Regency,
    Subdivision,
)
from serumpun.core.reference import (
    DATA_DIR,
    Dataset,
    hs_queryset,
    hs_search_text,
    load_all,
    load_dataset,
    normalise,
    regency_name_and_kind,
    search_hs,
    title_name,
)

LAMPUNG_CODES = [f"18{n:02d}" for n in range(1, 14)] + ["1871", "1872"]


def codes(results: list[HSCode]) -> list[str]:
    return [hs.code for hs in results]


# --- Pure helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "name", "kind"),
    [
        ("KABUPATEN LAMPUNG BARAT", "Lampung Barat", "kabupaten"),
        ("KOTA BANDAR LAMPUNG", "Kota Bandar Lampung", "kota"),
        ("KOTA B A T A M", "Kota Batam", "kota"),
        ("KABUPATEN PANGKAJENE DAN KEPULAUAN", "Pangkajene dan Kepulauan", "kabupaten"),
        ("KABUPATEN TOJO UNA-UNA", "Tojo Una-Una", "kabupaten"),
    ],
)
def test_it_names_regencies_by_the_documented_convention(raw, name, kind):
    assert regency_name_and_kind(raw) == (name, kind)


def test_it_rejects_a_regency_name_without_kind_prefix():
    with pytest.raises(ValueError, match="prefix"):
        regency_name_and_kind("LAMPUNG BARAT")


def test_it_keeps_province_acronyms_upper_case():
    assert title_name("DKI JAKARTA") == "DKI Jakarta"
    assert title_name("DI YOGYAKARTA") == "DI Yogyakarta"


@given(st.text(max_size=60))
def test_normalised_text_is_plain_and_stable(text):
    once = normalise(text)
    assert normalise(once) == once
    assert set(once) <= set("abcdefghijklmnopqrstuvwxyz0123456789 ")
    assert "  " not in once
    assert once == once.strip()


def test_normalise_strips_accents_and_punctuation():
    assert normalise("Kópi,  Lampung-Barat!") == "kopi lampung barat"


def test_every_code_in_names_id_exists_as_a_six_digit_hs_code_in_the_file():
    with (DATA_DIR / "hs/harmonized-system.csv").open(encoding="utf-8") as handle:
        subheadings = {
            row["hscode"] for row in csv.DictReader(handle) if len(row["hscode"]) == 6
        }
    with (DATA_DIR / "hs/names-id.csv").open(encoding="utf-8") as handle:
        named = [row["hs_code"] for row in csv.DictReader(handle)]
    assert named
    assert set(named) <= subheadings, set(named) - subheadings


# --- Loaded data (loaded by post_migrate into the test database) ---------------------------


@pytest.mark.django_db
def test_lampung_has_its_fifteen_regencies_with_capitals_and_coordinates():
    lampung = Regency.objects.filter(province_id="18").order_by("code")
    assert list(lampung.values_list("code", flat=True)) == LAMPUNG_CODES
    for regency in lampung:
        assert regency.capital
        assert regency.lat is not None
        assert regency.lon is not None
        assert regency.road_km_to_panjang is not None
        assert -6.0 < regency.lat < -3.5
        assert 103.5 < regency.lon < 106.0
        assert regency.road_km_to_panjang > 0
    assert Regency.objects.get(code="1801").name == "Lampung Barat"
    assert Regency.objects.get(code="1871").name == "Kota Bandar Lampung"
    assert Regency.objects.get(code="1871").kind == Regency.Kind.CITY
    assert Regency.objects.get(code="1805").capital == "Gunung Sugih"


@pytest.mark.django_db
def test_it_loads_the_indonesian_regions():
    assert Province.objects.count() == 34
    assert Province.objects.get(code="18").name == "Lampung"
    assert Regency.objects.count() == 514
    assert Regency.objects.filter(capital="").count() == 514 - 15
    assert District.objects.filter(regency__province_id="18").count() == 228
    assert District.objects.get(code="1801040").name == "Balik Bukit"


@pytest.mark.django_db
def test_it_loads_countries_currencies_and_malaysian_states():
    assert Country.objects.get(alpha2="MY").alpha3 == "MYS"
    assert Country.objects.get(alpha2="ID").numeric == "360"
    assert Country.objects.count() >= 249
    assert Currency.objects.get(code="MYR").numeric == "458"
    assert Currency.objects.filter(code__in=["IDR", "USD", "SGD"]).count() == 3
    malaysia = Subdivision.objects.filter(country_id="MY")
    assert malaysia.count() == 16
    assert malaysia.filter(kind="state").count() == 13
    assert set(
        malaysia.filter(kind="federal territory").values_list("code", flat=True)
    ) == {"MY-14", "MY-15", "MY-16"}
    assert malaysia.get(code="MY-10").name == "Selangor"


@pytest.mark.django_db
def test_it_loads_hs_chapters_headings_and_subheadings_only():
    assert HSCode.objects.filter(level=2).count() == 97
    assert HSCode.objects.filter(level=4).count() == 1229
    assert 5_500 < HSCode.objects.filter(level=6).count() < 5_700
    assert not HSCode.objects.exclude(level__in=[2, 4, 6]).exists()
    coffee = HSCode.objects.get(code="090111")
    assert coffee.parent_id == "0901"
    assert HSCode.objects.get(code="0901").parent_id == "09"
    assert coffee.section == "II"
    assert "kopi" in coffee.name_id
    # The file's statistical "not specified according to kind" code is not a subheading.
    assert not HSCode.objects.filter(code="999999").exists()


@pytest.mark.django_db
def test_stored_search_text_is_what_a_rebuild_from_the_fields_gives():
    # serumpun.core.tasks.rebuild_hs_search_text recomputes it from these three fields.
    for code, description, name_id, search_text in HSCode.objects.values_list(
        "code", "description", "name_id", "search_text"
    ):
        assert search_text == hs_search_text(code, description, name_id)


@pytest.mark.django_db
def test_trade_names_fit_the_name_field_and_include_malay():
    longest = max(
        len(name) for name in HSCode.objects.values_list("name_id", flat=True)
    )
    assert longest <= (HSCode._meta.get_field("name_id").max_length or 0)
    assert "ketam" in HSCode.objects.get(code="030614").name_id.split(", ")


@pytest.mark.django_db
def test_every_hs_code_has_a_parent_of_the_level_above():
    for level in (4, 6):
        assert not HSCode.objects.filter(level=level, parent__isnull=True).exists()
        assert (
            not HSCode.objects.filter(level=level)
            .exclude(parent__level=level - 2)
            .exists()
        )


@pytest.mark.django_db
def test_every_named_hs_code_is_a_loaded_subheading():
    with (DATA_DIR / "hs/names-id.csv").open(encoding="utf-8") as handle:
        named = {row["hs_code"] for row in csv.DictReader(handle)}
    loaded = set(
        HSCode.objects.filter(code__in=named, level=6).values_list("code", flat=True)
    )
    assert loaded == named


@pytest.mark.django_db
def test_it_loads_our_port_table_with_panjang_aliases():
    panjang = Port.objects.get(locode="IDPJG", kind=Port.Kind.SEAPORT)
    assert panjang.aliases == ["IDPNJ"]
    assert panjang.confidence == "low"
    assert (
        Port.objects.get(kind="seaport", name__startswith="Bakauheni").international
        is False
    )
    assert Port.objects.get(locode="IDTKG").iata == "TKG"
    assert {p.kind for p in Port.objects.filter(locode="MYPEN")} == {
        "seaport",
        "airport",
    }
    assert Port.objects.filter(kind="airport").count() == 4
    assert Port.objects.filter(kind="seaport").count() == 10


@pytest.mark.django_db
def test_it_loads_occupations_for_every_sector():
    assert Occupation.objects.count() == 34
    assert set(Occupation.objects.values_list("sector", flat=True)) == {
        "plantation",
        "agriculture",
        "manufacturing",
        "construction",
        "services",
        "mining",
        "domestic",
    }
    spa = Occupation.objects.get(isco_code="3255")
    assert spa.sector == "services"
    assert spa.title_en == "Physiotherapy technicians and assistants"
    assert spa.title_id and spa.title_ms


# --- Idempotence ----------------------------------------------------------------------------


def _snapshot() -> dict[str, object]:
    return {
        "counts": [
            model.objects.count()
            for model in (Country, Currency, Subdivision, Province, Regency)
        ],
        "more_counts": [
            model.objects.count() for model in (District, HSCode, Port, Occupation)
        ],
        "hs": list(HSCode.objects.values_list("code", "name_id", "search_text")),
        "ports": list(Port.objects.values_list("locode", "kind", "lat", "aliases")),
        "regencies": list(Regency.objects.values_list("code", "name", "lat")),
    }


@pytest.mark.django_db
def test_loading_again_skips_unchanged_datasets_and_changes_nothing():
    before = _snapshot()
    assert set(load_all().values()) == {0}
    assert _snapshot() == before


@pytest.mark.django_db
def test_forced_reload_writes_every_row_and_changes_nothing():
    before = _snapshot()
    counts = load_all(force=True)
    assert counts["hs"] == HSCode.objects.count()
    assert counts["regencies"] == 514
    assert _snapshot() == before


@pytest.mark.django_db
def test_it_records_each_dataset_with_checksum_rows_and_source():
    recorded = {ds.name: ds for ds in ReferenceDataset.objects.all()}
    assert set(recorded) == {dataset.name for dataset in reference.all_datasets()}
    assert recorded["provinces"].rows == 34
    assert len(recorded["hs"].checksum) == 64
    assert "harmonized-system.csv" in recorded["hs"].source


@pytest.mark.django_db
def test_a_changed_source_file_is_loaded_again(tmp_path):
    source = tmp_path / "fake.csv"
    source.write_text("a\n")
    calls: list[str] = []

    def fake_loader(using: str) -> int:
        calls.append(using)
        return 1

    dataset = Dataset("fake", (source,), fake_loader, "test")
    assert load_dataset(dataset) == 1
    assert load_dataset(dataset) is None
    source.write_text("b\n")
    assert load_dataset(dataset) == 1
    assert load_dataset(dataset, force=True) == 1
    assert len(calls) == 3


@pytest.mark.django_db
def test_command_prints_a_summary_per_dataset():
    out = StringIO()
    call_command("load_reference", stdout=out)
    text = out.getvalue()
    for dataset in reference.all_datasets():
        assert dataset.name in text
    assert "unchanged" in text
    out = StringIO()
    call_command("load_reference", "--force", stdout=out)
    assert "loaded 514 rows" in out.getvalue()


@pytest.mark.django_db
def test_reference_data_comes_back_after_a_flush():
    call_command("flush", "--noinput", verbosity=0)
    assert Regency.objects.filter(province_id="18").count() == 15
    assert HSCode.objects.filter(code="090111").exists()


# --- HS search ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kopi", "090111"),
        ("coffee", "090111"),
        ("lada", "090411"),
        ("keripik pisang", "200899"),
        ("singkong", "071410"),
        ("tapioka", "110814"),
        ("udang", "030617"),
        ("rajungan", "030614"),
        ("kakao", "180100"),
        ("madu", "040900"),
        ("gula aren", "170290"),
        ("gula kelapa", "170290"),
        ("kain tapis", "581091"),
        ("Kópi", "090111"),
        ("kerepek pisang", "200899"),
        ("ketam", "030614"),
        ("0901.11", "090111"),
    ],
)
def test_search_finds_lampung_commodities_first(query, expected):
    assert codes(search_hs(query, 5))[0] == expected


@pytest.mark.django_db
def test_search_by_word_finds_both_indonesian_and_english_names_of_coffee():
    for query in ("kopi", "coffee"):
        found = codes(search_hs(query, 4))
        assert all(code.startswith(("0901", "2101")) for code in found), found
        assert "090121" in codes(search_hs(query, 10))


@pytest.mark.django_db
def test_search_for_lada_returns_pepper_subheadings():
    found = codes(search_hs("lada", 10, levels=(6,)))
    assert found[:2] == ["090411", "090412"]
    assert all(code.startswith("0904") for code in found)


@pytest.mark.django_db
def test_search_by_digits_is_a_code_prefix_with_subheadings_first():
    found = codes(search_hs("090", 100))
    assert found
    assert all(code.startswith("090") for code in found)
    levels = [len(code) for code in found]
    assert levels == sorted(levels, reverse=True)
    assert "0901" in found


@pytest.mark.django_db
def test_every_word_must_match():
    found = search_hs("cocoa powder", 20)
    assert codes(found)[:2] == ["180500", "180610"]
    for hs in found:
        assert {"cocoa", "powder"} <= set(hs.search_text.split())
    assert search_hs("coffee submarine", 10) == []


@pytest.mark.django_db
def test_words_match_at_word_starts_not_inside_words():
    # "lada" is inside "salad"/"marmalade"-like words; only the pepper names should match.
    found = codes(search_hs("lada", 50))
    assert set(found) == {"090411", "090412"}


@pytest.mark.django_db
def test_search_tolerates_a_typo_when_nothing_matches_exactly():
    assert codes(search_hs("kopii", 5))[0] == "090111"
    assert search_hs("xqzvwk", 5) == []


@pytest.mark.django_db
def test_search_without_fuzzy_returns_nothing_for_a_typo():
    assert not hs_queryset("kopii", fuzzy=False).exists()


@pytest.mark.django_db
def test_empty_query_lists_subheadings_by_code():
    found = codes(list(hs_queryset("", levels=(6,))[:3]))
    assert found == ["010121", "010129", "010130"]
