//! A radar ("spider") chart of one learner's competency levels against their
//! job role's targets, drawn as a standalone SVG string.
//!
//! One axis per competency runs from the centre (level 0) to the outer ring
//! (level [`MAX_LEVEL`]); rings mark levels 1..=5 and are numbered along the
//! first axis. Two series are drawn over them: the role's *target* as a dashed
//! outline and the learner's *level* as a filled shape with a solid outline
//! and a dot on each axis. A legend inside the picture names both series, and
//! tells them apart by line style (solid with dot versus dashed) as well as by
//! colour, for readers who cannot see the difference in hue.
//!
//! # Why on the server
//!
//! Drawing the chart in the browser would take a script and a chart library
//! on the page. Built here as plain SVG markup and inlined in the page
//! (Tera `| safe`), it needs no JavaScript at all: it shows with scripts
//! off, in print and in a saved page, and it fits the pages' Content
//! Security Policy. It is a pure function: the same axes and texts always
//! give the same string, byte for byte, which makes it cheap to test and
//! safe to cache. Coordinates carry at most one decimal.
//!
//! # Accessibility
//!
//! The root is `role="img"` labelled by its `<title>` and `<desc>`; the desc
//! spells out every axis ("Negotiation: level 1 of target 3.") from the
//! caller's [`RadarLabels::axis_summary`] sentence. The page is still expected
//! to show the same numbers in a text table beside the chart: a picture is a
//! poor way to compare numbers for anyone using a screen reader.
//!
//! # Styling
//!
//! Every part carries a class and also presentation attributes with default
//! colours. Presentation attributes are the weakest kind of style, so a page
//! style sheet overrides them (dark mode, brand colours), while the SVG still
//! looks right on its own. There is no `style` attribute or `<style>` element:
//! the pages' Content Security Policy (`style-src 'self'`) would drop them.
//! The classes are:
//!
//! - `radar` on the root, for sizing it in the page;
//! - `radar-grid` on the rings and `radar-ring-label` on their numbers;
//! - `radar-axis` on the spokes, `radar-label` on all text (with
//!   `radar-empty` on the "no competencies" note), `radar-legend` on the
//!   legend's group;
//! - `radar-level` and `radar-target` on everything drawing one series,
//!   together with `radar-area` (the shape), `radar-dot` (vertex marks) or
//!   `radar-swatch` (legend samples), so a style sheet can colour a series
//!   with one rule and still give only its shape a translucent fill.
//!
//! # Texts
//!
//! All texts come from the caller, already translated; they are escaped
//! here, control characters are dropped (XML 1.0 forbids them) and runs of
//! white space become one space. Axis labels longer than 18 characters
//! (8 for labels with Chinese, Japanese or Korean characters, which are twice
//! as wide) are set on two lines, broken at the space that best balances
//! them or, without spaces, in the middle. Labels are placed just outside the
//! outer ring and anchored on the side facing away from it (start on the
//! right, end on the left, middle at top and bottom), so they never run back
//! over the chart. The picture has no font metrics, so widths are estimated,
//! erring wide: a label whose two lines still would not fit between its
//! place and the picture's edge is filled into three lines instead, and the
//! rare one that not even three fit ends with "…", its full text kept as a
//! tooltip (and in the desc and the page's table).
//!
//! # Few competencies
//!
//! With no competencies the rings (circles) are drawn with the caller's
//! [`RadarLabels::empty`] note over them, and no legend. With one or two
//! there is no area to fill, and rings are circles too: the series become
//! lines along the axes (one axis pointing up, or two opposite axes). The
//! level is a broad translucent band with its dots, the target a dashed line
//! along the middle of it, and each target value also gets a ring-shaped
//! mark, since the dashed line lies on the band; the legend shows the same
//! samples.

use std::f64::consts::{FRAC_PI_2, TAU};
use std::fmt::Write as _;

use crate::svg_text::{char_width, escape, is_wide, num, text_width, truncate, wrap};

/// The highest level of the competency scale (levels 1..=5 of
/// `competencies.toml`); values above it are drawn at it.
pub const MAX_LEVEL: u8 = 5;

/// One competency: its axis label and the two values drawn on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RadarAxis<'a> {
    /// The competency's display name, in the page's language.
    pub label: &'a str,
    /// The learner's level, 0..=5 (0: no level reached yet).
    pub level: u8,
    /// The job role's target level, 0..=5.
    pub target: u8,
}

/// The interface texts of the chart, in the page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RadarLabels<'a> {
    /// The accessible name (`<title>`), e.g. "Ana's competencies".
    pub title: &'a str,
    /// The legend entry of the learner's series, e.g. "Current level".
    pub level: &'a str,
    /// The legend entry of the role's series, e.g. "Role target".
    pub target: &'a str,
    /// Shown (and used as the description) when there are no competencies.
    pub empty: &'a str,
    /// One sentence per axis for the `<desc>`, with `{name}`, `{level}`,
    /// `{target}` and `{gap}` (target minus level, at least 0) filled in,
    /// e.g. `"{name}: level {level} of target {target}."` or
    /// `"{name}：水平 {level}，目标 {target}。"`. Unknown `{...}` stay as they
    /// are. The sentences are joined with a space, or with nothing after a
    /// sentence ending in a full-width character such as "。", so the
    /// template should end with its own punctuation.
    pub axis_summary: &'a str,
}

/// The picture's size; the chart is centred horizontally with room for
/// labels on both sides, and the legend sits along the bottom.
const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 420.0;
const CX: f64 = 240.0;
const CY: f64 = 196.0;
/// The outer ring; with the labels' gap this leaves ~110 px on either side,
/// about 18 average Latin characters at 12 px.
const RADIUS: f64 = 115.0;
const LABEL_GAP: f64 = 10.0;
/// Nothing is drawn closer than this to the picture's edge.
const MARGIN: f64 = 4.0;

