//! Tests of the decision engine: a table of policy cases, configuration, helpers.

mod cases;
mod config;
mod helpers;
