//! The inputs with which the fuzz targets found a bug, `fuzz/regressions/<target>/`, replayed with
//! the targets' own checks (`fuzz/src/lib.rs`, included here) so that each bug stays fixed. An
//! input dropped into one of those directories is a test from then on; see `fuzz/README.md`.

use std::path::Path;

#[path = "../../fuzz/src/lib.rs"]
mod checks;

/// Runs `check` on every input kept for `target`.
fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut inputs: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    inputs.sort();
    for path in inputs {
        let data = std::fs::read(&path).unwrap();
        let replayed = std::panic::catch_unwind(|| check(&data));
        assert!(replayed.is_ok(), "{} fails again", path.display());
    }
}

#[test]
fn address() {
    replay("address", checks::address);
}

#[test]
fn clientconfig() {
    replay("clientconfig", checks::clientconfig);
}

#[test]
fn classify() {
    replay("classify", checks::classify);
}

#[test]
fn imap() {
    replay("imap", checks::imap);
}

#[test]
fn pop3() {
    replay("pop3", checks::pop3);
}

#[test]
fn smtp() {
    replay("smtp", checks::smtp);
}
