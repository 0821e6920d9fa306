"""Bar charts as server-rendered SVG: readable without JavaScript, printable, CSP-clean.

A pure module: figures in, markup out (no queries, no request). Only SVG presentation
attributes are written (x, y, width, height, fill): the CSP forbids style attributes, and
these are not CSS. Every text is escaped by format_html.

The bars are horizontal, one row of bars per category with its label above them: long
labels (a model, a center, a month) stay whole, and the chart keeps its proportions when
it is scaled down to a 360 px phone (the SVG has a viewBox and no fixed width).
The chart is an image with a title and a description; the table under it is the full
text alternative.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 640  # the office screen's chart; a phone gets a NARROW one (bigger text once scaled)
NARROW = 320
LEFT = 8
RIGHT = 64  # room for the value printed after the longest bar
BAR_HEIGHT = 14
BAR_GAP = 3
LABEL_HEIGHT = 18
CATEGORY_GAP = 10
LEGEND_ROW = 20
AXIS_HEIGHT = 36
TICKS = 4
# Contrast of at least 3:1 against white for every fill (WCAG 1.4.11 non-text contrast).
COLOURS = ("#1f5fa8", "#b35900", "#2e7d32", "#b3261e", "#6a4c93", "#00695c")
MAX_CATEGORIES = 40  # a longer table is still shown in full; the chart keeps the first
# SVG text does not wrap: a label is broken into lines by an estimate of its width. A wide
# Cyrillic letter of the admin's sans-serif is about 0.6 of the font size; this errs long.
CHAR_WIDTH = 0.62
LABEL_LINE = 16  # a category label's next line (font size 13)
AXIS_LINE = 13  # the axis title's next line (font size 11)


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | int | None]


def nice_top(value: float) -> float:
    """The axis's end: the maximum rounded up to 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1
    power = 1.0
    while power * 10 <= value:
        power *= 10
    while power > value:
        power /= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _number(value: float | int, decimals: int) -> str:
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    axis_label: str,
    decimals: int = 0,
    top: float | None = None,
    width: int = WIDTH,
) -> SafeString:
    """Grouped horizontal bars: for each category one bar per series, with its value."""
    categories = list(categories)[:MAX_CATEGORIES]
    peak = max(
        (v for s in series for v in list(s.values)[: len(categories)] if v is not None), default=0
    )
    ticks = TICKS
    if top is None:
        # A tick is a round number (1, 2, 2.5, 5 × 10ⁿ), a whole one for counts.
        step = nice_top(float(peak) / TICKS)
        if decimals == 0:
            step = max(1, round(step + 0.49))
        top = step * TICKS
    elif top == int(top) and top <= 10:
        ticks = int(top)  # a scale such as 1 to 5: one tick per point
    plot_width = width - LEFT - RIGHT
    legend_columns = 3 if width >= WIDTH else 1
    legend_rows = -(-len(series) // legend_columns) if len(series) > 1 else 0
    y = legend_rows * LEGEND_ROW + 4
    bars_height = len(series) * (BAR_HEIGHT + BAR_GAP) + CATEGORY_GAP
    plot_top = y
    shapes = []
    base = y
    for index, category in enumerate(categories):
        # A long label (a model with its fault) takes more lines on a phone's chart.
        lines = wrap(category, font_size=13, room=width - 2 * LEFT)
        label_height = LABEL_HEIGHT + (len(lines) - 1) * LABEL_LINE
        shapes.append(
            _text(lines, x=LEFT, y=base + LABEL_HEIGHT - 5, font_size=13, line=LABEL_LINE)
        )
        for number, one in enumerate(series):
            value = one.values[index] if index < len(one.values) else None
            bar_y = base + label_height + number * (BAR_HEIGHT + BAR_GAP)
            bar = 0 if value is None else max(0.0, float(value)) / top * plot_width
            shapes.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title>'
                    "</rect>",
                    LEFT,
                    bar_y,
                    f"{bar:.1f}",
                    BAR_HEIGHT,
                    COLOURS[number % len(COLOURS)],
                    one.label,
                    "—" if value is None else _number(value, decimals),
                )
            )
            shapes.append(
                format_html(
                    '<text x="{}" y="{}" font-size="12" fill="#1a1a1a">{}</text>',
                    f"{LEFT + bar + 4:.1f}",
                    bar_y + BAR_HEIGHT - 3,
                    "—" if value is None else _number(value, decimals),
                )
            )
        base += label_height + bars_height
    plot_bottom = base if categories else y + LABEL_HEIGHT + bars_height
    axis = _axis(
        top=top,
        ticks=ticks,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        decimals=decimals,
        width=width,
    )
    axis_lines = wrap(axis_label, font_size=11, room=width - 2 * LEFT)
    height = plot_bottom + AXIS_HEIGHT + (len(axis_lines) - 1) * AXIS_LINE
    axis_title = _text(
        axis_lines,
        x=width // 2,
        y=plot_bottom + AXIS_HEIGHT - 4,
        font_size=11,
        line=AXIS_LINE,
        middle=True,
    )
    return format_html(
        '<svg class="report-chart report-chart-{}" xmlns="http://www.w3.org/2000/svg" '
        'viewBox="0 0 {} {}" '
        'role="img" aria-labelledby="{}-title {}-desc" preserveAspectRatio="xMinYMin meet">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}{}{}{}</svg>',
        "wide" if width >= WIDTH else "narrow",
        width,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        _legend(series, columns=legend_columns, width=width) if legend_rows else "",
        axis,
        SafeString("".join(shapes)),
        axis_title,
    )


