//! `cargo +nightly fuzz run clientconfig`: see `mailcheck_fuzz::clientconfig` for what it feeds and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mailcheck_fuzz::clientconfig(data));
