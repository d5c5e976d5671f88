//! The rules, in the order the module docs give: each reads the parsed reply and either decides
//! (the causes, most likely first, and its own name) or passes to the next.

use std::cell::OnceCell;

use super::cues::WordCues;
use super::ranked::ranked;
use super::reply::ParsedReply;
use crate::clientconfig::ProviderConfig;
use crate::finding::{FindingCode, Stage};
use crate::settings::Protocol;

use FindingCode::{
    AccountLocked, AppPasswordRequired, BadCredentials, NotAConnectionProblem, OauthRequired,
    RateLimited, SmtpAuthMissing, SmtpDisabled, TemporarilyUnavailable, TlsRequired,
    WebLoginRequired,
};

/// The order of the module docs: a rule is tried only when none before it decided.
const RULES: [fn(&Ctx) -> Option<Decision>; 8] = [
    provider_rule,
    imap_rule,
    message_rule,
    smtp_rule,
    pop3_rule,
    wording_rule,
    greeting_rule,
    login_rule,
];

/// The first rule that names a cause still possible at this stage: those causes, most likely
/// first, and the rule's name. `None` when no rule does.
pub(super) fn decide(
    protocol: Option<Protocol>,
    stage: Option<Stage>,
    provider: Option<&ProviderConfig>,
    reply: ParsedReply,
) -> Option<(Vec<FindingCode>, String)> {
    let ctx = Ctx {
        protocol,
        stage,
        provider,
        words: OnceCell::new(),
        alert_words: OnceCell::new(),
        reply,
    };
    RULES.iter().find_map(|rule| {
        let Decision { causes, rule } = rule(&ctx)?;
        let causes = ctx.filter_for_stage(causes);
        (!causes.is_empty()).then_some((causes, rule))
    })
}

/// A rule's answer.
struct Decision {
    causes: Vec<FindingCode>,
    rule: String,
}

impl Decision {
    fn new(causes: Vec<FindingCode>, rule: impl Into<String>) -> Option<Decision> {
        Some(Decision {
            causes,
            rule: rule.into(),
        })
    }
}

/// How far the wording may change a response code's answer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Refine {
    /// The code is decisive.
    No,
    /// Only "too many …" moves `rate_limited` to the front.
    Rate,
    /// The code says "refused" without detail: specific causes in the wording come first.
    Full,
}

struct Ctx<'a> {
    reply: ParsedReply,
    /// The protocol given, else the one the reply's shape shows.
    protocol: Option<Protocol>,
    stage: Option<Stage>,
    provider: Option<&'a ProviderConfig>,
    words: OnceCell<WordCues>,
    alert_words: OnceCell<WordCues>,
}

impl Ctx<'_> {
    fn words(&self) -> &WordCues {
        self.words.get_or_init(|| WordCues::read(&self.reply.lower))
    }

    fn alert_words(&self) -> &WordCues {
        self.alert_words.get_or_init(|| {
            self.reply
                .alert
                .as_deref()
                .map(|a| WordCues::read(&a.to_lowercase()))
                .unwrap_or_default()
        })
    }

    /// What "the service is not enabled" means here: the code of the protocol spoken (or of
    /// `fallback`, the protocol a response code belongs to); when neither is known, of the
    /// protocols the text names; when it names none, all three (QQ and NetEase switch them on
    /// together).
    fn disabled(&self, fallback: Option<Protocol>) -> Vec<FindingCode> {
        if let Some(p) = self.protocol.or(fallback) {
            return vec![FindingCode::disabled_for(p)];
        }
        let named: &[Protocol] = if self.reply.named.is_empty() {
            &Protocol::ALL
        } else {
            &self.reply.named
        };
        named
            .iter()
            .map(|&p| FindingCode::disabled_for(p))
            .collect()
    }

    /// A response code's causes, refined by the wording as `refine` allows.
    fn refine(
        &self,
        base: Vec<FindingCode>,
        refine: Refine,
        fallback: Option<Protocol>,
        rule: String,
    ) -> Option<Decision> {
        let words = self.words();
        match refine {
            Refine::Rate if words.rate && base.first() != Some(&RateLimited) => Decision::new(
                ranked([vec![RateLimited], base]),
                format!("{rule} + wording"),
            ),
            Refine::Full if !words.is_empty() => {
                let named = words.causes(&self.disabled(fallback));
                if words.several {
                    return Decision::new(ranked([named, base]), format!("{rule} + wording"));
                }
                // What the wording says beyond "refused" and "try later".
                let specific = WordCues {
                    credentials: false,
                    temporary: false,
                    ..*words
                }
                .causes(&self.disabled(fallback));
                if specific.is_empty() || base.first() == specific.first() {
                    return Decision::new(ranked([base, named]), rule);
                }
                Decision::new(ranked([specific, base, named]), format!("{rule} + wording"))
            }
            _ => Decision::new(base, rule),
        }
    }

    fn filter_for_stage(&self, mut causes: Vec<FindingCode>) -> Vec<FindingCode> {
        if matches!(self.stage, Some(Stage::Greeting | Stage::AfterLogin)) {
            // No credentials were sent yet, or they were accepted.
            causes.retain(|c| *c != BadCredentials);
        }
        causes
    }
}

