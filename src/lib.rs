//! Sales Dojo: a self-hosted training platform for sales skills.
//!
//! Data flows one way: content files -> catalog -> handlers -> templates;
//! learner actions -> store -> competency model -> pages.

pub mod access_log;
pub mod accounts;
pub mod analysis;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod competency;
pub mod config;
pub mod content;
pub mod demo;
pub mod domain;
pub mod error;
pub mod export;
pub mod fixed_sql;
pub mod i18n;
pub mod learning;
pub mod library;
pub mod log_writer;
pub mod management;
pub mod radar;
pub mod review;
pub mod roster;
pub mod routes;
pub mod startup;
pub mod state;
pub mod store;
pub mod svg_text;
pub mod telemetry;
pub mod templates;
pub mod time_zone;
pub mod user_import;
pub mod views;
