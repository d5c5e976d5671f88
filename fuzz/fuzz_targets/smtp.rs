//! `cargo +nightly fuzz run smtp`: see `mailcheck_fuzz::smtp` for what it feeds and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mailcheck_fuzz::smtp(data));
