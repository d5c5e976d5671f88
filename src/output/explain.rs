//! `mailcheck explain`'s output: a few lines for a person, or the contract's JSON document.

use crate::diagnose::explain::Explanation;
use crate::lang::Lang;
use crate::text::{self, Phrase, catalogue};

/// The explanation as text. In JSON, `provider` is what the user passed to `--provider` when a
/// provider was recognised by it, else null (the contract's `explain --json`).
pub fn render(explanation: &Explanation, json: bool, lang: Lang) -> String {
    let (message, hint) = text::explain::word(explanation, lang);
    let code = explanation.code.map_or("unknown", |c| c.as_str());
    let provider = explanation
        .provider
        .and(explanation.provider_given.as_deref());
    if json {
        let doc = serde_json::json!({
            "code": code,
            "possible_causes": explanation.possible_causes,
            "protocol": explanation.protocol,
            "provider": provider,
            "message": message,
            "hint": hint,
        });
        return format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).expect("plain JSON")
        );
    }
    let t = catalogue(lang);
    let causes: Vec<&str> = explanation
        .possible_causes
        .iter()
        .map(|c| c.as_str())
        .collect();
    let mut out = format!("{code}: {message}\n→ {hint}\n");
    if let Some(given) = explanation
        .provider_given
        .as_deref()
        .filter(|_| explanation.provider_not_recognised())
    {
        let colon = if t.sentence_gap().is_empty() {
            "："
        } else {
            ":"
        };
        out.push_str(&t.labelled(
            &format!("{}{colon}", t.phrase(Phrase::ProviderNotRecognised)),
            given,
        ));
        out.push('\n');
    }
    if causes.len() > 1 {
        out.push_str(&t.labelled(t.phrase(Phrase::PossibleCauses), &causes.join(", ")));
        out.push('\n');
    }
    out
}
