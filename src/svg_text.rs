//! Text in server-drawn SVG (the competency radar, the role-play scene
//! graph): width estimates without font metrics, wrapping and truncation
//! to a width, escaping, and short numbers.

/// Bold text runs about this much wider than regular text.
const BOLD_FACTOR: f64 = 1.06;

/// An estimate of a text's width at font `size`: the server has no font
/// metrics, so widths are per character class, erring wide so text stays
/// inside its box.
pub fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    let ems: f64 = text.chars().map(char_width).sum();
    ems * size * if bold { BOLD_FACTOR } else { 1.0 }
}

/// A character's width in ems.
pub fn char_width(c: char) -> f64 {
    if is_wide(c) {
        1.0
    } else if c.is_ascii_uppercase() || matches!(c, 'm' | 'w' | '@' | '%' | '—' | '…') {
        0.74
    } else if matches!(
        c,
        'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' | '(' | ')' | '"'
    ) {
        0.3
    } else if matches!(c, 'f' | 't' | 'r' | '-') {
        0.4
    } else {
        0.58
    }
}

/// East Asian wide characters, drawn a full em wide.
pub fn is_wide(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x115F
        | 0x2E80..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

/// Lines of at most `width`, breaking at spaces where possible and anywhere
/// in a word too long for a line (Chinese has no spaces); the last line ends
/// with "…" when the text does not fit in `max_lines`.
pub fn wrap(text: &str, size: f64, bold: bool, width: f64, max_lines: usize) -> Vec<String> {
    let fits = |s: &str| text_width(s, size, bold) <= width;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if fits(&candidate) {
            line = candidate;
            continue;
        }
        if !line.is_empty() && fits(word) {
            lines.push(std::mem::replace(&mut line, word.to_string()));
            continue;
        }
        // Break inside the word, continuing the current line.
        let mut current = if line.is_empty() {
            String::new()
        } else {
            format!("{line} ")
        };
        for c in word.chars() {
            current.push(c);
            if !fits(&current) && current.chars().count() > 1 {
                current.pop();
                lines.push(current.trim_end().to_string());
                current = c.to_string();
            }
        }
        line = current;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            *last = truncate(&format!("{last}…"), size, bold, width);
        }
    }
    lines
}

/// The text, or as much of it as fits in `width` followed by "…".
pub fn truncate(text: &str, size: f64, bold: bool, width: f64) -> String {
    if text_width(text, size, bold) <= width {
        return text.to_string();
    }
    let budget = width - text_width("…", size, bold);
    let mut kept = String::new();
    for c in text.chars() {
        kept.push(c);
        if text_width(&kept, size, bold) > budget {
            kept.pop();
            break;
        }
    }
    format!("{}…", kept.trim_end())
}

/// Escapes for text and attribute values alike; tabs and line breaks become
/// spaces and the other characters XML 1.0 forbids are dropped, since they
/// would make the whole SVG invalid.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A number with at most one decimal and no trailing `.0`, and never `-0`:
/// enough for the screen, short in the file, and the same on every run.
pub fn num(value: f64) -> String {
    // Whole tenths as an integer, so formatting cannot produce `-0` or
    // `0.30000000000000004`. Coordinates are a few thousand at most.
    #[allow(clippy::cast_possible_truncation)]
    let tenths = (value * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let magnitude = tenths.unsigned_abs();
    match magnitude % 10 {
        0 => format!("{sign}{}", magnitude / 10),
        decimal => format!("{sign}{}.{decimal}", magnitude / 10),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_never_negative_zero() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.34), "12.3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(-1.25), "-1.3");
    }

    #[test]
    fn wide_characters_count_a_full_em_and_bold_runs_wider() {
        assert_eq!(text_width("中文", 10.0, false), 20.0);
        assert!(text_width("Aa", 10.0, true) > text_width("Aa", 10.0, false));
    }

    #[test]
    fn long_words_break_and_extra_lines_end_in_an_ellipsis() {
        let lines = wrap("一二三四五六七八九十", 10.0, false, 35.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| text_width(l, 10.0, false) <= 35.0));
        assert!(lines[1].ends_with('…'));
    }

    #[test]
    fn escaping_keeps_the_svg_valid() {
        assert_eq!(escape("a<b & \"c\"\n\u{1}"), "a&lt;b &amp; &quot;c&quot; ");
    }
}
