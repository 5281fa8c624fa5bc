"""The {% regency_map %} tag: 15 regions, classes, links, the table, no inline styles."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.template import Context, Template

from serumpun.insights.rules.regency_map import NO_DATA_FILL, PALETTE

LAMPUNG = [
    "1801", "1802", "1803", "1804", "1805", "1806", "1807", "1808",
    "1809", "1810", "1811", "1812", "1813", "1871", "1872",
]  # fmt: skip


def render(values, **options):
    args = " ".join(f'{name}="{value}"' for name, value in options.items())
    template = Template("{% load insights_map %}{% regency_map values " + args + " %}")
    return template.render(Context({"values": values}))


class Tree(HTMLParser):
    """The elements of the rendered map, with their attributes and text."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.titles: list[str] = []
        self.cells: list[str] = []
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self.stack.append(tag)
        self._text = []

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        text = "".join(self._text).strip()
        if tag == "title":
            self.titles.append(text)
        if tag in ("td", "a") and "tbody" in self.stack:
            self.cells.append(text)
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data):
        self._text.append(data)

    def all(self, tag, **attrs):
        return [
            a
            for t, a in self.elements
            if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


def parse(html):
    tree = Tree()
    tree.feed(html)
    return tree


@pytest.fixture
def values():
    figures = dict.fromkeys(LAMPUNG, 0)
    figures.update({"1871": 87, "1805": 55, "1803": 40, "1806": 31, "1801": 3})
    return figures


def test_it_draws_all_15_regencies_with_a_title_each(values, in_english):
    tree = parse(render(values, title="MSMEs registered", unit="MSMEs"))
    regions = tree.all("g", **{"class": "regency-map__region"})
    assert sorted(r["data-regency"] for r in regions) == LAMPUNG
    assert "Kota Bandar Lampung: 87 MSMEs" in tree.titles
    assert "Lampung Barat: 3 MSMEs" in tree.titles
    assert "Kota Metro: 0 MSMEs" in tree.titles


def test_fills_follow_the_classes(values):
    html = render(values)
    fills = dict(
        re.findall(r'data-regency="(\d{4})">\s*<title>.*?</title>\s*<path d="[^"]+" '
                   r'fill="(#[0-9a-f]{6})"', html, flags=re.S)
    )  # fmt: skip
    # max 87 → classes of 20: 0–19, 20–39, 40–59, 60–79, 80+
    assert fills["1871"] == PALETTE[4]
    assert fills["1805"] == PALETTE[2]
    assert fills["1803"] == PALETTE[2]
    assert fills["1806"] == PALETTE[1]
    assert fills["1801"] == PALETTE[0]
    assert fills["1872"] == PALETTE[0]
    assert len(fills) == 15


def test_legend_shows_five_classes_and_no_figure_only_when_needed(values):
    tree = parse(render(values))
    swatches = [r["fill"] for r in tree.all("rect")]
    assert swatches == list(PALETTE)
    assert "80+" in render(values)

    del values["1813"]
    tree = parse(render(values))
    assert [r["fill"] for r in tree.all("rect")] == [*PALETTE, NO_DATA_FILL]


def test_regions_and_table_rows_link_to_the_records(values):
    tree = parse(
        render(values, link_pattern="/exporters/officer/msmes/?regency={code}")
    )
    links = [a["href"] for a in tree.all("a")]
    wanted = {f"/exporters/officer/msmes/?regency={code}" for code in LAMPUNG}
    # each regency twice: its hexagon (mouse) and its table row (keyboard, screen reader)
    assert sorted(links) == sorted([*wanted, *wanted])
    assert sum(1 for a in tree.all("a") if a.get("tabindex") == "-1") == 15


def test_without_a_pattern_nothing_is_linked(values):
    assert parse(render(values)).all("a") == []


def test_it_is_an_accessible_image_with_a_table(values):
    tree = parse(render(values, title="Deals"))
    (svg,) = tree.all("svg")
    assert svg["role"] == "img"
    assert svg["aria-label"].startswith("Deals. ")
    assert tree.all("details")
    assert len(tree.all("th", scope="row")) == 15
    assert len(tree.all("td")) == 15


def test_it_uses_no_inline_styles_or_scripts(values):
    html = render(values, title="x", link_pattern="/r/{code}")
    assert "style=" not in html
    assert "<script" not in html
    assert "<style" not in html


def test_it_renders_without_figures(in_english):
    html = render({})
    tree = parse(html)
    assert len(tree.all("g", **{"class": "regency-map__region"})) == 15
    assert all(
        p["fill"] == NO_DATA_FILL for p in tree.all("path") if "stroke-dasharray" in p
    )
    assert html.count("no figure") == 16  # 15 titles and the legend
    assert parse(render(None)).all("svg")


def test_it_renders_suppressed_figures_as_published(values):
    values["1872"] = "<5"
    html = render(values)
    assert "Kota Metro: &lt;5" in html


def test_coordinates_are_not_localised(values, settings):
    from django.utils import translation

    with translation.override("id"):
        html = render({"1871": 0.25, "1801": 1.5})
    view_box = re.search(r'viewBox="([^"]+)"', html).group(1)
    assert "," not in view_box
    assert "1,5" in html  # figures are, with the Indonesian decimal comma


@pytest.mark.django_db
def test_it_costs_no_query(values, django_assert_num_queries):
    with django_assert_num_queries(0):
        render(values)
