"""The reports' SVG bar charts (repairs.admin.charts): a pure function of the figures."""

import re

from repairs.admin.charts import NARROW, Series, bar_chart, wrap


def draw(values, **kwargs):
    options = {
        "chart_id": "c",
        "title": "Оценки",
        "description": "Средняя оценка по центрам.",
        "categories": [f"Центр {n}" for n in range(len(values))],
        "series": [Series("Средняя", values)],
        "axis_label": "оценка",
        **kwargs,
    }
    return bar_chart(**options)


def ticks(svg: str) -> list[str]:
    return re.findall(r'font-size="11" fill="#1a1a1a" text-anchor="middle">([^<]*)<', svg)[:-1]


def test_counts_get_whole_round_ticks_and_a_scale_one_tick_per_point():
    assert ticks(draw([3, 1])) == ["0", "1", "2", "3", "4"]
    assert ticks(draw([7])) == ["0", "2", "4", "6", "8"]
    assert ticks(draw([3.5, 4.0], decimals=2, top=5)) == ["0", "1", "2", "3", "4", "5"]
    assert ticks(draw([0])) == ["0", "1", "2", "3", "4"]  # nothing yet: an axis all the same


def test_bars_are_proportional_and_a_missing_value_has_none():
    svg = draw([2, None, 4])
    widths = re.findall(r'<rect x="8" y="\d+" width="([\d.]+)" height="14"', svg)
    assert [float(w) for w in widths] == [284.0, 0.0, 568.0]  # of 568 units, top 4
    assert "<title>Средняя: —</title>" in svg


def test_the_chart_is_an_image_with_a_name_its_words_escaped_and_no_style():
    svg = draw([1], title="<b>x</b>", categories=["<script>alert(1)</script>"])
    assert 'role="img" aria-labelledby="c-title c-desc"' in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "style" not in svg  # the CSP forbids style attributes


def test_a_phones_chart_is_narrow_with_its_legend_in_rows():
    svg = draw([1, 2], series=[Series("В срок", [1, 2]), Series("Поздно", [0, 1])], width=NARROW)
    assert f'viewBox="0 0 {NARROW} ' in svg and "report-chart-narrow" in svg
    assert re.findall(r'<rect x="8" y="(\d+)" width="12"', svg) == ["4", "24"]


def test_a_long_label_takes_more_lines_on_a_phones_chart_and_the_chart_grows():
    label = "заказы с этой неисправностью на 100 заявок по модели"  # 52 letters
    category = "DREAME L10s Ultra Gen 2 · Не строит карту / ошибка лидара"
    wide = draw([1], axis_label=label, categories=[category])
    narrow = draw([1], axis_label=label, categories=[category], width=NARROW)
    assert "<tspan" not in wide  # one line each on the office screen
    assert re.findall(r"<tspan[^>]*>([^<]*)</tspan>", narrow) == [
        "DREAME L10s Ultra Gen 2 · Не строит",
        "карту / ошибка лидара",
        "заказы с этой неисправностью на 100 заявок",
        "по модели",
    ]
    height = int(re.search(r'viewBox="0 0 \d+ (\d+)"', narrow).group(1))
    one_line = int(re.search(r'viewBox="0 0 \d+ (\d+)"', draw([1], width=NARROW)).group(1))
    assert height == one_line + 16 + 13  # a label line and an axis line more


def test_a_word_longer_than_a_line_is_cut_between_letters():
    assert wrap("а" * 10 + " бб", font_size=10, room=31) == ["ааааа", "ааааа", "бб"]
    assert wrap("", font_size=10, room=31) == [""]
