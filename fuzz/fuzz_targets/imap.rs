//! `cargo +nightly fuzz run imap`: see `mailcheck_fuzz::imap` for what it feeds and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mailcheck_fuzz::imap(data));
