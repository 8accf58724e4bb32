//! Exports for other tools: spreadsheets (CSV with a BOM) and learning
//! record stores (xAPI statements).

pub mod records;
pub mod spreadsheet;
pub mod xapi;
