//! Integration tests: the real server, over HTTP, on SQLite and PostgreSQL.
//! One binary for every area links faster than one per file.

// Tests state their expectations with unwrap: a failure is the assertion.
#![allow(clippy::unwrap_used)]

mod helpers;

mod access;
mod accounts;
mod cli;
mod content_check;
mod content_serving;
mod curriculum;
mod daily_review;
mod demo;
mod errors;
mod exports;
mod item_analysis;
mod learning;
mod ops;
mod outage;
mod pages;
mod security;
mod session;
mod team_tools;
mod time_zones;
mod user_import;
mod xapi_rules;
