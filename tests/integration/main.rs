//! mailcheck's integration tests: one binary (cheap to link), run on real sockets.
//!
//! - `support`: the test world (a DNS server, an HTTPS/HTTP server with a test CA) and helpers.
//! - `defaults`: options from `MAILCHECK_*` variables and the configuration file.
//! - `discovery`: every discovery source against that world, alone and together.
//! - `providers`: discovery with the bundled provider database.
//! - `cli`: exit statuses, stdout/stderr discipline and the JSON shape of the contract.
//! - `byte_level`: scripted in-process mail servers for exact byte-level cases.
//! - `running`: the examples of `docs/running.md` (CI jobs, Nagios and Icinga 2, a fleet), run.
//! - `scenarios`: one generic runner for the folders of `tests/scenarios/` (zones, documents,
//!   transcripts, arguments, expected reports), in process on ephemeral ports: no root needed.
//! - `real_servers`: real Dovecot, Postfix, dnsmasq and nginx (`tests/servers/up`).
//! - `chinese`: every Chinese report snapshot read for ASCII punctuation and English step names.
//! - `library`: the public API as another tool uses it (`examples/diagnose.rs`).
//! - `oauth_dovecot`: OAuth tokens minted by the test against Dovecot's oauth2 passdb (scenario
//!   16 of `tests/servers/`).
//! - `formats`: JUnit, Nagios, Prometheus and HTML read by their real consumers.
//! - `fuzz_regressions`: what the fuzz targets (`fuzz/`) found, replayed with their checks.
//!
//! The other worlds bind ports 53, 80 and 443 on loopback addresses 127.x.y.z, so the tests run as
//! root (or with CAP_NET_BIND_SERVICE).

mod byte_level;
mod chinese;
mod cli;
mod defaults;
mod discovery;
mod experience;
mod formats;
mod fuzz_regressions;
mod ispdb;
mod library;
mod oauth_dovecot;
mod providers;
mod real_servers;
mod running;
mod scenarios;
mod snapshots;
mod support;

/// Counts heap bytes, for the scenarios that bound a run's memory (`max_memory_mb`).
#[global_allocator]
static ALLOCATOR: support::alloc::Counting = support::alloc::Counting;
