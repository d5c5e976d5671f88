//! A ranked list of causes: most likely first, each once.

use crate::finding::FindingCode;

/// A ranked list without repeats.
#[derive(Default)]
pub(super) struct Causes(pub(super) Vec<FindingCode>);

impl Causes {
    pub(super) fn push(&mut self, code: FindingCode) {
        if !self.0.contains(&code) {
            self.0.push(code);
        }
    }

    pub(super) fn extend(&mut self, codes: impl IntoIterator<Item = FindingCode>) {
        for code in codes {
            self.push(code);
        }
    }
}

/// The parts one after the other, each cause where it first appears.
pub(super) fn ranked(
    parts: impl IntoIterator<Item = impl IntoIterator<Item = FindingCode>>,
) -> Vec<FindingCode> {
    let mut out = Causes::default();
    for part in parts {
        out.extend(part);
    }
    out.0
}
