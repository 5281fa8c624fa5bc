"""The regency map's pure rules: class limits, classes, contrast and the tile layout."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.conf import settings

from serumpun.insights.rules.regency_map import (
    DARK_TEXT,
    NO_DATA_FILL,
    PALETTE,
    Tile,
    build_map,
    class_of,
    contrast_ratio,
    decimals,
    nice_step,
    text_fill,
)

TILES = [
    Tile("1871", "Balam", 1, 0),
    Tile("1872", "Metro", 0, 1),
    Tile("1801", "Lambar", 0, 0),
]
NAMES = {"1871": "Kota Bandar Lampung", "1872": "Kota Metro", "1801": "Lampung Barat"}


@pytest.mark.parametrize(
    ("maximum", "whole", "step"),
    [
        (0, True, 1),
        (3, True, 1),
        (10, True, 2),
        (87, True, 20),
        (101, True, 25),
        (1234, True, 250),
        (48_000_000, True, 10_000_000),
        (0.9, False, 0.2),
        (2.3, False, 0.5),
    ],
)
def test_class_width_is_a_round_number_covering_the_maximum(maximum, whole, step):
    assert nice_step(maximum, whole=whole) == pytest.approx(step)
    assert nice_step(maximum, whole=whole) * 5 >= maximum


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 0), (-3, 0), (19, 0), (20, 1), (39.9, 1), (80, 4), (100, 4), (5000, 4)],
)
def test_each_value_falls_in_its_class(value, expected):
    assert class_of(value, 20) == expected


def test_decimals_show_each_class_limit_exactly():
    assert [decimals(s) for s in (20, 1, 0.5, 0.25, 0.2)] == [0, 0, 1, 2, 1]


@pytest.mark.parametrize("fill", [*PALETTE, NO_DATA_FILL])
def test_labels_on_every_fill_meet_the_contrast_minimum(fill):
    assert contrast_ratio(text_fill(fill), fill) >= 4.5


def test_contrast_of_black_on_white_is_21():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert text_fill("#ffffff") == DARK_TEXT


def test_regions_are_shaded_by_class_and_missing_ones_left_blank():
    drawing = build_map({"1871": 87, "1872": 0, "9999": 5000, "*": 87}, TILES, NAMES)
    by_code = {r.code: r for r in drawing.regions}
    assert [r.code for r in drawing.regions] == ["1801", "1871", "1872"]
    assert by_code["1871"].level == 4
    assert by_code["1871"].fill == PALETTE[4]
    assert by_code["1872"].level == 0  # zero is a figure, the lowest class
    assert by_code["1872"].has_value
    assert by_code["1801"].level is None  # no figure at all
    assert by_code["1801"].fill == NO_DATA_FILL
    assert drawing.no_data is not None
    # 9999 and "*" have no tile: they neither appear nor stretch the classes to 5000
    assert [(e.lower, e.upper) for e in drawing.legend] == [
        (0, 19),
        (20, 39),
        (40, 59),
        (60, 79),
        (80, 100),
    ]


def test_whole_number_classes_of_one_show_as_single_numbers():
    drawing = build_map({"1871": 3, "1872": 1, "1801": 2}, TILES, NAMES)
    assert [e.single for e in drawing.legend] == [True, True, True, True, False]
    assert drawing.no_data is None
    assert drawing.places == 0


def test_fractional_values_get_fractional_limits():
    drawing = build_map({"1871": 2.3, "1872": 0.4, "1801": 1.1}, TILES, NAMES)
    assert [e.lower for e in drawing.legend] == pytest.approx([0, 0.5, 1, 1.5, 2])
    assert drawing.places == 1
    assert {r.code: r.level for r in drawing.regions} == {
        "1871": 4,
        "1872": 0,
        "1801": 2,
    }


def test_a_suppressed_figure_is_shown_but_not_shaded():
    drawing = build_map({"1871": "<5", "1872": 12}, TILES, NAMES)
    balam = next(r for r in drawing.regions if r.code == "1871")
    assert balam.value == "<5"
    assert balam.level is None
    assert not drawing.empty


def test_links_follow_the_pattern_and_names_come_from_the_table():
    drawing = build_map({}, TILES, NAMES, "/msmes/?regency={code}")
    assert [r.link for r in drawing.table] == [
        "/msmes/?regency=1871",
        "/msmes/?regency=1872",
        "/msmes/?regency=1801",
    ]
    assert [r.name for r in drawing.table] == [
        "Kota Bandar Lampung",
        "Kota Metro",
        "Lampung Barat",
    ]
    assert drawing.empty
    assert build_map({}, TILES, NAMES).regions[0].link is None


def test_hexagons_do_not_overlap_and_fit_the_drawing():
    drawing = build_map({}, TILES, NAMES)
    centres = {(r.label_x, r.label_y) for r in drawing.regions}
    assert len(centres) == len(TILES)
    for region in drawing.regions:
        points = [
            tuple(float(c) for c in p.strip("MLZ ").split(","))
            for p in region.path.split(" L")
        ]
        assert len(points) == 6
        assert all(
            0 <= x <= drawing.width and 0 <= y <= drawing.height for x, y in points
        )


def _real_tiles():
    with (Path(settings.DATA_DIR) / "insights" / "lampung-hex-tiles.csv").open() as f:
        tiles = {r["regency_code"]: r for r in csv.DictReader(f)}
    with (Path(settings.DATA_DIR) / "wilayah" / "lampung-capitals.csv").open() as f:
        capitals = {r["regency_code"]: r for r in csv.DictReader(f)}
    return tiles, capitals


def test_the_layout_has_every_regency_once_in_its_own_cell():
    tiles, capitals = _real_tiles()
    assert sorted(tiles) == sorted(capitals)
    assert len(tiles) == 15
    cells = {(t["col"], t["row"]) for t in tiles.values()}
    assert len(cells) == 15


def test_the_layout_keeps_the_capitals_west_east_and_north_south_order():
    tiles, capitals = _real_tiles()
    rows: dict[int, list[str]] = {}
    for code, tile in tiles.items():
        rows.setdefault(int(tile["row"]), []).append(code)
    for codes in rows.values():
        by_col = sorted(codes, key=lambda c: int(tiles[c]["col"]))
        by_lon = sorted(codes, key=lambda c: float(capitals[c]["lon"]))
        assert by_col == by_lon
    mean_lat = [
        sum(float(capitals[c]["lat"]) for c in rows[r]) / len(rows[r])
        for r in sorted(rows)
    ]
    assert mean_lat == sorted(mean_lat, reverse=True)  # north (less negative) first