def wrap(text: str, *, font_size: int, room: float) -> list[str]:
    """The words of `text` in lines that fit `room` units at `font_size`, by the estimate
    above; a word longer than a whole line is cut between letters."""
    per_line = max(1, int(room / (font_size * CHAR_WIDTH)))
    lines: list[str] = []
    current = ""
    for word in str(text).split():
        while len(word) > per_line:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:per_line])
            word = word[per_line:]
        if current and len(current) + 1 + len(word) > per_line:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return [*lines, current] if current or not lines else lines


def _text(
    lines: Sequence[str], *, x: float, y: float, font_size: int, line: int, middle: bool = False
) -> SafeString:
    """One <text>, its lines as <tspan>s when there are more than one."""
    anchor = SafeString(' text-anchor="middle"') if middle else ""
    if len(lines) == 1:
        content = format_html("{}", lines[0])
    else:
        content = format_html_join(
            "",
            '<tspan x="{}" dy="{}">{}</tspan>',
            ((x, 0 if number == 0 else line, words) for number, words in enumerate(lines)),
        )
    return format_html(
        '<text x="{}" y="{}" font-size="{}" fill="#1a1a1a"{}>{}</text>',
        x,
        y,
        font_size,
        anchor,
        content,
    )


def _axis(
    *, top: float, ticks: int, plot_top: int, plot_bottom: int, decimals: int, width: int
) -> SafeString:
    plot_width = width - LEFT - RIGHT
    lines = []
    for tick in range(ticks + 1):
        value = top * tick / ticks
        x = LEFT + plot_width * tick / ticks
        lines.append(
            format_html(
                '<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="#d0d0d0" '
                'stroke-width="1"/><text x="{x}" y="{label}" font-size="11" fill="#1a1a1a" '
                'text-anchor="middle">{value}</text>',
                x=f"{x:.1f}",
                top=plot_top,
                bottom=plot_bottom,
                label=plot_bottom + 14,
                value=_number(value, max(decimals, 1) if value != int(value) else 0),
            )
        )
    return SafeString("".join(lines))


def _legend(series: Sequence[Series], *, columns: int, width: int) -> SafeString:
    column_width = (width - LEFT) // columns
    return format_html_join(
        "",
        '<rect x="{}" y="{}" width="12" height="12" fill="{}"/>'
        '<text x="{}" y="{}" font-size="12" fill="#1a1a1a">{}</text>',
        (
            (
                LEFT + (number % columns) * column_width,
                4 + (number // columns) * LEGEND_ROW,
                COLOURS[number % len(COLOURS)],
                LEFT + (number % columns) * column_width + 16,
                15 + (number // columns) * LEGEND_ROW,
                s.label,
            )
            for number, s in enumerate(series)
        ),
    )
