//! `cargo +nightly fuzz run classify`: see `mailcheck_fuzz::classify` for what it feeds and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mailcheck_fuzz::classify(data));
