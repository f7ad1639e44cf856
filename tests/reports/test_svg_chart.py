"""reports.svg_chart: well-formed SVG, bars in proportion to their values, words escaped."""
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from reports.svg_chart import BOTTOM, HEIGHT, TOP, Series, bar_chart, line_chart, nice_ceiling

SVG = "{http://www.w3.org/2000/svg}"


def parsed(markup) -> ET.Element:
    return ET.fromstring(str(markup))


@pytest.mark.parametrize("value, top", [
    (0, 5), (1, 5), (4, 5), (5, 5), (6, 10), (11, 25), (99, 100), (101, 250),
    (Decimal("1049007.55"), 2500000), (Decimal("0.3"), 5), (Decimal("-3"), 5),
])
def test_axis_top_is_a_round_number_at_or_above_the_largest(value, top):
    assert nice_ceiling(value) == top


def test_bars_are_in_proportion_and_carry_their_values():
    svg = parsed(bar_chart("应缴", ["2026-01", "2026-02"],
                           [Series("应缴金额", [Decimal("100.00"), Decimal("50.00")]),
                            Series("实缴金额", [Decimal("100.00"), Decimal("0.00")])],
                           value_format=lambda v: f"{v:,.2f}"))
    bars = svg.findall(f"{SVG}rect[@class]")
    bars = [b for b in bars if b.get("class").startswith("bar")]
    assert [b.get("data-value") for b in bars] == ["100.00", "50.00", "100.00", "0.00"]
    heights = [float(b.get("height")) for b in bars]
    plot = HEIGHT - BOTTOM - TOP
    assert heights[0] == pytest.approx(plot * 100 / 100, abs=0.1)  # axis top: 100
    assert heights[1] == pytest.approx(heights[0] / 2, abs=0.1)
    assert heights[3] == 0
    assert bars[0].find(f"{SVG}title").text == "应缴金额 2026-01：100.00"
    labels = [t.text for t in svg.findall(f"{SVG}text[@class='category']")]
    assert labels == ["2026-01", "2026-02"]
    assert svg.find(f"{SVG}title").text == "应缴"
    assert svg.get("role") == "img"


def test_words_are_escaped():
    markup = str(bar_chart("<script>x</script>", ["<b>"], [Series("a&b", [1])]))
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert "a&amp;b" in markup
    parsed(markup)


def test_an_empty_chart_and_many_days():
    parsed(bar_chart("空", [], []))
    days = [f"12-{d:02d}" for d in range(1, 31)]
    svg = parsed(line_chart("每日", days, [Series("笔数", [0] * 30)]))
    assert len(svg.findall(f"{SVG}circle")) == 30
    labels = svg.findall(f"{SVG}text[@class='category']")
    assert 8 <= len(labels) <= 16  # every other day labelled
    assert svg.find(f"{SVG}polyline") is not None


def test_the_unit_is_written_above_the_axis():
    svg = parsed(bar_chart("应缴", ["2026-01"], [Series("应缴金额", [Decimal("3000000.00")])],
                           tick_format=lambda v: f"{v / 10000:,.0f}", unit="万元"))
    assert svg.find(f"{SVG}text[@class='unit']").text == "万元"
    ticks = [t.text for t in svg.findall(f"{SVG}text[@class='tick']")]
    assert ticks == ["0", "100", "200", "300", "400", "500"]
