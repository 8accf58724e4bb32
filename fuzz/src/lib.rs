//! The content module of the main crate, compiled on its own for fuzzing.
#![allow(dead_code)]

#[path = "../../src/content/mod.rs"]
pub mod content;

#[path = "../../src/svg_text.rs"]
pub mod svg_text;
