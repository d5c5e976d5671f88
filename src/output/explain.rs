//! `mailcheck explain`'s output: a few lines for a person, or the contract's JSON document.

use crate::diagnose::explain::Explanation;
use crate::lang::Lang;
use crate::text::{self, Phrase, catalogue};

/// The explanation as text; `provider` is what the user passed to `--provider`, echoed in JSON.
pub fn render(explanation: &Explanation, provider: Option<&str>, json: bool, lang: Lang) -> String {
    let (message, hint) = text::explain::word(explanation, lang);
    let code = explanation.code.map_or("unknown", |c| c.as_str());
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
    if causes.len() > 1 {
        out.push_str(&t.labelled(t.phrase(Phrase::PossibleCauses), &causes.join(", ")));
        out.push('\n');
    }
    out
}
