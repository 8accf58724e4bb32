//! Arbitrary text as a role-play: parsing, the graph analysis and the SVG
//! drawing must never panic or hang, and diagnostics stay inside the file.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use salesdojo_fuzz::content::roleplay_graph::{GraphLabels, analyse, render_svg};
use salesdojo_fuzz::content::{SourceFile, parse_roleplay};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = Arc::new(SourceFile::new("content/modules/m/roleplay-x.md", text));
    let (roleplay, diagnostics) = parse_roleplay(&source);
    for diagnostic in &diagnostics {
        assert!(
            diagnostic.span.end <= text.len(),
            "a diagnostic points past the end"
        );
    }
    let Some(roleplay) = roleplay else { return };
    let analysis = analyse(&roleplay);
    let svg = render_svg(&roleplay, &analysis, &GraphLabels::english());
    assert!(
        !svg.contains("<script"),
        "file text reached the SVG unescaped"
    );
});
