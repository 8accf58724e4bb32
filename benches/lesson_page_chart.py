#!/usr/bin/env python3
"""Draws docs/performance-chart.svg from the lesson-page runs recorded in
docs/performance.md (section 1): requests per second of salesdojo and nginx
side by side, with a mark at a quarter of nginx (the target), and the
latency percentiles with the 10 ms target.

    python3 benches/lesson_page_chart.py > docs/performance-chart.svg

The figures are typed in below from the benchmark's printed output; add a
row when a new run goes into the guide.
"""

from html import escape

# label, salesdojo req/s, nginx req/s, salesdojo p50, p99, nginx p50, p99 (ms)
RUNS = [
    ("before 1", 1047, 33555, 60.3, 96.5, 1.6, 12.7),
    ("before 2", 1336, 40353, 47.1, 61.0, 1.4, 7.9),
    ("after 1", 2942, 32998, 19.5, 49.9, 1.6, 16.7),
    ("after 2", 2956, 32369, 20.8, 36.9, 1.7, 23.2),
    ("no ping", 4670, 68635, 13.6, 22.2, 0.8, 5.1),
    ("no ping, 23% stolen", 2506, 55879, 21.7, 82.8, 0.8, 8.8),
    ("direct, reads 1", 9610, 42352, 6.1, 11.6, 1.2, 6.2),
    ("direct, reads 2", 9902, 38035, 5.9, 11.6, 1.4, 5.6),
    ("direct, reads 3", 9755, 38037, 6.0, 16.0, 1.4, 7.3),
    ("direct, reads 4", 9338, 35243, 6.6, 10.8, 1.5, 7.5),
    ("7th, before 1", 10382, 47733, 5.5, 10.6, 1.1, 5.1),
    ("7th, after 1", 12445, 45764, 4.9, 8.9, 1.2, 5.6),
    ("7th, before 2", 12344, 48593, 5.2, 8.1, 1.1, 4.3),
    ("7th, after 2", 13601, 48813, 4.7, 7.9, 1.3, 4.5),
    ("7th, before 3", 12127, 46983, 5.3, 8.2, 1.3, 5.1),
    ("7th, after 3", 13202, 49693, 4.9, 7.4, 1.1, 4.2),
]

WIDTH, HEIGHT = 2300, 400
PANEL = (WIDTH - 180) // 2  # width of each of the two panels
TOP, BOTTOM = 50, 310  # plot area, y pixels
SD_COLOUR, SD_LIGHT, NG_COLOUR, TARGET_COLOUR = "#c0392b", "#e8a093", "#2c7fb8", "#333333"


def number(n):
    return f"{n:,.0f}" if n >= 100 else f"{n:g}"


def panel(x0, width, title, top_value, ticks, bars, target, target_label):
    """bars: list of (label, [(value, colour, text)]), target: y value or a
    function of the group giving its own target."""
    out = [f'<text x="{x0}" y="30" font-size="15" font-weight="bold">{escape(title)}</text>']
    scale = (BOTTOM - TOP) / top_value
    for t in ticks:
        y = BOTTOM - t * scale
        out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + width}" y2="{y:.1f}" stroke="#dddddd"/>')
        out.append(f'<text x="{x0 - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#666666">{number(t) if t < 1000 else f"{t // 1000}k"}</text>')
    group = width / len(bars)
    bar = min(26, group / 3)
    for i, (label, values) in enumerate(bars):
        gx = x0 + i * group + (group - bar * len(values)) / 2
        for j, (value, colour, text) in enumerate(values):
            h = min(value, top_value) * scale
            x = gx + j * bar
            out.append(f'<rect x="{x:.1f}" y="{BOTTOM - h:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" fill="{colour}"/>')
            out.append(f'<text x="{x + bar / 2 - 1:.1f}" y="{BOTTOM - h - 4:.1f}" text-anchor="middle" font-size="10">{escape(text)}</text>')
        mark = target(i) if callable(target) else target
        if mark is not None:
            y = BOTTOM - mark * scale
            out.append(f'<line x1="{gx - 4:.1f}" y1="{y:.1f}" x2="{gx + bar * len(values) + 2:.1f}" y2="{y:.1f}" stroke="{TARGET_COLOUR}" stroke-dasharray="4 3"/>')
        words = label.split(", ")
        for k, word in enumerate(words):
            out.append(f'<text x="{x0 + i * group + group / 2:.1f}" y="{BOTTOM + 16 + 13 * k}" text-anchor="middle" font-size="11">{escape(word)}</text>')
    out.append(f'<text x="{x0}" y="{BOTTOM + 58}" fill="#666666">{escape(target_label)}</text>')
    return out


def main():
    rps_bars = [
        (label, [(sd, SD_COLOUR, number(sd)), (ng, NG_COLOUR, number(ng))])
        for label, sd, ng, *_ in RUNS
    ]
    ratios = [sd / ng for _, sd, ng, *_ in RUNS]
    rps_bars = [
        (f"{label}, ratio {ratio:.3f}", values) for (label, values), ratio in zip(rps_bars, ratios)
    ]
    latency_bars = [
        (label, [(p50, SD_LIGHT, f"{p50:g}"), (p99, SD_COLOUR, f"{p99:g}"), (np99, NG_COLOUR, f"{np99:g}")])
        for label, _, _, p50, p99, _, np99 in RUNS
    ]
    desc = "; ".join(
        f"{label}: salesdojo {sd:,} req/s, nginx {ng:,} (ratio {sd / ng:.3f}), salesdojo p50 {p50} ms p99 {p99} ms, nginx p99 {np99} ms"
        for label, sd, ng, p50, p99, _, np99 in RUNS
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" font-size="12" role="img" aria-labelledby="title desc">',
        '<title id="title">Lesson page under wrk -t2 -c64: Sales Dojo against nginx serving the same bytes</title>',
        f'<desc id="desc">Runs of benches/lesson_page.sh. {escape(desc)}. Targets: a quarter of nginx, and p99 under 10 ms.</desc>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    parts += panel(
        50, PANEL, "Requests per second (higher is better)", 70000,
        [0, 10000, 20000, 30000, 40000, 50000, 60000, 70000], rps_bars,
        lambda i: RUNS[i][2] / 4, "dashed: a quarter of nginx (the target)",
    )
    parts += panel(
        130 + PANEL, PANEL, "Latency at 64 connections, ms (lower is better)", 100,
        [0, 25, 50, 75, 100], latency_bars, 10,
        "bars: salesdojo p50 (light), p99; nginx p99. dashed: 10 ms",
    )
    legend_y = HEIGHT - 14
    parts += [
        f'<rect x="50" y="{legend_y - 10}" width="12" height="12" fill="{SD_COLOUR}"/>',
        f'<text x="68" y="{legend_y}">salesdojo (authenticated lesson page)</text>',
        f'<rect x="320" y="{legend_y - 10}" width="12" height="12" fill="{NG_COLOUR}"/>',
        f'<text x="338" y="{legend_y}">nginx (the same bytes as a static file)</text>',
        "</svg>",
    ]
    print("\n".join(parts))


if __name__ == "__main__":
    main()
