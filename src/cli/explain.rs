//! `mailcheck explain`: the classifier that reads server refusals, on one line pasted from a
//! mail client or a log.

use clap::Args;

use super::{Failure, bad_input, language, write_stdout};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The reply, e.g. "535 Login Fail. Please enter your authorization code to login"
    #[arg(value_name = "REPLY")]
    reply: String,

    /// The protocol the reply came from
    #[arg(long, value_parser = ["imap", "pop3", "smtp"])]
    protocol: Option<String>,

    /// The user's mail domain or the provider's domain, for provider-specific meaning
    #[arg(long, value_name = "DOMAIN")]
    provider: Option<String>,

    /// Print one JSON document on stdout
    #[arg(long)]
    json: bool,

    /// Language of the explanation
    #[arg(long, value_parser = ["en", "zh"], value_name = "LANG")]
    lang: Option<String>,
}

/// `mailcheck explain`: the classifier on one pasted reply.
pub fn run(args: &ExplainArgs) -> Result<u8, Failure> {
    use mailcheck::diagnose::{classify, servers::refusal_hint, text};
    let lang = language(args.lang.as_deref());
    let protocol = args
        .protocol
        .as_deref()
        .and_then(|p| p.parse::<mailcheck::Protocol>().ok());
    let provider = match args.provider.as_deref() {
        Some(name) => Some(classify::provider_for(name).ok_or_else(|| {
            bad_input(anyhow::anyhow!(
                "--provider {name}: not a known provider or mail domain"
            ))
        })?),
        None => None,
    };
    let class = classify::classify(protocol, None, &args.reply, provider);
    let (message, hint) = match class.code {
        Some(code) => (
            text::generic(code, lang).0.to_owned(),
            refusal_hint(provider, code, &class.possible_causes, lang),
        ),
        None => (
            lang.pick(
                "mailcheck does not recognise this reply.",
                "mailcheck 无法识别此回复。",
            )
            .to_owned(),
            lang.pick(
                "Run `mailcheck ADDRESS` to probe the servers themselves.",
                "请运行 `mailcheck 邮箱地址` 直接检测服务器。",
            )
            .to_owned(),
        ),
    };
    let code = class.code.map_or("unknown", |c| c.as_str());
    let text = if args.json {
        let doc = serde_json::json!({
            "code": code,
            "possible_causes": class.possible_causes,
            "protocol": protocol,
            "provider": args.provider,
            "message": message,
            "hint": hint,
        });
        format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).expect("plain JSON")
        )
    } else {
        let causes: Vec<&str> = class.possible_causes.iter().map(|c| c.as_str()).collect();
        let mut out = format!("{code}: {message}\n→ {hint}\n");
        if causes.len() > 1 {
            let label = lang.pick(
                "Possible causes, most likely first:",
                "可能原因（按可能性排序）：",
            );
            out.push_str(&lang.labelled(label, &causes.join(", ")));
            out.push('\n');
        }
        out
    };
    write_stdout(&text)?;
    Ok(0)
}
