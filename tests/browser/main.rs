//! Browser tests: the real server on SQLite, driven through headless
//! Chromium (chromedriver, WebDriver) as a person would use it. Each test
//! saves screenshots under `target/browser-screenshots/<test>/`.
//!
//! Without Chromium and chromedriver the tests say they were skipped; under
//! CI=true they fail instead. The API tests cover PostgreSQL.

// Tests state their expectations with unwrap: a failure is the assertion.
#![allow(clippy::unwrap_used)]

// The API tests' harness: spawn_app, create_user, PASSWORD. Not all of it
// is used here.
#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

mod driver;

mod daily_review;
mod demo_company;

mod language;
mod learner;
mod learning_flow;
mod login;
mod manager_tools;
