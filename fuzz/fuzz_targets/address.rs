//! `cargo +nightly fuzz run address`: see `mailcheck_fuzz::address` for what it feeds and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mailcheck_fuzz::address(data));
