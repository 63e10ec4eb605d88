//! End-to-end tests of `bouncekit-web`: each test starts the real server on
//! `127.0.0.1:0` (a temporary SQLite file, its own runtime thread) and talks HTTP to it.

mod api;
mod auth;
mod common;
mod limits;
mod listener;
mod security;
mod ui;
mod webhooks;