const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";
const FONT_SIZE: f64 = 12.0;
const LINE_HEIGHT: f64 = 14.0;
/// From a text block's top to its first baseline: the ascent of most fonts.
const ASCENT: f64 = 10.0;
const RING_FONT_SIZE: f64 = 9.0;

/// Axis labels longer than this many characters get two lines.
const WRAP_CHARS: usize = 18;
/// The same for labels with wide (CJK) characters, which are twice as wide.
const WRAP_WIDE_CHARS: usize = 8;

/// Legend: baseline of its texts, length of a line sample, gaps.
const LEGEND_BASELINE: f64 = 398.0;
const SWATCH: f64 = 24.0;
const SWATCH_GAP: f64 = 6.0;
const LEGEND_ITEM_GAP: f64 = 22.0;

// Default colours (Tailwind-like greys, blue and orange): the two series
// differ in lightness too, not only in hue, and blue/orange stays apart for
// the common colour-vision deficiencies.
const GRID_COLOUR: &str = "#d1d5db";
const AXIS_COLOUR: &str = "#9ca3af";
const TEXT_COLOUR: &str = "#1f2937";
const RING_TEXT_COLOUR: &str = "#6b7280";
const LEVEL_COLOUR: &str = "#2563eb";
const LEVEL_FILL_OPACITY: &str = "0.25";
/// The level's band when there is no area to fill (one or two axes).
const BAND_WIDTH: &str = "10";
const BAND_OPACITY: &str = "0.3";
const TARGET_COLOUR: &str = "#c2410c";
const TARGET_DASH: &str = "6 4";
const HALO_COLOUR: &str = "#ffffff";

/// Draws the radar chart as an SVG document string (no XML declaration), to
/// be inlined in a page.
///
/// `id` prefixes the ids of the `<title>` and `<desc>` elements
/// (`{id}-title`, `{id}-desc`), so give each chart on a page its own. It
/// should be `[a-z][a-z0-9-]*`; other characters become `-`, and a prefix
/// not starting with a letter gets `radar-` in front.
///
/// Levels and targets above [`MAX_LEVEL`] are drawn, and described, as
/// [`MAX_LEVEL`]. Axes go clockwise from the top in the order given.
#[must_use]
pub fn render_radar(id: &str, axes: &[RadarAxis<'_>], labels: &RadarLabels<'_>) -> String {
    let id = sanitize_id(id);
    let axes: Vec<Axis> = axes
        .iter()
        .enumerate()
        .map(|(index, axis)| Axis::new(index, axes.len(), axis))
        .collect();

    // `write!` into a `String` cannot fail; its `Result` is ignored throughout.
    let mut out = String::with_capacity(4096 + 768 * axes.len());
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" class="radar" role="img" aria-labelledby="{id}-title {id}-desc" font-family="{FONT}" font-size="{fs}">"#,
        w = num(WIDTH),
        h = num(HEIGHT),
        fs = num(FONT_SIZE),
    );
    let _ = write!(
        out,
        r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(&clean(labels.title)),
        escape(&description(&axes, labels)),
    );
    draw_grid(&mut out, &axes);
    draw_axes(&mut out, &axes);
    draw_ring_labels(&mut out);
    if axes.is_empty() {
        draw_empty_note(&mut out, labels.empty);
    } else {
        draw_series(&mut out, &axes);
        draw_axis_labels(&mut out, &axes);
        draw_legend(&mut out, labels, axes.len() <= 2);
    }
    out.push_str("</svg>");
    out
}

/// One axis with its values clamped and its direction worked out.
struct Axis {
    label: String,
    level: u8,
    target: u8,
    /// Unit vector from the centre; the first axis points straight up and
    /// the others follow clockwise (y grows downwards in SVG).
    cos: f64,
    sin: f64,
}

impl Axis {
    fn new(index: usize, count: usize, axis: &RadarAxis<'_>) -> Self {
        let angle = -FRAC_PI_2 + TAU * index as f64 / count.max(1) as f64;
        Self {
            label: clean(axis.label),
            level: axis.level.min(MAX_LEVEL),
            target: axis.target.min(MAX_LEVEL),
            cos: angle.cos(),
            sin: angle.sin(),
        }
    }

    /// The point `distance` px out along this axis.
    fn at(&self, distance: f64) -> (f64, f64) {
        (CX + distance * self.cos, CY + distance * self.sin)
    }

    /// The point of a level on this axis.
    fn point(&self, level: u8) -> (f64, f64) {
        self.at(level_radius(level))
    }
}

fn level_radius(level: u8) -> f64 {
    RADIUS * f64::from(level.min(MAX_LEVEL)) / f64::from(MAX_LEVEL)
}

/// The `<desc>`: the empty note, or one filled-in sentence per axis.
fn description(axes: &[Axis], labels: &RadarLabels<'_>) -> String {
    if axes.is_empty() {
        return clean(labels.empty);
    }
    let template = clean(labels.axis_summary);
    let mut out = String::new();
    for axis in axes {
        // A space between sentences, except after full-width punctuation
        // ("。"), which carries its own spacing in Chinese.
        if out.chars().next_back().is_some_and(|c| !is_wide(c)) {
            out.push(' ');
        }
        out.push_str(&fill(&template, axis));
    }
    out
}

