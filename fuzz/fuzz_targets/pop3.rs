//! `cargo +nightly fuzz run pop3`: see `mailcheck_fuzz::pop3` for what it feeds and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mailcheck_fuzz::pop3(data));