/// 1. The provider's own reply patterns, in file order.
fn provider_rule(ctx: &Ctx) -> Option<Decision> {
    let provider = ctx.provider?;
    let pattern = provider.replies.iter().find(|p| {
        p.protocol.is_none_or(|pp| ctx.protocol == Some(pp))
            && !p.text.is_empty()
            && ctx.reply.lower.contains(&p.text.to_lowercase())
    })?;
    Decision::new(
        ranked([vec![pattern.code], pattern.also.clone()]),
        format!("provider {}: reply pattern {:?}", provider.id, pattern.text),
    )
}

/// 2. IMAP: the `[ALERT]` text, then the RFC 5530 codes.
fn imap_rule(ctx: &Ctx) -> Option<Decision> {
    let imap = Some(Protocol::Imap);
    let disabled = || ctx.disabled(imap);
    let code = [
        "PRIVACYREQUIRED",
        "EXPIRED",
        "CONTACTADMIN",
        "AUTHORIZATIONFAILED",
        "LIMIT",
        "UNAVAILABLE",
        "INUSE",
        "AUTHENTICATIONFAILED",
    ]
    .into_iter()
    .find(|c| ctx.reply.has_code(c));
    let base = code.map(|code| {
        let (causes, refine) = match code {
            "PRIVACYREQUIRED" => (vec![TlsRequired], Refine::No),
            // The password must be changed, which webmail asks for.
            "EXPIRED" => (vec![WebLoginRequired, BadCredentials], Refine::Full),
            "CONTACTADMIN" => (ranked([vec![AccountLocked], disabled()]), Refine::Full),
            "AUTHORIZATIONFAILED" => (ranked([disabled(), vec![AccountLocked]]), Refine::Full),
            "LIMIT" => (vec![RateLimited, TemporarilyUnavailable], Refine::No),
            "UNAVAILABLE" | "INUSE" => (vec![TemporarilyUnavailable], Refine::Rate),
            _ => (
                ranked([vec![BadCredentials, AppPasswordRequired], disabled()]),
                Refine::Full,
            ),
        };
        (code, causes, refine)
    });
    let alert = ctx.alert_words();
    if !alert.is_empty() {
        let named = alert.causes(&disabled());
        return match base {
            Some((code, causes, _)) => Decision::new(
                ranked([named, causes]),
                format!("IMAP [ALERT] wording + RFC 5530 {code}"),
            ),
            None => Decision::new(named, "IMAP [ALERT] wording"),
        };
    }
    let (code, causes, refine) = base?;
    ctx.refine(causes, refine, imap, format!("RFC 5530 {code}"))
}

