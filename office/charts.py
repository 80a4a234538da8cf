"""Small server-built SVG charts for dashboards: text labels (readable in print),
no script, no external files; every label is escaped."""

from django.utils.html import escape

BAR_COLOR = "#1f5fae"
LINE_COLORS = ("#1f5fae", "#2e7d32", "#9e1b1b", "#b26a00")
_WIDTH = 520  # narrow coordinates: the text stays readable in a half-width card


def _nice_top(values, max_value=None):
    """The axis maximum: max_value if given; for whole numbers a multiple of 4, so
    the ticks at quarters (or halves) are whole too."""
    if max_value is not None:
        return max_value
    top = max(values, default=0) or 1
    if all(isinstance(value, int) for value in values):
        return max(4, -(-top // 4) * 4)
    return top


def _number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def bar_chart(series, max_value=None, unit: str = "", *, title: str = "") -> str:
    """Horizontal bars: series is [(label, value)]; a None value reads 暂无."""
    series = list(series)
    if not series:
        return ""
    values = [value for _, value in series if value is not None]
    top = _nice_top(values, max_value)
    label_w, bar_w, row_h = 120, 330, 26
    height = 30 + row_h * len(series)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {_WIDTH} {height}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    x0 = label_w + 10
    for step in range(5):
        x = x0 + bar_w * step / 4
        tick = top * step / 4
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="22" y2="{height}" stroke="{"#667085" if step == 0 else "#d8dce3"}" stroke-width="1"/>')
        tick_text = _number(int(tick) if float(tick).is_integer() else round(tick, 1))
        parts.append(f'<text x="{x:.1f}" y="14" text-anchor="middle" class="chart-tick">{escape(tick_text)}{escape(unit)}</text>')
    for index, (label, value) in enumerate(series):
        y = 30 + row_h * index
        parts.append(f'<text x="{label_w}" y="{y + 14}" text-anchor="end" class="chart-label">{escape(label)}</text>')
        if value is None:
            parts.append(f'<text x="{x0 + 6}" y="{y + 14}" class="chart-value muted-text">暂无</text>')
            continue
        width = bar_w * min(max(value, 0) / top, 1) if top else 0
        text = f"{_number(value)}{unit}"
        parts.append(
            f'<rect x="{x0}" y="{y}" width="{width:.1f}" height="18" fill="{BAR_COLOR}"><title>{escape(label)}：{escape(text)}</title></rect>'
        )
        parts.append(f'<text x="{x0 + width + 6:.1f}" y="{y + 15}" class="chart-value">{escape(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(points, second=None, *, names=(), more=(), title: str = "") -> str:
    """Lines over the same labels: points is [(label, value)]; `second` (and any in
    `more`) another series of values or (label, value) pairs; `names` the legend."""
    points = list(points)
    if not points:
        return ""
    series = [[value for _, value in points]]
    for extra in ([second] if second is not None else []) + list(more):
        series.append([pair[1] if isinstance(pair, (tuple, list)) else pair for pair in extra])
    labels = [label for label, _ in points]
    top = _nice_top([value or 0 for values in series for value in values])
    left, right, top_y, bottom_y = 34, _WIDTH - 26, 40, 200
    height = bottom_y + 30
    step = (right - left) / max(len(labels) - 1, 1)

    def x_at(i):
        return left + step * i

    def y_at(value):
        return bottom_y - (bottom_y - top_y) * value / top

    parts = [
        f'<svg class="chart line-chart" role="img" viewBox="0 0 {_WIDTH} {height}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    for fraction in (0, 0.5, 1):
        y = y_at(top * fraction)
        tick = top * fraction
        tick_text = _number(int(tick) if float(tick).is_integer() else round(tick, 1))
        parts.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{"#667085" if fraction == 0 else "#d8dce3"}" stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="chart-tick">{escape(tick_text)}</text>')
    for i, label in enumerate(labels):
        parts.append(f'<text x="{x_at(i):.1f}" y="{bottom_y + 18}" text-anchor="middle" class="chart-tick">{escape(label)}</text>')
    for number, values in enumerate(series):
        color = LINE_COLORS[number % len(LINE_COLORS)]
        dash = ' stroke-dasharray="5 3"' if number == 2 else ""
        coords = " ".join(f"{x_at(i):.1f},{y_at(value or 0):.1f}" for i, value in enumerate(values))
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
        name = names[number] if number < len(names) else ""
        for i, value in enumerate(values):
            parts.append(
                f'<circle cx="{x_at(i):.1f}" cy="{y_at(value or 0):.1f}" r="3" fill="{color}"><title>{escape(labels[i])} {escape(name)}：{escape(_number(value))}</title></circle>'
            )
            if value:
                parts.append(f'<text x="{x_at(i):.1f}" y="{y_at(value) - 6:.1f}" text-anchor="middle" class="chart-point" fill="{color}">{escape(_number(value))}</text>')
    x = left
    for number, name in enumerate(names[: len(series)]):
        color = LINE_COLORS[number % len(LINE_COLORS)]
        dash = ' stroke-dasharray="5 3"' if number == 2 else ""
        parts.append(f'<line x1="{x}" x2="{x + 22}" y1="12" y2="12" stroke="{color}" stroke-width="2"{dash}/>')
        parts.append(f'<text x="{x + 28}" y="16" class="chart-label">{escape(name)}</text>')
        x += 40 + 13 * len(name)
    parts.append("</svg>")
    return "".join(parts)
