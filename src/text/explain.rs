//! An explained reply in words.

use super::finding::refusal_hint;
use super::{Phrase, catalogue};
use crate::diagnose::explain::Explanation;
use crate::lang::Lang;

/// The explanation's message and hint.
pub fn word(explanation: &Explanation, lang: Lang) -> (String, String) {
    let t = catalogue(lang);
    match explanation.code {
        Some(code) => (
            t.generic(code).0.to_owned(),
            refusal_hint(
                explanation.provider,
                code,
                &explanation.possible_causes,
                lang,
            ),
        ),
        None => (
            t.phrase(Phrase::ReplyNotRecognised).to_owned(),
            t.phrase(Phrase::RunMailcheckOnTheAddress).to_owned(),
        ),
    }
}