/// 3. SMTP reply codes and enhanced status codes.
fn smtp_rule(ctx: &Ctx) -> Option<Decision> {
    let reply = &ctx.reply;
    let basic = reply.smtp;
    let enhanced = reply.enhanced;
    if basic.is_none() && enhanced.is_none() {
        return None;
    }
    let smtp = Some(Protocol::Smtp);
    let words = ctx.words();
    let lower = reply.lower.as_str();
    let name = match (basic, enhanced) {
        (Some(b), Some(e)) => format!("SMTP {b} {e}"),
        (Some(b), None) => format!("SMTP {b}"),
        (None, Some(e)) => format!("SMTP {e}"),
        (None, None) => unreachable!(),
    };
    let is = |c: u8, s: u16, d: u16| enhanced.is_some_and(|e| e.is(c, s, d));
    let auth_reply = matches!(basic, None | Some(534 | 535));

    // Microsoft 365 / Exchange Online: the reason follows the code.
    if is(5, 7, 139) {
        let reasons: [(&str, &str, &[FindingCode]); 7] = [
            (
                "smtpclientauthentication is disabled",
                "SmtpClientAuthentication disabled",
                &[SmtpDisabled],
            ),
            (
                "basic authentication is disabled",
                "basic authentication disabled",
                &[OauthRequired, SmtpDisabled],
            ),
            (
                "security defaults",
                "security defaults",
                &[AppPasswordRequired, SmtpDisabled, AccountLocked],
            ),
            (
                "did not meet the criteria",
                "conditional access",
                &[AppPasswordRequired, SmtpDisabled],
            ),
            (
                "credentials were incorrect",
                "credentials incorrect",
                &[BadCredentials, AppPasswordRequired],
            ),
            ("locked", "account locked", &[AccountLocked]),
            ("disabled", "disabled", &[SmtpDisabled, AccountLocked]),
        ];
        return match reasons.iter().find(|(cue, _, _)| lower.contains(cue)) {
            Some((_, reason, causes)) => Decision::new(causes.to_vec(), format!("{name} {reason}")),
            None => Decision::new(
                vec![BadCredentials, AppPasswordRequired, SmtpDisabled],
                name,
            ),
        };
    }
    if is(5, 7, 30) {
        // "Basic authentication is not supported for Client Submission".
        return Decision::new(vec![OauthRequired, SmtpDisabled], name);
    }
    if basic == Some(538) || is(5, 7, 11) {
        return Decision::new(vec![TlsRequired], name);
    }
    if basic == Some(530) {
        if words.tls {
            return Decision::new(vec![TlsRequired], name);
        }
        // "Authentication required": the client did not log in at all (RFC 4954). Some
        // servers offer AUTH only after STARTTLS, which a client without TLS never sees.
        return ctx.refine(
            vec![SmtpAuthMissing, TlsRequired],
            Refine::Full,
            smtp,
            format!("{name} authentication required"),
        );
    }
    if auth_reply && is(5, 7, 14) {
        return Decision::new(vec![WebLoginRequired, AppPasswordRequired], name);
    }
    if auth_reply && (is(5, 7, 9) || basic == Some(534)) {
        let causes = if words.web_login {
            vec![WebLoginRequired, AppPasswordRequired]
        } else {
            vec![AppPasswordRequired, WebLoginRequired]
        };
        return Decision::new(causes, name);
    }
    if is(4, 7, 12) {
        // "A password transition is needed" (RFC 4954): change it where the provider asks.
        return Decision::new(vec![WebLoginRequired, BadCredentials], name);
    }
    if basic == Some(535) || (basic.is_none() && is(5, 7, 8)) {
        return ctx.refine(
            ranked([
                vec![BadCredentials, AppPasswordRequired],
                ctx.disabled(smtp),
            ]),
            Refine::Full,
            smtp,
            name,
        );
    }
    if words.auth_missing && basic.is_none_or(|b| b >= 400) {
        // "Relay access denied", "554 5.7.1 Unable to relay": mail for another domain from a
        // client that did not log in. Pasted into `explain`, it may also be a bounce from
        // the recipient's side.
        let mut causes = vec![SmtpAuthMissing];
        if ctx.stage.is_none() {
            causes.push(NotAConnectionProblem);
        }
        return Decision::new(causes, format!("{name} relaying denied"));
    }
    if basic == Some(421) {
        return ctx.refine(
            vec![TemporarilyUnavailable, RateLimited],
            Refine::Rate,
            smtp,
            name,
        );
    }
    if basic == Some(454) || is(4, 7, 0) {
        return ctx.refine(vec![TemporarilyUnavailable], Refine::Rate, smtp, name);
    }
    if matches!(basic, Some(550 | 553 | 554)) && words.disabled {
        // NetEase "550 User has no permission": SMTP is not switched on for the account.
        return Decision::new(
            ranked([ctx.disabled(smtp), vec![AppPasswordRequired]]),
            format!("{name} no permission"),
        );
    }
    if basic.is_some_and(|b| (400..500).contains(&b)) {
        return ctx.refine(vec![TemporarilyUnavailable], Refine::Rate, smtp, name);
    }
    None
}