/// The summary template with the axis's values, in one pass, so a label
/// that itself contains `{level}` is not filled in again.
fn fill(template: &str, axis: &Axis) -> String {
    let mut out = String::with_capacity(template.len() + axis.label.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let value = [
            ("{name}", axis.label.clone()),
            ("{level}", axis.level.to_string()),
            ("{target}", axis.target.to_string()),
            ("{gap}", axis.target.saturating_sub(axis.level).to_string()),
        ]
        .into_iter()
        .find(|(key, _)| after.starts_with(key));
        match value {
            Some((key, value)) => {
                out.push_str(&value);
                rest = &after[key.len()..];
            }
            None => {
                out.push('{');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Rings for levels 1..=5: polygons through the axes when there are at
/// least three (a value on a ring then lies exactly on its line), circles
/// otherwise.
fn draw_grid(out: &mut String, axes: &[Axis]) {
    let _ = write!(
        out,
        r#"<g class="radar-grid" fill="none" stroke="{GRID_COLOUR}" stroke-width="1">"#
    );
    for level in 1..=MAX_LEVEL {
        let radius = level_radius(level);
        if axes.len() >= 3 {
            let ring: Vec<(f64, f64)> = axes.iter().map(|axis| axis.at(radius)).collect();
            let _ = write!(out, r#"<polygon points="{}"/>"#, points(&ring));
        } else {
            let _ = write!(
                out,
                r#"<circle cx="{}" cy="{}" r="{}"/>"#,
                num(CX),
                num(CY),
                num(radius)
            );
        }
    }
    out.push_str("</g>");
}

fn draw_axes(out: &mut String, axes: &[Axis]) {
    if axes.is_empty() {
        return;
    }
    let _ = write!(
        out,
        r#"<g class="radar-axis" stroke="{AXIS_COLOUR}" stroke-width="1">"#
    );
    for axis in axes {
        let (x, y) = axis.at(RADIUS);
        let _ = write!(
            out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            num(CX),
            num(CY),
            num(x),
            num(y)
        );
    }
    out.push_str("</g>");
}

/// The ring numbers, just left of the first (upward) axis so the dots and
/// marks on it do not cover them, with a halo in the background colour so
/// they stay readable where a series crosses them.
fn draw_ring_labels(out: &mut String) {
    let _ = write!(
        out,
        r#"<g class="radar-ring-label" font-size="{}" fill="{RING_TEXT_COLOUR}" stroke="{HALO_COLOUR}" stroke-width="3" stroke-linejoin="round" paint-order="stroke" text-anchor="end">"#,
        num(RING_FONT_SIZE)
    );
    for level in 1..=MAX_LEVEL {
        // Vertically centred on the ring: a digit is ~0.7 em tall.
        let y = CY - level_radius(level) + RING_FONT_SIZE * 0.35;
        let _ = write!(
            out,
            r#"<text x="{}" y="{}">{level}</text>"#,
            num(CX - 8.0),
            num(y)
        );
    }
    out.push_str("</g>");
}

/// The "no competencies" note, centred over the rings, wrapped to fit.
fn draw_empty_note(out: &mut String, note: &str) {
    let lines = wrap(
        &clean(note),
        FONT_SIZE,
        false,
        WIDTH - 2.0 * MARGIN - 40.0,
        4,
    );
    if lines.is_empty() {
        return;
    }
    let top = CY - LINE_HEIGHT * lines.len() as f64 / 2.0;
    let _ = write!(
        out,
        r#"<text class="radar-label radar-empty" x="{x}" y="{y}" text-anchor="middle" fill="{TEXT_COLOUR}" stroke="{HALO_COLOUR}" stroke-width="4" stroke-linejoin="round" paint-order="stroke">"#,
        x = num(CX),
        y = num(top + ASCENT),
    );
    tspans(out, &lines, CX, top + ASCENT);
    out.push_str("</text>");
}

/// The two series: the level's translucent area first, then the target's
/// dashed outline over it, so both stay visible where they coincide (a level
/// that meets its target), and the level's dots last, on top of both.
fn draw_series(out: &mut String, axes: &[Axis]) {
    let level: Vec<(f64, f64)> = axes.iter().map(|a| a.point(a.level)).collect();
    let target: Vec<(f64, f64)> = axes.iter().map(|a| a.point(a.target)).collect();
    let few = axes.len() <= 2;

    if few {
        // One axis: a line from the centre; two: a line from one value to
        // the other through the centre. An open polyline, because a
        // two-point polygon would be stroked there and back, which breaks
        // the dash pattern. The level is a broad translucent band (its
        // "area") so the target's dashed line stays visible on top of it.
        let from_centre = |values: &[(f64, f64)]| {
            let mut line = Vec::with_capacity(2);
            if values.len() == 1 {
                line.push((CX, CY));
            }
            line.extend_from_slice(values);
            line
        };
        let _ = write!(
            out,
            r#"<polyline class="radar-level radar-area" points="{}" fill="none" stroke="{LEVEL_COLOUR}" stroke-opacity="{BAND_OPACITY}" stroke-width="{BAND_WIDTH}"/>"#,
            points(&from_centre(&level))
        );
        let _ = write!(
            out,
            r#"<polyline class="radar-target radar-area" points="{}" fill="none" stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="{TARGET_DASH}"/>"#,
            points(&from_centre(&target))
        );
        // The dashed line runs along the level's band, so each target value
        // also gets a ring-shaped mark to be found by.
        for &(x, y) in &target {
            let _ = write!(
                out,
                r#"<circle class="radar-target radar-dot" cx="{}" cy="{}" r="6" fill="none" stroke="{TARGET_COLOUR}" stroke-width="2"/>"#,
                num(x),
                num(y)
            );
        }
    } else {
        let _ = write!(
            out,
            r#"<polygon class="radar-level radar-area" points="{}" fill="{LEVEL_COLOUR}" fill-opacity="{LEVEL_FILL_OPACITY}" stroke="{LEVEL_COLOUR}" stroke-width="2" stroke-linejoin="round"/>"#,
            points(&level)
        );
        let _ = write!(
            out,
            r#"<polygon class="radar-target radar-area" points="{}" fill="none" stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="{TARGET_DASH}" stroke-linejoin="round"/>"#,
            points(&target)
        );
    }
    for &(x, y) in &level {
        let _ = write!(
            out,
            r#"<circle class="radar-level radar-dot" cx="{}" cy="{}" r="3.5" fill="{LEVEL_COLOUR}" stroke="{HALO_COLOUR}" stroke-width="1"/>"#,
            num(x),
            num(y)
        );
    }
}

/// Where an axis label goes: just outside the outer ring, anchored on the
/// side facing away from the chart so it never runs back over it.
fn draw_axis_labels(out: &mut String, axes: &[Axis]) {
    for axis in axes {
        if axis.label.is_empty() {
            continue;
        }
        let (x, y) = axis.at(RADIUS + LABEL_GAP);
        // Within ~15 degrees of vertical the label is centred on its axis.
        let (anchor, room) = if axis.cos > 0.26 {
            ("start", WIDTH - MARGIN - x)
        } else if axis.cos < -0.26 {
            ("end", x - MARGIN)
        } else {
            ("middle", 2.0 * (x - MARGIN).min(WIDTH - MARGIN - x))
        };
        let lines = label_lines(&axis.label, room);
        // Spaces may go at line breaks; anything else missing was cut.
        let shown: String = lines.concat().chars().filter(|&c| c != ' ').collect();
        let truncated = shown != axis.label.replace(' ', "");
        // The block of lines hangs below the point on the lower half, sits
        // above it on the upper half, and is centred on it at the sides.
        let height = LINE_HEIGHT * lines.len() as f64;
        let top = y - height / 2.0 + axis.sin * height / 2.0;
        let baseline = top + ASCENT + (LINE_HEIGHT - FONT_SIZE) / 2.0;
        let _ = write!(
            out,
            r#"<text class="radar-label" x="{}" y="{}" text-anchor="{anchor}" fill="{TEXT_COLOUR}">"#,
            num(x),
            num(baseline)
        );
        if truncated {
            let _ = write!(out, "<title>{}</title>", escape(&axis.label));
        }
        tspans(out, &lines, x, baseline);
        out.push_str("</text>");
    }
}

/// An axis label's lines: the balanced split of [`split_label`] when both
/// halves fit in `room`, otherwise up to three lines filled to `room` (the
/// last one cut with "…" if even that is not enough). The third line is a
/// last resort before cutting: the neighbouring labels are far enough apart
/// for it, but a balanced pair reads better.
fn label_lines(label: &str, room: f64) -> Vec<String> {
    let lines = split_label(label);
    if lines
        .iter()
        .all(|line| text_width(line, FONT_SIZE, false) <= room)
    {
        lines
    } else {
        wrap(label, FONT_SIZE, false, room, 3)
    }
}

/// One `<tspan>` per line, each positioned absolutely (not by `dy`), which
/// every renderer agrees on.
fn tspans(out: &mut String, lines: &[String], x: f64, first_baseline: f64) {
    for (index, line) in lines.iter().enumerate() {
        let _ = write!(
            out,
            r#"<tspan x="{}" y="{}">{}</tspan>"#,
            num(x),
            num(first_baseline + LINE_HEIGHT * index as f64),
            escape(line)
        );
    }
}

/// The legend, one row centred under the chart: a solid line (or, with one
/// or two axes, the band) with a dot for the level, a dashed line for the
/// target (with the ring mark when the chart uses it), so the two differ
/// without colour.
fn draw_legend(out: &mut String, labels: &RadarLabels<'_>, few: bool) {
    let level = truncate(&clean(labels.level), FONT_SIZE, false, WIDTH / 2.0 - 60.0);
    let target = truncate(&clean(labels.target), FONT_SIZE, false, WIDTH / 2.0 - 60.0);
    let item = |text: &str| SWATCH + SWATCH_GAP + text_width(text, FONT_SIZE, false);
    let total = item(&level) + LEGEND_ITEM_GAP + item(&target);
    let left = (CX - total / 2.0).max(MARGIN);
    let line_y = LEGEND_BASELINE - FONT_SIZE * 0.35;

    out.push_str(r#"<g class="radar-legend">"#);
    let stroke = if few {
        format!(r#"stroke-opacity="{BAND_OPACITY}" stroke-width="{BAND_WIDTH}""#)
    } else {
        r#"stroke-width="3" stroke-linecap="round""#.to_string()
    };
    let _ = write!(
        out,
        r#"<line class="radar-level radar-swatch" x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{LEVEL_COLOUR}" {stroke}/>"#,
        num(left),
        num(left + SWATCH),
        y = num(line_y),
    );
    let _ = write!(
        out,
        r#"<circle class="radar-level radar-dot" cx="{}" cy="{}" r="3.5" fill="{LEVEL_COLOUR}" stroke="{HALO_COLOUR}" stroke-width="1"/>"#,
        num(left + SWATCH / 2.0),
        num(line_y),
    );
    legend_text(out, left + SWATCH + SWATCH_GAP, &level);

    let left = left + item(&level) + LEGEND_ITEM_GAP;
    let _ = write!(
        out,
        r#"<line class="radar-target radar-swatch" x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="{TARGET_DASH}"/>"#,
        num(left),
        num(left + SWATCH),
        y = num(line_y),
    );
    if few {
        let _ = write!(
            out,
            r#"<circle class="radar-target radar-dot" cx="{}" cy="{}" r="6" fill="none" stroke="{TARGET_COLOUR}" stroke-width="2"/>"#,
            num(left + SWATCH / 2.0),
            num(line_y),
        );
    }
    legend_text(out, left + SWATCH + SWATCH_GAP, &target);
    out.push_str("</g>");
}

fn legend_text(out: &mut String, x: f64, text: &str) {
    let _ = write!(
        out,
        r#"<text class="radar-label" x="{}" y="{}" fill="{TEXT_COLOUR}">{}</text>"#,
        num(x),
        num(LEGEND_BASELINE),
        escape(text)
    );
}

// --- Text ------------------------------------------------------------------

/// An axis label as one or two lines: long labels are broken at the space
/// that best balances the two lines or, without a space (Chinese), in the
/// middle of the characters.
fn split_label(label: &str) -> Vec<String> {
    let chars: Vec<char> = label.chars().collect();
    let limit = if chars.iter().any(|&c| is_wide(c)) {
        WRAP_WIDE_CHARS
    } else {
        WRAP_CHARS
    };
    if chars.len() <= limit {
        return vec![label.to_string()];
    }
    let width = |part: &[char]| part.iter().copied().map(char_width).sum::<f64>();
    let best_space = chars
        .iter()
        .enumerate()
        .filter(|&(_, &c)| c == ' ')
        .map(|(at, _)| {
            let longer = width(&chars[..at]).max(width(&chars[at + 1..]));
            (at, longer)
        })
        // The first of equally good breaks, for a deterministic choice.
        .fold(
            None,
            |best: Option<(usize, f64)>, (at, longer)| match best {
                Some((_, best_longer)) if best_longer <= longer => best,
                _ => Some((at, longer)),
            },
        );
    let (first, second) = match best_space {
        Some((at, _)) => (&chars[..at], &chars[at + 1..]),
        None => chars.split_at(chars.len().div_ceil(2)),
    };
    vec![first.iter().collect(), second.iter().collect()]
}

/// A caller's text with control characters (forbidden in XML 1.0) dropped
/// and white space collapsed, so labels measure and wrap predictably.
fn clean(text: &str) -> String {
    text.split_whitespace()
        .map(|word| {
            word.chars()
                .filter(|&c| !c.is_control() && c != '\u{FFFE}' && c != '\u{FFFF}')
                .collect::<String>()
        })
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The id prefix as `[a-z][a-z0-9-]*`, safe inside attribute values and in
/// the space-separated `aria-labelledby` list.
fn sanitize_id(id: &str) -> String {
    let id: String = id
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if id.starts_with(|c: char| c.is_ascii_lowercase()) {
        id
    } else if id.is_empty() {
        "radar".to_string()
    } else {
        format!("radar-{id}")
    }
}

/// `x,y x,y ...` for a `points` attribute.
fn points(points: &[(f64, f64)]) -> String {
    points
        .iter()
        .map(|&(x, y)| format!("{},{}", num(x), num(y)))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENGLISH: RadarLabels<'static> = RadarLabels {
        title: "Ana's competencies",
        level: "Current level",
        target: "Role target",
        empty: "This job role has no competencies yet.",
        axis_summary: "{name}: level {level} of target {target}.",
    };

    const CHINESE: RadarLabels<'static> = RadarLabels {
        title: "Ana 的能力",
        level: "当前水平",
        target: "岗位目标",
        empty: "该岗位尚无能力项。",
        axis_summary: "{name}：水平 {level}，目标 {target}。",
    };

    fn axis(label: &str, level: u8, target: u8) -> RadarAxis<'_> {
        RadarAxis {
            label,
            level,
            target,
        }
    }

    fn six() -> Vec<RadarAxis<'static>> {
        vec![
            axis("Discovery questions", 2, 3),
            axis("Objection handling", 1, 2),
            axis("Negotiation", 1, 3),
            axis("Product knowledge", 4, 3),
            axis("Value pitch (FAB)", 3, 3),
            axis("Closing", 0, 2),
        ]
    }

    /// Every start tag beginning with `start`, e.g.
    /// `elements(svg, r#"<polygon class="radar-level"#)`.
    fn elements<'s>(svg: &'s str, start: &str) -> Vec<&'s str> {
        svg.match_indices(start)
            .filter_map(|(at, _)| svg[at..].find('>').map(|end| &svg[at..=at + end]))
            .collect()
    }

    fn attribute<'s>(element: &'s str, name: &str) -> &'s str {
        let key = format!(" {name}=\"");
        let start = element.find(&key).expect("the attribute") + key.len();
        let end = element[start..].find('"').expect("a closing quote") + start;
        &element[start..end]
    }

    /// A small XML well-formedness check: tags nest and close, attributes
    /// are `name="value"` and unique per element, text and values hold only
    /// the five escapes, and there is exactly one root element.
    fn assert_well_formed(svg: &str) {
        let entities_ok = |text: &str| {
            text.match_indices('&').all(|(at, _)| {
                ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                    .iter()
                    .any(|entity| text[at..].starts_with(entity))
            })
        };
        let forbidden_char = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
        assert!(!svg.chars().any(forbidden_char), "a control character");
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
        let mut open: Vec<&str> = Vec::new();
        let mut rest = svg;
        while let Some(start) = rest.find('<') {
            let text = &rest[..start];
            assert!(entities_ok(text), "bad text: {text}");
            assert!(!text.contains('>'), "stray > in {text}");
            let end = rest[start..].find('>').expect("tag closes") + start;
            let tag = &rest[start + 1..end];
            assert!(!tag.contains('<'), "< inside a tag: {tag}");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(open.pop(), Some(name), "mismatched </{name}>");
            } else {
                let self_closing = tag.ends_with('/');
                let body = tag.strip_suffix('/').unwrap_or(tag);
                let (name, mut attributes) = body.split_once(' ').unwrap_or((body, ""));
                assert!(
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic()),
                    "tag name {name}"
                );
                let mut seen: Vec<&str> = Vec::new();
                while !attributes.is_empty() {
                    let (key, after) = attributes.split_once("=\"").expect("name=\"");
                    assert!(
                        key.chars()
                            .all(|c| c.is_ascii_alphanumeric() || "-:".contains(c)),
                        "attribute name {key:?} in {tag}"
                    );
                    assert!(!seen.contains(&key), "duplicate {key} in {tag}");
                    seen.push(key);
                    let close = after.find('"').expect("closing quote");
                    assert!(entities_ok(&after[..close]), "bad value in {tag}");
                    let next = &after[close + 1..];
                    assert!(
                        next.is_empty() || next.starts_with(' '),
                        "no space between attributes in {tag}"
                    );
                    attributes = next.trim_start_matches(' ');
                }
                if !self_closing {
                    open.push(name);
                }
            }
            rest = &rest[end + 1..];
            if open.is_empty() {
                assert!(rest.is_empty(), "content after the root: {rest}");
            }
        }
        assert!(open.is_empty(), "unclosed: {open:?}");
    }

    /// Every number in a coordinate-like attribute has at most one decimal.
    fn assert_short_numbers(svg: &str) {
        for name in ["x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "points"] {
            let key = format!(" {name}=\"");
            for (at, _) in svg.match_indices(&key) {
                let start = at + key.len();
                let end = svg[start..].find('"').expect("closing quote") + start;
                for number in svg[start..end].split([' ', ',']) {
                    assert!(number.parse::<f64>().is_ok(), "{name}={number}");
                    assert!(!number.starts_with("-0") || number.contains('.'));
                    let decimals = number.split_once('.').map_or(0, |(_, d)| d.len());
                    assert!(decimals <= 1, "{name}={number}");
                    assert!(!number.ends_with(".0"), "{name}={number}");
                }
            }
        }
    }

    #[test]
    fn the_six_axis_chart_has_the_expected_parts() {
        let svg = render_radar("ana", &six(), &ENGLISH);

        assert_well_formed(&svg);
        assert_short_numbers(&svg);
        assert!(svg.starts_with(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 480 420" class="radar" role="img" aria-labelledby="ana-title ana-desc""#
        ));
        assert!(svg.contains(r#"<title id="ana-title">Ana&#39;s competencies</title>"#));
        assert!(svg.contains(
            r#"<desc id="ana-desc">Discovery questions: level 2 of target 3. Objection handling: level 1 of target 2. Negotiation: level 1 of target 3. Product knowledge: level 4 of target 3. Value pitch (FAB): level 3 of target 3. Closing: level 0 of target 2.</desc>"#
        ));
        // Five rings as polygons, one level and one target polygon.
        assert_eq!(elements(&svg, "<polygon points=").len(), 5);
        assert_eq!(
            elements(&svg, r#"<polygon class="radar-level radar-area""#).len(),
            1
        );
        assert_eq!(
            elements(&svg, r#"<polygon class="radar-target radar-area""#).len(),
            1
        );
        assert!(!svg.contains("<polyline"));
        // A dot per axis, plus the legend's.
        assert_eq!(
            elements(&svg, r#"<circle class="radar-level radar-dot""#).len(),
            7
        );
        assert_eq!(elements(&svg, r#"<circle class="radar-target"#).len(), 0);
        assert_eq!(elements(&svg, "<line x1=").len(), 6, "one spoke per axis");
        // Six axis labels and two legend texts.
        assert_eq!(elements(&svg, r#"<text class="radar-label""#).len(), 8);
        for forbidden in ["<script", "<style", "style=", "href", "<image", " on"] {
            assert!(!svg.contains(forbidden), "{forbidden}");
        }
    }

    #[test]
    fn vertices_lie_on_their_levels() {
        // Four axes: up, right, down, left; the outer ring is 110 px out.
        let axes = [
            axis("A", 5, 1),
            axis("B", 1, 2),
            axis("C", 0, 5),
            axis("D", 3, 4),
        ];
        let svg = render_radar("r", &axes, &ENGLISH);

        let level = elements(&svg, r#"<polygon class="radar-level"#);
        let target = elements(&svg, r#"<polygon class="radar-target"#);
        assert_eq!(
            attribute(level[0], "points"),
            "240,81 263,196 240,196 171,196"
        );
        assert_eq!(
            attribute(target[0], "points"),
            "240,173 286,196 240,311 148,196"
        );
        // The outer ring passes through the axes' ends.
        let rings = elements(&svg, "<polygon points=");
        assert_eq!(
            attribute(rings[4], "points"),
            "240,81 355,196 240,311 125,196"
        );
        // Dots sit on the level's vertices.
        let dots = elements(&svg, r#"<circle class="radar-level radar-dot""#);
        assert_eq!(
            (attribute(dots[1], "cx"), attribute(dots[1], "cy")),
            ("263", "196")
        );
    }

    #[test]
    fn labels_are_anchored_away_from_the_chart() {
        let axes = [
            axis("Top", 1, 1),
            axis("Right", 1, 1),
            axis("Bottom", 1, 1),
            axis("Left", 1, 1),
        ];
        let svg = render_radar("r", &axes, &ENGLISH);
        let texts = elements(&svg, r#"<text class="radar-label" x="#);
        let anchors: Vec<&str> = texts[..4]
            .iter()
            .map(|t| attribute(t, "text-anchor"))
            .collect();
        assert_eq!(anchors, ["middle", "start", "middle", "end"]);
        // Top label above the outer ring (y 81), bottom below it (y 311).
        let y = |t: &str| attribute(t, "y").parse::<f64>().expect("a number");
        assert!(y(texts[0]) < 81.0 - LABEL_GAP);
        assert!(y(texts[2]) > 311.0 + LABEL_GAP);
        // Right label starts right of the ring, left one ends left of it.
        let x = |t: &str| attribute(t, "x").parse::<f64>().expect("a number");
        assert!(x(texts[1]) > 355.0);
        assert!(x(texts[3]) < 125.0);
    }

    #[test]
    fn caller_texts_are_escaped_everywhere() {
        let nasty = "<b>\"Q&A\" & 'close'</b>\u{7}";
        let labels = RadarLabels {
            title: nasty,
            level: nasty,
            target: nasty,
            empty: nasty,
            axis_summary: "{name} <{level}/{target}>",
        };
        let svg = render_radar("x", &[axis(nasty, 1, 2), axis("ok", 2, 1)], &labels);

        assert_well_formed(&svg);
        assert!(!svg.contains("<b>"));
        assert!(!svg.contains('\u{7}'));
        assert!(svg.contains("&lt;b&gt;&quot;Q&amp;A&quot; &amp; &#39;close&#39;&lt;/b&gt;"));
        assert!(svg.contains(
            "&lt;b&gt;&quot;Q&amp;A&quot; &amp; &#39;close&#39;&lt;/b&gt; &lt;1/2&gt; ok &lt;2/1&gt;</desc>"
        ));
        let empty = render_radar("x", &[], &labels);
        assert_well_formed(&empty);
        assert!(!empty.contains("<b>"));
    }

    #[test]
    fn the_summary_is_filled_in_once_and_keeps_unknown_braces() {
        let labels = RadarLabels {
            axis_summary: "{name} {level}/{target} gap {gap} {other} {",
            ..ENGLISH
        };
        let svg = render_radar("x", &[axis("{level}", 1, 4)], &labels);
        assert!(svg.contains(r#"<desc id="x-desc">{level} 1/4 gap 3 {other} {</desc>"#));
    }

    #[test]
    fn chinese_sentences_are_joined_without_spaces() {
        let axes = [
            axis("谈判", 1, 3),
            axis("成交", 2, 2),
            axis("产品知识", 3, 4),
        ];
        let svg = render_radar("zh", &axes, &CHINESE);
        assert!(svg.contains(
            "<desc id=\"zh-desc\">谈判：水平 1，目标 3。成交：水平 2，目标 2。产品知识：水平 3，目标 4。</desc>"
        ));
        assert_well_formed(&svg);
    }

    #[test]
    fn values_above_the_scale_are_drawn_and_described_at_the_top() {
        let over = [axis("A", 9, 200), axis("B", 255, 5), axis("C", 6, 6)];
        let top = [axis("A", 5, 5), axis("B", 5, 5), axis("C", 5, 5)];
        assert_eq!(
            render_radar("c", &over, &ENGLISH),
            render_radar("c", &top, &ENGLISH)
        );
        assert!(render_radar("c", &over, &ENGLISH).contains("A: level 5 of target 5."));
    }

    #[test]
    fn no_competencies_draws_the_rings_and_the_note() {
        let svg = render_radar("none", &[], &ENGLISH);

        assert_well_formed(&svg);
        assert_short_numbers(&svg);
        assert_eq!(elements(&svg, "<circle cx=").len(), 5, "five rings");
        assert!(!svg.contains("<polygon"));
        assert!(!svg.contains("<polyline"));
        assert!(!svg.contains("radar-level"));
        assert!(!svg.contains("radar-axis"));
        assert!(!svg.contains("radar-legend"));
        assert_eq!(svg.matches("radar-empty").count(), 1);
        assert!(svg.contains(">This job role has no competencies yet.</tspan>"));
        assert!(
            svg.contains(r#"<desc id="none-desc">This job role has no competencies yet.</desc>"#)
        );
        for level in 1..=5 {
            assert!(svg.contains(&format!(">{level}</text>")), "ring {level}");
        }
    }

    #[test]
    fn a_long_empty_note_is_wrapped_inside_the_picture() {
        let note = "There are no competencies to show for this job role yet; ask your trainer to assign one, or choose another role in your profile settings.";
        let labels = RadarLabels {
            empty: note,
            ..ENGLISH
        };
        let svg = render_radar("none", &[], &labels);
        let lines = wrap(note, FONT_SIZE, false, WIDTH - 2.0 * MARGIN - 40.0, 4);
        assert!(lines.len() > 1);
        assert_eq!(svg.matches("<tspan").count(), lines.len());
        assert_eq!(lines.join(" "), note);
    }

    #[test]
    fn one_competency_is_a_line_up_from_the_centre() {
        let svg = render_radar("one", &[axis("Closing", 2, 4)], &ENGLISH);

        assert_well_formed(&svg);
        assert!(!svg.contains("<polygon"));
        assert_eq!(elements(&svg, "<circle cx=").len(), 5, "rings are circles");
        let level = elements(&svg, r#"<polyline class="radar-level"#);
        let target = elements(&svg, r#"<polyline class="radar-target"#);
        assert_eq!(attribute(level[0], "points"), "240,196 240,150");
        assert_eq!(attribute(target[0], "points"), "240,196 240,104");
        // A ring mark at the target and in the legend.
        let marks = elements(&svg, r#"<circle class="radar-target radar-dot""#);
        assert_eq!(marks.len(), 2);
        assert_eq!(attribute(marks[0], "cy"), "104");
        assert_eq!(elements(&svg, "<line x1=").len(), 1);
        assert!(svg.contains(r#"<desc id="one-desc">Closing: level 2 of target 4.</desc>"#));
    }

    #[test]
    fn two_competencies_are_a_line_through_the_centre() {
        let svg = render_radar("two", &[axis("Up", 5, 3), axis("Down", 1, 0)], &ENGLISH);

        assert_well_formed(&svg);
        assert!(!svg.contains("<polygon"));
        let level = elements(&svg, r#"<polyline class="radar-level"#);
        let target = elements(&svg, r#"<polyline class="radar-target"#);
        assert_eq!(attribute(level[0], "points"), "240,81 240,219");
        assert_eq!(attribute(target[0], "points"), "240,127 240,196");
        assert_eq!(
            elements(&svg, r#"<circle class="radar-target radar-dot""#).len(),
            3
        );
        assert_eq!(elements(&svg, "<line x1=").len(), 2);
    }

    #[test]
    fn the_output_is_deterministic() {
        let first = render_radar("d", &six(), &ENGLISH);
        for _ in 0..3 {
            assert_eq!(render_radar("d", &six(), &ENGLISH), first);
        }
        // Every axis count renders well-formed with short numbers.
        let names: Vec<String> = (0..16).map(|i| format!("Competency {i}")).collect();
        for count in 0..=16 {
            let axes: Vec<RadarAxis<'_>> = names[..count]
                .iter()
                .enumerate()
                .map(|(i, name)| axis(name, (i % 7) as u8, (i % 5) as u8))
                .collect();
            let svg = render_radar("n", &axes, &ENGLISH);
            assert_well_formed(&svg);
            assert_short_numbers(&svg);
        }
    }

    #[test]
    fn long_labels_get_two_lines() {
        assert_eq!(split_label("Objection handling"), ["Objection handling"]);
        assert_eq!(
            split_label("Discovery questions"),
            ["Discovery", "questions"]
        );
        assert_eq!(
            split_label("Handling price objections well"),
            ["Handling price", "objections well"]
        );
        assert_eq!(split_label("异议处理与谈判"), ["异议处理与谈判"]);
        assert_eq!(
            split_label("异议处理与价格谈判技巧"),
            ["异议处理与价", "格谈判技巧"]
        );
        assert_eq!(
            split_label("Supercalifragilisticexpialidocious"),
            ["Supercalifragilis", "ticexpialidocious"]
        );

        let svg = render_radar("w", &[axis("Discovery questions", 1, 2)], &ENGLISH);
        assert!(svg.contains(
            r#"<tspan x="240" y="54">Discovery</tspan><tspan x="240" y="68">questions</tspan>"#
        ));
    }

    #[test]
    fn labels_too_wide_for_two_lines_get_three() {
        let long = "Handling price objections from procurement";
        // At 8 axes the second label starts at x 328: ~148 px of room.
        let lines = label_lines(long, 148.0);
        assert_eq!(lines, ["Handling price", "objections from", "procurement"]);
        assert_eq!(
            label_lines(long, 300.0),
            ["Handling price objections", "from procurement"]
        );
        let names = ["A", long, "C", "D", "E", "F", "G", "H"];
        let axes: Vec<RadarAxis<'_>> = names.iter().map(|name| axis(name, 1, 1)).collect();
        let svg = render_radar("t", &axes, &ENGLISH);
        assert!(svg.contains(">procurement</tspan></text>"));
        assert!(!svg.contains("<title>Handling"), "nothing was cut");
    }

    #[test]
    fn labels_too_wide_for_the_picture_are_cut_with_a_tooltip() {
        let long = "Negotiating multi-year enterprise agreements with procurement departments";
        let axes = [
            axis("A", 1, 1),
            axis(long, 1, 1),
            axis("C", 1, 1),
            axis("D", 1, 1),
        ];
        let svg = render_radar("t", &axes, &ENGLISH);

        assert_well_formed(&svg);
        assert!(svg.contains(&format!("<title>{long}</title>")));
        assert!(svg.contains('…'));
        // The right label starts at x 365 and stays inside the picture.
        let text = &svg[svg.find(&format!("<title>{long}")).expect("the label")..];
        let text = &text[..text.find("</text>").expect("its end")];
        for line in text.split("<tspan").skip(1) {
            let content =
                &line[line.find('>').expect("tspan") + 1..line.find("</tspan>").expect("end")];
            assert!(
                365.0 + text_width(content, FONT_SIZE, false) <= WIDTH - MARGIN,
                "{content}"
            );
        }
    }

    #[test]
    fn the_legend_tells_the_series_apart_without_colour() {
        let svg = render_radar("l", &six(), &ENGLISH);
        let level = elements(&svg, r#"<line class="radar-level radar-swatch""#);
        let target = elements(&svg, r#"<line class="radar-target radar-swatch""#);
        assert_eq!((level.len(), target.len()), (1, 1));
        assert!(!level[0].contains("stroke-dasharray"));
        assert!(target[0].contains(r#"stroke-dasharray="6 4""#));
        assert!(svg.contains(">Current level</text>"));
        assert!(svg.contains(">Role target</text>"));
        let area = elements(&svg, r#"<polygon class="radar-target radar-area""#);
        assert!(area[0].contains(r#"stroke-dasharray="6 4""#));
        assert!(area[0].contains(r#"fill="none""#));
    }

    #[test]
    fn ids_are_made_safe() {
        assert_eq!(sanitize_id("radar-ana"), "radar-ana");
        assert_eq!(sanitize_id("Team A\"x"), "team-a-x");
        assert_eq!(sanitize_id(""), "radar");
        assert_eq!(sanitize_id("42"), "radar-42");
        let svg = render_radar("My Chart", &[], &ENGLISH);
        assert!(svg.contains(r#"aria-labelledby="my-chart-title my-chart-desc""#));
        assert!(svg.contains(r#"<title id="my-chart-title">"#));
    }

    #[test]
    fn numbers_have_at_most_one_decimal_and_no_negative_zero() {
        assert_eq!(num(240.0), "240");
        assert_eq!(num(82.04), "82");
        assert_eq!(num(95.26), "95.3");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(-1.25), "-1.3");
        assert_eq!(num(0.1 + 0.2), "0.3");
    }

    #[test]
    fn white_space_and_control_characters_are_cleaned() {
        assert_eq!(clean("  Value\tpitch\n(FAB)\u{0}  "), "Value pitch (FAB)");
        assert_eq!(clean("\u{1}\u{2}"), "");
        let svg = render_radar("c", &[axis(" \u{1} ", 1, 1), axis("B", 1, 1)], &ENGLISH);
        assert_well_formed(&svg);
    }
}
