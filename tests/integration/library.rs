//! The library for other Rust tools: `examples/diagnose.rs`, built with the tests (cargo
//! builds the examples of a package it tests), diagnoses an address with the public API alone
//! and prints the finding codes.

use std::path::PathBuf;
use std::process::Command;

use crate::support::process::{isolated, run};

/// `target/<profile>/examples/diagnose`, beside the test binary's `deps/`.
fn example() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let path = profile.join("examples").join("diagnose");
    assert!(
        path.exists(),
        "{} is built with the tests (cargo test/nextest build the examples)",
        path.display()
    );
    path
}

#[test]
fn the_example_diagnoses_an_address_and_prints_the_codes() {
    let unknown =
        run(isolated(&mut Command::new(example()))
            .args(["--offline", "nobody@unknown-domain.example"]));
    assert_eq!(unknown.code, 1, "{}", unknown.stderr);
    assert!(
        unknown
            .stdout
            .starts_with("no_settings_found\terror\t-\tNo source produced any server settings"),
        "{}",
        unknown.stdout
    );
    let qq = run(isolated(&mut Command::new(example())).args(["--offline", "alice@qq.com"]));
    assert_eq!(qq.code, 0, "{}", qq.stderr);
    assert!(qq.stdout.starts_with("conclusion: ok ("), "{}", qq.stdout);
    let bad = run(isolated(&mut Command::new(example())).arg("not an address"));
    assert_eq!(bad.code, 3);
}