/// 4. POP3 response codes (RFC 2449, RFC 3206).
fn pop3_rule(ctx: &Ctx) -> Option<Decision> {
    let pop3 = Some(Protocol::Pop3);
    let reply = &ctx.reply;
    let disabled = ctx.disabled(pop3);
    let (code, causes, refine) = if reply.has_pop3_code("AUTH") {
        (
            "AUTH",
            ranked([vec![BadCredentials, AppPasswordRequired], disabled]),
            Refine::Full,
        )
    } else if reply.has_pop3_code("LOGIN-DELAY") {
        (
            "LOGIN-DELAY",
            vec![RateLimited, TemporarilyUnavailable],
            Refine::No,
        )
    } else if reply.has_pop3_code("IN-USE") {
        // Another session holds the mailbox (a phone polling it): it passes when that ends.
        ("IN-USE", vec![TemporarilyUnavailable], Refine::Rate)
    } else if reply.has_code("SYS/TEMP") {
        ("SYS/TEMP", vec![TemporarilyUnavailable], Refine::Rate)
    } else if reply.has_code("SYS/PERM") {
        (
            "SYS/PERM",
            ranked([vec![AccountLocked], disabled]),
            Refine::Full,
        )
    } else {
        return None;
    };
    ctx.refine(causes, refine, pop3, format!("POP3 [{code}]"))
}

/// 5. The wording, English and Chinese.
fn wording_rule(ctx: &Ctx) -> Option<Decision> {
    let words = ctx.words();
    if words.is_empty() {
        return None;
    }
    let rule = if words.several {
        "wording: several causes (Tencent)"
    } else {
        "wording"
    };
    let mut causes = words.causes(&ctx.disabled(None));
    // Exchange Online's "LOGIN failed." for any password login since basic authentication was
    // switched off: OAuth is the next suspect after the password itself.
    let microsoft = ["microsoft exchange", "outlook.com", "office365"]
        .iter()
        .any(|m| ctx.reply.lower.contains(m));
    if microsoft && causes.first() == Some(&BadCredentials) && !causes.contains(&OauthRequired) {
        causes.insert(1, OauthRequired);
    }
    Decision::new(causes, rule)
}

/// `explain` only: a reply about a message rather than the connection (a bounce, a spam
/// rejection, a size limit): RFC 3463's addressing, mailbox, system and content subjects
/// (5.1.x, 5.2.x, 5.3.x, 5.6.x), or the wording. The probes never send mail, so they never
/// see one.
fn message_rule(ctx: &Ctx) -> Option<Decision> {
    if ctx.stage.is_some() {
        return None;
    }
    let words = ctx.words();
    if words.rate || words.auth_missing {
        return None;
    }
    let reply = &ctx.reply;
    let permanent = reply.smtp.is_some_and(|b| (500..600).contains(&b));
    let subject = reply
        .enhanced
        .filter(|e| e.class() == 5)
        .map(|e| e.subject())
        .filter(|s| matches!(s, 1 | 2 | 3 | 6));
    if words.about_a_message {
        return Decision::new(vec![NotAConnectionProblem], "about a message: wording");
    }
    if permanent && let Some(subject) = subject {
        return Decision::new(
            vec![NotAConnectionProblem],
            format!("about a message: 5.{subject}.x"),
        );
    }
    None
}

/// 6a. A server that refuses to talk at all, saying nothing recognisable.
fn greeting_rule(ctx: &Ctx) -> Option<Decision> {
    let r = &ctx.reply;
    if ctx.stage == Some(Stage::Greeting) && (r.imap_bye || r.imap_no || r.pop3_err) {
        return Decision::new(vec![TemporarilyUnavailable], "refused greeting");
    }
    None
}

/// 6b. A refused login that says nothing more: RFC 3501's NO to LOGIN is "credentials wrong, or
/// refused by policy".
fn login_rule(ctx: &Ctx) -> Option<Decision> {
    let r = &ctx.reply;
    if ctx.stage != Some(Stage::Login) {
        return None;
    }
    let (protocol, what) = if r.imap_no {
        (Protocol::Imap, "IMAP NO")
    } else if r.pop3_err {
        (Protocol::Pop3, "POP3 -ERR")
    } else {
        return None;
    };
    Decision::new(
        ranked([
            vec![BadCredentials, AppPasswordRequired],
            ctx.disabled(Some(protocol)),
        ]),
        format!("refused login ({what})"),
    )
}
