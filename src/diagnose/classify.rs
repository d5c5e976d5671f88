//! Reading refusals: what a server's "no" means, as the contract's finding codes.
//!
//! One classifier serves the probes (a refused `LOGIN`, `AUTH`, `PASS` or `EXAMINE`) and
//! `mailcheck explain` (a line pasted from a mail client or a log). The rules run in the order of
//! issue 4, and the first that recognises the reply decides:
//!
//! 1. the provider's own reply patterns (`mc:reply` in `providers/`);
//! 2. IMAP response codes (RFC 5530 and the `[ALERT]` text);
//! 3. SMTP reply codes and enhanced status codes (RFC 3463, RFC 4954, Microsoft's 5.7.139);
//! 4. POP3 response codes (RFC 2449, RFC 3206);
//! 5. the wording, in English and Chinese;
//! 6. the stage alone: a refused greeting, or a refused login that says nothing more.
//!
//! Response codes that carry no detail by definition (`[AUTHENTICATIONFAILED]`, `535 5.7.8`,
//! `-ERR [AUTH]`, …) are refined by the wording: a specific cause named in the text ("authorization
//! code", "not enabled for POP access", "plaintext authentication disallowed") is ranked before the
//! code's own causes, and the rule says `… + wording`.
//!
//! A reply is read leniently: codes are found in server lines (`a1 NO [AUTHENTICATIONFAILED] …`,
//! `535-5.7.8 …`, `-ERR [AUTH] …`) and in what mail clients and libraries print around them
//! (`(535, b'5.7.8 …')`, `Server said: [ALERT] …`). Only the first [`MAX_REPLY_BYTES`] are read.

use std::cell::OnceCell;

use crate::clientconfig::ProviderConfig;
use crate::discover::provider_db::ProviderDb;
use crate::finding::FindingCode;
use crate::settings::Protocol;

use FindingCode::{
    AccountLocked, AppPasswordRequired, BadCredentials, RateLimited, SmtpDisabled,
    TemporarilyUnavailable, TlsRequired, WebLoginRequired,
};

/// How much of a reply is read; the rest is ignored (real refusals are one or a few lines).
pub const MAX_REPLY_BYTES: usize = 16 * 1024;

/// What a refusal means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classification {
    /// The most likely code; `None` when the reply says nothing recognisable ("unknown").
    pub code: Option<FindingCode>,
    /// Every cause the reply leaves open, most likely first, starting with `code` (empty when
    /// unknown).
    pub possible_causes: Vec<FindingCode>,
    /// Which rule decided: for tests and for `-v` ("provider qq: reply pattern …", "RFC 5530
    /// AUTHENTICATIONFAILED", "SMTP 535 5.7.8", "POP3 [AUTH]", "wording", …). Also set when the
    /// reply is unknown ("no rule matched") or not a refusal at all ("not a refusal").
    pub rule: String,
    /// IMAP `[ALERT]` text, to show as-is.
    pub alert: Option<String>,
}

impl Classification {
    /// The contract's name of the code: a finding code, or `unknown`.
    pub fn code_str(&self) -> &'static str {
        self.code.map_or("unknown", FindingCode::as_str)
    }

    pub fn is_unknown(&self) -> bool {
        self.code.is_none()
    }

    fn unknown(rule: &str, alert: Option<String>) -> Self {
        Self {
            code: None,
            possible_causes: Vec::new(),
            rule: rule.to_owned(),
            alert,
        }
    }
}

/// Where in the dialogue the reply came (a NO to LOGIN means something else than a NO to
/// EXAMINE).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    /// The server's first words (`* BYE`, `421`, `-ERR` instead of a greeting).
    Greeting,
    /// The answer to `LOGIN`/`AUTHENTICATE`, `USER`/`PASS`/`AUTH`, SMTP `AUTH`.
    Login,
    /// After a successful login: `ID`, `EXAMINE INBOX`, `STAT`. Credentials are proved right
    /// here, so `bad_credentials` is never a cause.
    AfterLogin,
    /// Not known (a line pasted into `mailcheck explain`).
    Other,
}

impl From<crate::finding::Stage> for Stage {
    fn from(stage: crate::finding::Stage) -> Self {
        match stage {
            crate::finding::Stage::Greeting => Stage::Greeting,
            crate::finding::Stage::Login => Stage::Login,
            crate::finding::Stage::AfterLogin => Stage::AfterLogin,
        }
    }
}

/// Classifies one server reply (one line or several). Never panics.
///
/// `protocol` is the protocol spoken; when `None` it is guessed from the reply's shape (`+OK`/
/// `-ERR` POP3, `* NO`/`a1 NO` IMAP, `535 …` SMTP). `provider` is the provider the account
/// belongs to, whose reply patterns are tried first.
pub fn classify(
    protocol: Option<Protocol>,
    stage: Stage,
    reply: &str,
    provider: Option<&ProviderConfig>,
) -> Classification {
    let reply = Reply::parse(reply);
    let alert = reply.alert.clone();
    if reply.is_positive() {
        return Classification::unknown("not a refusal", alert);
    }
    let ctx = Ctx {
        protocol: protocol.or(reply.shape),
        stage,
        provider,
        words: OnceCell::new(),
        alert_words: OnceCell::new(),
        reply,
    };
    const RULES: [fn(&Ctx) -> Option<Decision>; 7] = [
        provider_rule,
        imap_rule,
        smtp_rule,
        pop3_rule,
        wording_rule,
        greeting_rule,
        login_rule,
    ];
    for rule in RULES {
        let Some(Decision { causes, rule }) = rule(&ctx) else {
            continue;
        };
        let causes = ctx.filter_for_stage(causes);
        if let Some(&code) = causes.first() {
            return Classification {
                code: Some(code),
                possible_causes: causes,
                rule,
                alert,
            };
        }
    }
    Classification::unknown("no rule matched", alert)
}

/// Finds the provider for `explain --provider X`: X is a mail domain (`qq.com`), an address
/// (`alice@qq.com`), a provider id (`exmail`), an MX host (`mxbiz1.qq.com`) or a server host name
/// below a provider's domain (`smtp.qq.com`). Uses the bundled database.
pub fn provider_for(name: &str) -> Option<&'static ProviderConfig> {
    find_provider(ProviderDb::bundled(), name)
}

fn find_provider<'a>(db: &'a ProviderDb, name: &str) -> Option<&'a ProviderConfig> {
    let name = name.trim().trim_end_matches('.');
    let name = name.rsplit_once('@').map_or(name, |(_, domain)| domain);
    if name.is_empty() {
        return None;
    }
    let lower = name.to_lowercase();
    if let Some(p) = db.get(&lower).or_else(|| db.get(name)) {
        return Some(p);
    }
    let domain = crate::address::normalise_domain(&lower)
        .map(|(ascii, _)| ascii)
        .unwrap_or(lower);
    if let Some(p) = db.by_domain(&domain) {
        return Some(p);
    }
    if let Some((p, _)) = db.by_mx(std::slice::from_ref(&domain)) {
        return Some(p);
    }
    // A host below a provider's domain (smtp.qq.com → qq.com), nearest parent first.
    let mut rest = domain.as_str();
    while let Some((_, parent)) = rest.split_once('.') {
        if !parent.contains('.') {
            break;
        }
        if let Some(p) = db.by_domain(parent) {
            return Some(p);
        }
        rest = parent;
    }
    db.providers.iter().find(|p| {
        [p.display_name.as_deref(), p.display_short_name.as_deref()]
            .into_iter()
            .flatten()
            .any(|n| n.eq_ignore_ascii_case(name))
    })
}

// ---------------------------------------------------------------------------------------------
// Reading a reply.

/// An RFC 3463 enhanced status code: class.subject.detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Enhanced {
    class: u8,
    subject: u16,
    detail: u16,
}

impl Enhanced {
    fn is(self, class: u8, subject: u16, detail: u16) -> bool {
        (self.class, self.subject, self.detail) == (class, subject, detail)
    }
}

impl std::fmt::Display for Enhanced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

/// What was recognised in a reply.
#[derive(Debug, Default)]
struct Reply {
    /// The reply's text, lower-cased, without `[CAPABILITY …]` lists: for wording and patterns.
    lower: String,
    /// Response codes in brackets, upper-cased first atom: `AUTHENTICATIONFAILED`, `SYS/TEMP`.
    codes: Vec<String>,
    alert: Option<String>,
    /// The SMTP reply code (the first 4xx/5xx one, else the first one).
    smtp: Option<u16>,
    enhanced: Option<Enhanced>,
    /// The protocol the reply's shape shows (first recognised line).
    shape: Option<Protocol>,
    imap_ok: bool,
    imap_no: bool,
    imap_bad: bool,
    imap_bye: bool,
    pop3_ok: bool,
    pop3_err: bool,
    /// Protocols the text names (`IMAP`, `POP3`, `SMTP`), in that order.
    named: Vec<Protocol>,
}

impl Reply {
    fn parse(reply: &str) -> Reply {
        let text = truncate(reply, MAX_REPLY_BYTES);
        let mut r = Reply::default();
        let mut smtp_good = None;
        for raw in text.split('\n') {
            r.read_line(raw, &mut smtp_good);
        }
        if r.smtp.is_none() {
            r.smtp = smtp_good;
        }
        if matches!(r.shape, None | Some(Protocol::Smtp))
            && (r.enhanced.is_none() || r.smtp.is_none())
        {
            r.scan_tokens(text);
        }
        let cleaned = r.read_brackets(text);
        r.lower = cleaned.to_lowercase();
        r.named = named_protocols(&r.lower);
        r
    }

    fn read_line(&mut self, raw: &str, smtp_good: &mut Option<u16>) {
        let line = raw
            .trim_end_matches('\r')
            .trim_start_matches(|c: char| c.is_whitespace() || c == '<' || c == '>');
        let line = ["S:", "s:"]
            .iter()
            .find_map(|p| line.strip_prefix(p))
            .map_or(line, str::trim_start);
        let mut tokens = line.split_whitespace();
        let Some(first) = tokens.next() else {
            return;
        };
        if let Some((code, rest)) = smtp_code(first) {
            self.shape.get_or_insert(Protocol::Smtp);
            if code >= 400 {
                if self.smtp.is_none() {
                    self.smtp = Some(code);
                    let enhanced = if rest.is_empty() {
                        tokens.next().and_then(parse_enhanced)
                    } else {
                        parse_enhanced(rest)
                    };
                    self.enhanced = self.enhanced.or(enhanced);
                }
            } else {
                smtp_good.get_or_insert(code);
            }
            return;
        }
        match first.to_ascii_uppercase().as_str() {
            "+OK" => {
                self.shape.get_or_insert(Protocol::Pop3);
                self.pop3_ok = true;
                return;
            }
            "-ERR" => {
                self.shape.get_or_insert(Protocol::Pop3);
                self.pop3_err = true;
                return;
            }
            _ => {}
        }
        // IMAP servers send the status in upper case; asking for it keeps English prose
        // ("User no longer exists") from reading as a tagged NO.
        let status = if is_imap_status(first) {
            Some(first)
        } else if first == "*" || is_tag(first) {
            tokens.next().filter(|t| is_imap_status(t))
        } else {
            None
        };
        if let Some(status) = status {
            self.shape.get_or_insert(Protocol::Imap);
            match status {
                "NO" => self.imap_no = true,
                "BAD" => self.imap_bad = true,
                "BYE" => self.imap_bye = true,
                _ => self.imap_ok = true,
            }
        }
    }

    /// Finds codes that are not at the start of a line: `(535, b'5.7.8 …')` from Python's
    /// smtplib, `… failed: 535 5.7.8 …` in a client's log.
    fn scan_tokens(&mut self, text: &str) {
        let mut previous: Option<&str> = None;
        for token in text.split_whitespace() {
            let trimmed = token.trim_matches(|c: char| "()[],;:'\"#".contains(c));
            if self.smtp.is_none()
                && token.starts_with('(')
                && token.ends_with(',')
                && let Some((code, "")) = smtp_code(trimmed)
                && code >= 400
            {
                self.smtp = Some(code);
            }
            if self.enhanced.is_none()
                && let Some(enhanced) = parse_enhanced(token)
                && enhanced.class != 2
            {
                self.enhanced = Some(enhanced);
                if self.smtp.is_none()
                    && let Some((code, "")) = previous
                        .map(|p| p.trim_matches(|c: char| "()[],;:'\"#".contains(c)))
                        .and_then(smtp_code)
                {
                    self.smtp = Some(code);
                }
            }
            if self.enhanced.is_some() && self.smtp.is_some() {
                break;
            }
            previous = Some(token);
        }
    }

    /// Collects the bracketed response codes and the `[ALERT]` text, and returns the text without
    /// `[CAPABILITY …]` lists (whose `STARTTLS` or `LOGINDISABLED` would read as wording).
    fn read_brackets(&mut self, text: &str) -> String {
        let mut cleaned = String::with_capacity(text.len());
        let mut copied = 0;
        let mut search = 0;
        while let Some(offset) = text[search..].find('[') {
            let open = search + offset;
            let after = &text[open + 1..];
            let window = &after[..after.find(['\n', '[']).unwrap_or(after.len())];
            let Some(close) = truncate(window, 1024).find(']') else {
                search = open + 1;
                continue;
            };
            let inside = &after[..close];
            let end = open + 1 + close + 1;
            let atom = inside
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_uppercase();
            match atom.as_str() {
                "ALERT" if self.alert.is_none() => {
                    let rest = &text[end..];
                    let line = rest.split(['\r', '\n']).next().unwrap_or("").trim();
                    if !line.is_empty() {
                        self.alert = Some(line.to_owned());
                    }
                }
                "CAPABILITY" => {
                    cleaned.push_str(&text[copied..open]);
                    cleaned.push(' ');
                    copied = end;
                }
                _ => {}
            }
            if !atom.is_empty() && self.codes.len() < 64 {
                self.codes.push(atom);
            }
            search = end;
        }
        cleaned.push_str(&text[copied..]);
        cleaned
    }

    fn has_code(&self, code: &str) -> bool {
        self.codes.iter().any(|c| c == code)
    }

    /// A POP3 code, also with a sub-code (`AUTH/…`).
    fn has_pop3_code(&self, code: &str) -> bool {
        self.codes.iter().any(|c| {
            c == code
                || c.strip_prefix(code)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    }

    fn is_refusal(&self) -> bool {
        self.imap_no
            || self.imap_bad
            || self.imap_bye
            || self.pop3_err
            || self.smtp.is_some_and(|c| c >= 400)
    }

    /// A success or a continuation and nothing else (`* OK …`, `+OK`, `250 …`).
    fn is_positive(&self) -> bool {
        !self.is_refusal()
            && (self.imap_ok || self.pop3_ok || self.smtp.is_some_and(|c| c < 400))
            && self.enhanced.is_none_or(|e| e.class == 2)
    }
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `535`, `535-5.7.8`, `535-` → (535, what follows the hyphen).
fn smtp_code(token: &str) -> Option<(u16, &str)> {
    let b = token.as_bytes();
    if b.len() < 3
        || !(b'2'..=b'5').contains(&b[0])
        || !b[1].is_ascii_digit()
        || !b[2].is_ascii_digit()
    {
        return None;
    }
    let rest = match b.get(3) {
        None => "",
        Some(b'-') => &token[4..],
        Some(_) => return None,
    };
    let code = u16::from(b[0] - b'0') * 100 + u16::from(b[1] - b'0') * 10 + u16::from(b[2] - b'0');
    Some((code, rest))
}

/// `5.7.8`, `#5.7.0`, `b'5.7.8`, `5.7.139,` → the enhanced status code (class 2, 4 or 5,
/// subject 0–7 as RFC 3463 defines them).
fn parse_enhanced(token: &str) -> Option<Enhanced> {
    let token = token
        .strip_prefix("b'")
        .or_else(|| token.strip_prefix("b\""))
        .unwrap_or(token);
    let token = token.trim_matches(|c: char| "()[],;:'\"#.".contains(c));
    let mut parts = token.split('.');
    let class = parts.next()?;
    let subject = parts.next()?;
    let detail = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    let number = |s: &str, max_len: usize| -> Option<u16> {
        if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let class = number(class, 1)?;
    let subject = number(subject, 3)?;
    let detail = number(detail, 3)?;
    if !matches!(class, 2 | 4 | 5) || subject > 7 {
        return None;
    }
    Some(Enhanced {
        class: class as u8,
        subject,
        detail,
    })
}

fn is_imap_status(token: &str) -> bool {
    matches!(token, "OK" | "NO" | "BAD" | "BYE" | "PREAUTH")
}

/// An IMAP command tag (`a1`, `A0003`, `1`).
fn is_tag(token: &str) -> bool {
    (1..=24).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

fn named_protocols(lower: &str) -> Vec<Protocol> {
    let mut named = Vec::new();
    for word in lower.split(|c: char| !c.is_ascii_alphanumeric()) {
        let protocol = match word {
            "imap" | "imap4" | "imaps" | "imap4rev1" | "imap4rev2" => Protocol::Imap,
            "pop" | "pop3" | "pop3s" => Protocol::Pop3,
            "smtp" | "smtps" | "esmtp" => Protocol::Smtp,
            _ => continue,
        };
        if !named.contains(&protocol) {
            named.push(protocol);
        }
    }
    named.sort();
    named
}

// ---------------------------------------------------------------------------------------------
// Wording.

/// Phrases, lower-case. A phrase that is recognised is blanked out before the later groups are
/// searched, so "mailbox is locked" is not also "locked" and "account is disabled" not also
/// "disabled".
mod cues {
    /// Tencent's one reply for many causes: "Login fail. Account is abnormal, service is not
    /// open, password is incorrect, login frequency limited, or system is busy." Two or more of
    /// these clauses make the reply a list of causes.
    pub const TENCENT_CLAUSES: &[&[&str]] = &[
        &[
            "account is abnormal",
            "帐号异常",
            "账号异常",
            "帐户异常",
            "账户异常",
        ],
        &["service is not open", "服务未开启", "服务未开通"],
        &["password is incorrect", "密码错误", "密码不正确"],
        &["frequency limited", "登录频率", "频率受限"],
        &["system is busy", "系统繁忙"],
    ];
    pub const IN_USE: &[&str] = &[
        "mailbox is locked",
        "mailbox locked",
        "maildrop is locked",
        "maildrop locked",
        "mailbox is in use",
        "mailbox in use",
        "in use by another",
        "another session",
        "already in use",
    ];
    pub const TEMPORARY_AUTH: &[&str] = &[
        "temporary authentication failure",
        "temporary authentication failed",
        "temporary failure",
        "temporary system",
    ];
    pub const ACCOUNT_DISABLED: &[&str] = &[
        "account is disabled",
        "account has been disabled",
        "account disabled",
        "user is disabled",
        "user disabled",
        "mailbox is disabled",
        "mailbox has been disabled",
        "mailbox disabled",
        "account is inactive",
        "deactivated",
        "账号已停用",
        "帐号已停用",
        "账号被禁用",
        "帐号被禁用",
    ];
    pub const LOCKED: &[&str] = &[
        "locked",
        "suspended",
        "冻结",
        "锁定",
        "封禁",
        "停用",
        "banned",
        "account is abnormal",
    ];
    /// Codes that come with switching the service on (QQ, NetEase, Sina…): the service is the
    /// next suspect.
    pub const AUTH_CODE: &[&str] = &[
        "authorization code",
        "authorisation code",
        "authorized code",
        "auth code",
        "授权码",
        "授权密码",
        "客户端专用密码",
        "专用密码",
        "安全密码",
        "weixin token",
        "微信动态密码",
    ];
    pub const APP_PASSWORD: &[&str] = &[
        "application-specific password",
        "application specific password",
        "app-specific password",
        "app specific password",
        "application password",
        "app password",
        "client-specific password",
        "invalidsecondfactor",
        "second factor",
    ];
    /// Also an expired password: it is changed by signing in to webmail.
    pub const WEB_LOGIN: &[&str] = &[
        "password has expired",
        "password expired",
        "password is expired",
        "密码已过期",
        "web browser",
        "web login",
        "weblogin",
        "log in via your web",
        "sign in via your web",
        "log in to webmail",
        "login to webmail",
        "sign in to webmail",
        "unsafe login",
        "网页登录",
        "网页版登录",
        "登录网页",
    ];
    pub const TLS: &[&str] = &[
        "starttls",
        "logindisabled",
        "privacyrequired",
        "plaintext authentication",
        "plain text authentication",
        "cleartext authentication",
        "without ssl",
        "without tls",
        "non-secure",
        "unencrypted connection",
        "encryption required",
        "requires encryption",
        "tls required",
        "ssl required",
        "requires tls",
        "requires ssl",
        "must use ssl",
        "must use tls",
        "use ssl",
        "需要ssl",
        "需要 ssl",
        "请使用ssl",
        "请使用 ssl",
    ];
    pub const DISABLED: &[&str] = &[
        "not enabled",
        "disabled",
        "not open",
        "not been opened",
        "not activated",
        "no permission",
        "not permitted",
        "permission denied",
        "turned off",
        "switched off",
        "未开启",
        "未开通",
        "没有开启",
        "未启用",
        "没有权限",
        "无权限",
        "不允许使用",
        "禁止使用",
        "三方客户端",
        "第三方客户端",
    ];
    /// Refusals that are about a message, not about the account: "no permission" in them does
    /// not mean a service is switched off.
    pub const NOT_THE_ACCOUNT: &[&str] = &["send as", "sender", "relay", "recipient"];
    pub const RATE: &[&str] = &[
        "too many",
        "frequency",
        "frequently",
        "rate limit",
        "ratelimit",
        "rate-limit",
        "limit exceeded",
        "throttl",
        "login-delay",
        "login delay",
        "maximum number of connections",
        "频繁",
        "频率",
        "次数过多",
        "过于频繁",
    ];
    pub const TEMPORARY: &[&str] = &[
        "try again later",
        "try later",
        "retry later",
        "busy",
        "temporar",
        "unavailable",
        "稍后",
        "繁忙",
        "暂时",
    ];
    pub const CREDENTIALS: &[&str] = &[
        "invalid credentials",
        "credentials invalid",
        "credentials were incorrect",
        "bad credentials",
        "authentication failed",
        "authentication failure",
        "authentication unsuccessful",
        "authentication rejected",
        "authenticate failed",
        "auth failed",
        "login failed",
        "login fail",
        "logon failure",
        "login error",
        "invalid login",
        "incorrect username",
        "unknown user",
        "user unknown",
        "no such user",
        "user not found",
        "用户不存在",
        "not accepted",
        "incorrect authentication data",
        "wrong password",
        "password is wrong",
        "password wrong",
        "incorrect password",
        "password is incorrect",
        "password incorrect",
        "invalid password",
        "password invalid",
        "bad password",
        "password error",
        "password mismatch",
        "password not accepted",
        "password failed",
        "认证失败",
        "验证失败",
        "登录失败",
        "登陆失败",
        "密码错误",
        "密码不正确",
        "用户名或密码",
    ];
}

/// The causes the wording names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Words {
    /// Tencent's "Account is abnormal, service is not open, password is incorrect, …".
    several: bool,
    auth_code: bool,
    app_password: bool,
    web_login: bool,
    tls: bool,
    disabled: bool,
    locked: bool,
    rate: bool,
    temporary: bool,
    credentials: bool,
}

impl Words {
    fn read(lower: &str) -> Words {
        let several = cues::TENCENT_CLAUSES
            .iter()
            .filter(|clause| clause.iter().any(|c| lower.contains(c)))
            .count()
            >= 2;
        let mut text = lower.to_owned();
        let in_use = take(&mut text, cues::IN_USE);
        let temporary_auth = take(&mut text, cues::TEMPORARY_AUTH);
        let account_disabled = take(&mut text, cues::ACCOUNT_DISABLED);
        let auth_code = take(&mut text, cues::AUTH_CODE);
        let app_password = take(&mut text, cues::APP_PASSWORD);
        let web_login = take(&mut text, cues::WEB_LOGIN);
        let tls = take(&mut text, cues::TLS);
        let about_a_message = cues::NOT_THE_ACCOUNT.iter().any(|c| text.contains(c));
        let disabled = take(&mut text, cues::DISABLED) && !about_a_message;
        let locked = take(&mut text, cues::LOCKED) || account_disabled;
        let rate = take(&mut text, cues::RATE);
        let temporary = take(&mut text, cues::TEMPORARY) || in_use || temporary_auth;
        let credentials = take(&mut text, cues::CREDENTIALS);
        Words {
            several,
            auth_code,
            app_password,
            web_login,
            tls,
            disabled,
            locked,
            rate,
            temporary,
            credentials,
        }
    }

    fn is_empty(&self) -> bool {
        *self == Words::default()
    }

    /// The causes, most likely first. `disabled` is what "service not enabled" means for the
    /// protocol at hand.
    fn causes(&self, disabled: &[FindingCode]) -> Vec<FindingCode> {
        let mut out = Causes::default();
        if self.several {
            out.push(AppPasswordRequired);
            out.extend(disabled.iter().copied());
            out.extend([
                BadCredentials,
                RateLimited,
                AccountLocked,
                TemporarilyUnavailable,
            ]);
            return out.0;
        }
        if self.auth_code {
            out.push(AppPasswordRequired);
            out.extend(disabled.iter().copied());
        }
        if self.app_password {
            out.push(AppPasswordRequired);
        }
        if self.web_login {
            out.extend([WebLoginRequired, AppPasswordRequired]);
        }
        if self.tls {
            out.push(TlsRequired);
        }
        if self.disabled {
            out.extend(disabled.iter().copied());
        }
        if self.locked {
            out.push(AccountLocked);
        }
        if self.rate {
            out.push(RateLimited);
        }
        if self.temporary {
            out.push(TemporarilyUnavailable);
        }
        if self.credentials {
            out.extend([BadCredentials, AppPasswordRequired]);
        }
        out.0
    }
}

/// Blanks out every phrase of `cues` found in `text`; true when one was found.
fn take(text: &mut String, cues: &[&str]) -> bool {
    let mut found = false;
    for cue in cues {
        if text.contains(cue) {
            *text = text.replace(cue, "\u{1}");
            found = true;
        }
    }
    found
}

/// A ranked list without repeats.
#[derive(Default)]
struct Causes(Vec<FindingCode>);

impl Causes {
    fn push(&mut self, code: FindingCode) {
        if !self.0.contains(&code) {
            self.0.push(code);
        }
    }

    fn extend(&mut self, codes: impl IntoIterator<Item = FindingCode>) {
        for code in codes {
            self.push(code);
        }
    }
}

fn ranked(
    parts: impl IntoIterator<Item = impl IntoIterator<Item = FindingCode>>,
) -> Vec<FindingCode> {
    let mut out = Causes::default();
    for part in parts {
        out.extend(part);
    }
    out.0
}

// ---------------------------------------------------------------------------------------------
// The rules.

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
    reply: Reply,
    /// The protocol given, else the one the reply's shape shows.
    protocol: Option<Protocol>,
    stage: Stage,
    provider: Option<&'a ProviderConfig>,
    words: OnceCell<Words>,
    alert_words: OnceCell<Words>,
}

impl Ctx<'_> {
    fn words(&self) -> &Words {
        self.words.get_or_init(|| Words::read(&self.reply.lower))
    }

    fn alert_words(&self) -> &Words {
        self.alert_words.get_or_init(|| {
            self.reply
                .alert
                .as_deref()
                .map(|a| Words::read(&a.to_lowercase()))
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
                let specific = Words {
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
        if matches!(self.stage, Stage::Greeting | Stage::AfterLogin) {
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
                &[SmtpDisabled, AppPasswordRequired],
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
    if basic == Some(538) || is(5, 7, 11) {
        return Decision::new(vec![TlsRequired], name);
    }
    if basic == Some(530) {
        if words.tls {
            return Decision::new(vec![TlsRequired], name);
        }
        // "Authentication required": the client did not log in at all. Some servers offer
        // AUTH only after STARTTLS, which a client without TLS never sees.
        return ctx.refine(
            vec![BadCredentials, TlsRequired],
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
    Decision::new(words.causes(&ctx.disabled(None)), rule)
}

/// 6a. A server that refuses to talk at all, saying nothing recognisable.
fn greeting_rule(ctx: &Ctx) -> Option<Decision> {
    let r = &ctx.reply;
    if ctx.stage == Stage::Greeting && (r.imap_bye || r.imap_no || r.pop3_err) {
        return Decision::new(vec![TemporarilyUnavailable], "refused greeting");
    }
    None
}

/// 6b. A refused login that says nothing more: RFC 3501's NO to LOGIN is "credentials wrong, or
/// refused by policy".
fn login_rule(ctx: &Ctx) -> Option<Decision> {
    let r = &ctx.reply;
    if ctx.stage != Stage::Login {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clientconfig;
    use crate::net::decode::reply_text as decode_reply;
    use FindingCode::{ImapDisabled, Pop3Disabled};

    use Protocol::{Imap, Pop3, Smtp};
    use Stage::{AfterLogin, Greeting, Login, Other};

    /// Provider files written inline, with reply patterns as in `providers/` (which these tests
    /// do not depend on).
    const PROVIDERS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1" xmlns:mc="urn:mailcheck:provider:1">
  <emailProvider id="qq">
    <domain>qq.com</domain>
    <domain>foxmail.com</domain>
    <displayName>QQ Mail</displayName>
    <mc:mx>mx1.qq.com</mc:mx>
    <incomingServer type="imap"><hostname>imap.qq.com</hostname><port>993</port><socketType>SSL</socketType></incomingServer>
    <outgoingServer type="smtp"><hostname>smtp.qq.com</hostname><port>465</port><socketType>SSL</socketType></outgoingServer>
    <mc:reply protocol="smtp" code="app_password_required">Please enter your authorization code to login</mc:reply>
    <mc:reply protocol="any" code="app_password_required">请使用授权码登录</mc:reply>
    <mc:reply protocol="any" code="bad_credentials" also="app_password_required">Authorized code is incorrect</mc:reply>
    <mc:reply protocol="imap" code="app_password_required" also="imap_disabled bad_credentials rate_limited temporarily_unavailable">service is not open</mc:reply>
    <mc:reply protocol="pop3" code="app_password_required" also="pop3_disabled bad_credentials rate_limited temporarily_unavailable">service is not open</mc:reply>
    <mc:reply protocol="smtp" code="app_password_required" also="smtp_disabled bad_credentials rate_limited temporarily_unavailable">service is not open</mc:reply>
  </emailProvider>
  <emailProvider id="exmail">
    <domain>exmail.qq.com</domain>
    <displayName>Tencent Exmail</displayName>
    <displayShortName>Exmail</displayShortName>
    <mc:mx>mxbiz*.qq.com</mc:mx>
    <incomingServer type="imap"><hostname>imap.exmail.qq.com</hostname><port>993</port><socketType>SSL</socketType></incomingServer>
    <outgoingServer type="smtp"><hostname>smtp.exmail.qq.com</hostname><port>465</port><socketType>SSL</socketType></outgoingServer>
    <mc:reply protocol="any" code="app_password_required">Please using weixin token</mc:reply>
  </emailProvider>
  <emailProvider id="163">
    <domain>163.com</domain>
    <displayName>NetEase 163</displayName>
    <incomingServer type="imap"><hostname>imap.163.com</hostname><port>993</port><socketType>SSL</socketType></incomingServer>
    <outgoingServer type="smtp"><hostname>smtp.163.com</hostname><port>465</port><socketType>SSL</socketType></outgoingServer>
    <mc:reply protocol="imap" code="web_login_required" also="app_password_required">Unsafe Login</mc:reply>
    <mc:reply protocol="smtp" code="smtp_disabled">User has no permission</mc:reply>
    <mc:reply protocol="smtp" code="bad_credentials" also="app_password_required smtp_disabled">Error: authentication failed</mc:reply>
  </emailProvider>
  <emailProvider id="gmail">
    <domain>gmail.com</domain>
    <displayName>Gmail</displayName>
    <incomingServer type="imap"><hostname>imap.gmail.com</hostname><port>993</port><socketType>SSL</socketType></incomingServer>
    <outgoingServer type="smtp"><hostname>smtp.gmail.com</hostname><port>465</port><socketType>SSL</socketType></outgoingServer>
    <mc:reply protocol="any" code="app_password_required">Application-specific password required</mc:reply>
    <mc:reply protocol="any" code="web_login_required">Please log in via your web browser</mc:reply>
  </emailProvider>
  <emailProvider id="microsoft365">
    <domain>onmicrosoft.com</domain>
    <displayName>Microsoft 365</displayName>
    <incomingServer type="imap"><hostname>outlook.office365.com</hostname><port>993</port><socketType>SSL</socketType></incomingServer>
    <outgoingServer type="smtp"><hostname>smtp.office365.com</hostname><port>587</port><socketType>STARTTLS</socketType></outgoingServer>
    <mc:reply protocol="smtp" code="smtp_disabled">SmtpClientAuthentication is disabled</mc:reply>
    <mc:reply protocol="smtp" code="account_locked">security defaults policy</mc:reply>
  </emailProvider>
</clientConfig>"#;

    fn db() -> ProviderDb {
        ProviderDb {
            providers: clientconfig::parse(PROVIDERS).unwrap().providers,
            broken: Vec::new(),
        }
    }

    /// A reply as text, or as the raw bytes a server sent.
    enum In {
        T(&'static str),
        B(&'static [u8]),
    }
    use In::{B, T};

    /// `535 Error: 请使用授权码登录。详情请看: …` in GBK, as older QQ servers send it.
    const QQ_GBK: &[u8] = b"535 Error: \xc7\xeb\xca\xb9\xd3\xc3\xca\xda\xc8\xa8\xc2\xeb\xb5\xc7\xc2\xbc\xa1\xa3\xcf\xea\xc7\xe9\xc7\xeb\xbf\xb4: http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256";

    const TENCENT: &[FindingCode] = &[
        AppPasswordRequired,
        SmtpDisabled,
        BadCredentials,
        RateLimited,
        AccountLocked,
        TemporarilyUnavailable,
    ];

    type Row = (
        In,
        Option<Protocol>,
        Stage,
        Option<&'static str>,
        &'static [FindingCode],
        &'static str,
    );

    /// (reply, protocol, stage, provider id, the causes expected to lead the list (the first is
    /// the code; empty = unknown), the start of the rule).
    #[rustfmt::skip]
    fn rows() -> Vec<Row> {
        let s = Some(Smtp);
        let i = Some(Imap);
        let p = Some(Pop3);
        vec![
            // Gmail.
            (T("534-5.7.9 Application-specific password required. Learn more at\r\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor 5b1f17b1804b1-42f4e8a7a0esm1234567f8.1 - gsmtp"), s, Login, None, &[AppPasswordRequired, WebLoginRequired], "SMTP 534 5.7.9"),
            (T("534-5.7.9 Application-specific password required. Learn more at\r\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor"), None, Other, None, &[AppPasswordRequired, WebLoginRequired], "SMTP 534 5.7.9"),
            (T("534-5.7.9 Application-specific password required. Learn more at\r\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor"), s, Login, Some("gmail"), &[AppPasswordRequired], "provider gmail: reply pattern"),
            (T("534-5.7.9 Please log in with your web browser and then try again. Learn more at\r\n534 5.7.9  https://support.google.com/mail/?p=WebLoginRequired"), s, Login, None, &[WebLoginRequired, AppPasswordRequired], "SMTP 534 5.7.9"),
            (T("534-5.7.14 <https://accounts.google.com/signin/continue?sarp=1&scc=1&plt=AKgnsbs> Please log in via your web browser and\r\n534-5.7.14 then try again.\r\n534 5.7.14  Learn more at https://support.google.com/mail/answer/78754"), s, Login, None, &[WebLoginRequired, AppPasswordRequired], "SMTP 534 5.7.14"),
            (T("535-5.7.8 Username and Password not accepted. For more information, go to\r\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials d2e1a72fcca58-70ea4sm1234.2 - gsmtp"), s, Login, None, &[BadCredentials, AppPasswordRequired, SmtpDisabled], "SMTP 535 5.7.8"),
            (T("smtplib.SMTPAuthenticationError: (535, b'5.7.8 Username and Password not accepted. For more information, go to\\n5.7.8  https://support.google.com/mail/?p=BadCredentials')"), None, Other, None, &[BadCredentials, AppPasswordRequired], "SMTP 535 5.7.8"),
            (T("a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)"), i, Login, None, &[BadCredentials, AppPasswordRequired, ImapDisabled], "RFC 5530 AUTHENTICATIONFAILED"),
            (T("* NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)"), None, Other, None, &[BadCredentials, AppPasswordRequired], "RFC 5530 AUTHENTICATIONFAILED"),
            (T("* NO [ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)"), i, Login, None, &[WebLoginRequired, AppPasswordRequired], "IMAP [ALERT] wording"),
            (T("* NO [ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)\r\na1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)"), i, Login, None, &[WebLoginRequired, AppPasswordRequired, BadCredentials], "IMAP [ALERT] wording + RFC 5530 AUTHENTICATIONFAILED"),
            (T("* NO [ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)"), i, Login, Some("gmail"), &[WebLoginRequired], "provider gmail: reply pattern"),
            (T("a1 NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)"), i, Login, None, &[AppPasswordRequired], "IMAP [ALERT] wording"),
            (T("a1 NO [ALERT] Your account is not enabled for IMAP use. Please visit your Gmail settings page and enable your account for IMAP access. (Failure)"), i, Login, None, &[ImapDisabled], "IMAP [ALERT] wording"),
            (T("a1 NO [ALERT] Your account is not enabled for IMAP use. Please visit your Gmail settings page and enable your account for IMAP access. (Failure)"), None, Other, None, &[ImapDisabled], "IMAP [ALERT] wording"),
            (T("* NO [ALERT] Too many simultaneous connections. (Failure)"), i, Login, None, &[RateLimited], "IMAP [ALERT] wording"),
            (T("a1 NO [WEBALERT https://accounts.google.com/signin/continue?sarp=1&scc=1&plt=AKgnsbs] Web login required."), i, Login, None, &[WebLoginRequired, AppPasswordRequired], "wording"),
            (T("-ERR [AUTH] Username and password not accepted."), p, Login, None, &[BadCredentials, AppPasswordRequired, Pop3Disabled], "POP3 [AUTH]"),
            (T("-ERR [AUTH] Web login required: https://support.google.com/mail/answer/78754"), p, Login, None, &[WebLoginRequired, AppPasswordRequired, BadCredentials], "POP3 [AUTH] + wording"),
            (T("-ERR [AUTH] Application-specific password required: https://support.google.com/accounts/answer/185833"), p, Login, None, &[AppPasswordRequired, BadCredentials], "POP3 [AUTH] + wording"),
            (T("-ERR [SYS/PERM] Your account is not enabled for POP access. Please visit your Gmail settings page and enable your account for POP access."), p, Login, None, &[Pop3Disabled, AccountLocked], "POP3 [SYS/PERM] + wording"),
            (T("530-5.7.0 Authentication Required. Learn more at\r\n530 5.7.0  https://support.google.com/mail/?p=WantAuthError"), s, Other, None, &[BadCredentials, TlsRequired], "SMTP 530 5.7.0 authentication required"),
            (T("530 5.7.0 Must issue a STARTTLS command first. 4si1234.2 - gsmtp"), s, Login, None, &[TlsRequired], "SMTP 530 5.7.0"),
            (T("421 4.7.0 Try again later, closing connection. (EHLO) d75a77b69052e-4.2 - gsmtp"), s, Greeting, None, &[TemporarilyUnavailable, RateLimited], "SMTP 421 4.7.0"),
            (T("454-4.7.0 Too many login attempts, please try again later. Learn more at\r\n454 4.7.0  https://support.google.com/mail/answer/7126229"), s, Login, None, &[RateLimited, TemporarilyUnavailable], "SMTP 454 4.7.0 + wording"),
            // QQ Mail.
            (T("535 Login Fail. Please enter your authorization code to login. More information in http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256"), s, Login, None, &[AppPasswordRequired, SmtpDisabled, BadCredentials], "SMTP 535 + wording"),
            (T("535 Login Fail. Please enter your authorization code to login. More information in http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256"), None, Other, None, &[AppPasswordRequired, SmtpDisabled], "SMTP 535 + wording"),
            (T("535 Login Fail. Please enter your authorization code to login. More information in http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256"), s, Login, Some("qq"), &[AppPasswordRequired], "provider qq: reply pattern"),
            (B(QQ_GBK), s, Login, None, &[AppPasswordRequired, SmtpDisabled, BadCredentials], "SMTP 535 + wording"),
            (B(QQ_GBK), None, Other, Some("qq"), &[AppPasswordRequired], "provider qq: reply pattern \"请使用授权码登录\""),
            (T("535 Login fail. Account is abnormal, service is not open, password is incorrect, login frequency limited, or system is busy. More information at http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256"), s, Login, None, TENCENT, "SMTP 535 + wording"),
            (T("535 Login fail. Account is abnormal, service is not open, password is incorrect, login frequency limited, or system is busy."), s, Login, Some("qq"), &[ AppPasswordRequired, SmtpDisabled, BadCredentials, RateLimited, TemporarilyUnavailable, ], "provider qq: reply pattern \"service is not open\""),
            (T("a1 NO Login fail. Account is abnormal, service is not open, password is incorrect, login frequency limited, or system is busy. More information at http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256"), i, Login, None, &[ AppPasswordRequired, ImapDisabled, BadCredentials, RateLimited, AccountLocked, TemporarilyUnavailable, ], "wording: several causes (Tencent)"),
            (T("a1 NO Login fail. Account is abnormal, service is not open, password is incorrect, login frequency limited, or system is busy."), i, Login, Some("qq"), &[AppPasswordRequired, ImapDisabled, BadCredentials], "provider qq: reply pattern"),
            (T("-ERR Login fail. Account is abnormal, service is not open, password is incorrect, login frequency limited, or system is busy."), p, Login, None, &[ AppPasswordRequired, Pop3Disabled, BadCredentials, RateLimited, AccountLocked, TemporarilyUnavailable, ], "wording: several causes (Tencent)"),
            (T("Login fail. Account is abnormal, service is not open, password is incorrect, login frequency limited, or system is busy."), None, Other, None, &[ AppPasswordRequired, ImapDisabled, Pop3Disabled, SmtpDisabled, BadCredentials, RateLimited, AccountLocked, TemporarilyUnavailable, ], "wording: several causes (Tencent)"),
            (T("535 Login fail. service is not open, password is incorrect."), s, Login, None, TENCENT, "SMTP 535 + wording"),
            (T("登录失败：帐号异常、服务未开启、密码错误、登录频率受限或系统繁忙"), s, Other, None, TENCENT, "wording: several causes (Tencent)"),
            // Tencent Exmail (wording of providers/exmail.xml).
            (T("535 Error: Please using weixin token to login"), s, Login, None, &[AppPasswordRequired, SmtpDisabled], "SMTP 535 + wording"),
            (T("535 Error: Please using weixin token to login"), s, Login, Some("exmail"), &[AppPasswordRequired], "provider exmail: reply pattern"),
            (T("535 Error: 请使用客户端专用密码登录"), s, Login, None, &[AppPasswordRequired, SmtpDisabled], "SMTP 535 + wording"),
            // NetEase.
            (T("535 Error: authentication failed"), s, Login, None, &[BadCredentials, AppPasswordRequired, SmtpDisabled], "SMTP 535"),
            (T("535 Error: authentication failed"), s, Login, Some("163"), &[BadCredentials, AppPasswordRequired, SmtpDisabled], "provider 163: reply pattern"),
            (T("550 User has no permission"), s, Login, None, &[SmtpDisabled, AppPasswordRequired], "SMTP 550 no permission"),
            (T("550 User has no permission"), None, Other, Some("163"), &[SmtpDisabled], "provider 163: reply pattern"),
            (T("a4 NO SELECT Unsafe Login. Please contact kefu@188.com for help"), i, AfterLogin, None, &[WebLoginRequired, AppPasswordRequired], "wording"),
            (T("a4 NO SELECT Unsafe Login. Please contact kefu@188.com for help"), i, AfterLogin, Some("163"), &[WebLoginRequired, AppPasswordRequired], "provider 163: reply pattern"),
            (T("NO SELECT Unsafe Login. Please contact kefu@188.com for help"), None, Other, None, &[WebLoginRequired, AppPasswordRequired], "wording"),
            (T("EXAMINE Unsafe Login. Please contact kefu@188.com for help"), i, AfterLogin, None, &[WebLoginRequired, AppPasswordRequired], "wording"),
            (T("a1 NO LOGIN Login error or password error"), i, Login, None, &[BadCredentials, AppPasswordRequired], "wording"),
            (T("554 DT:SPM 163 smtp10,DsCowADHg2dpiX5Y8Xg1Aw--.6189S2 1484687721, please see http://mail.163.com/help/help_spam_16.htm?ip=123.58.177.134"), s, Other, None, &[], "no rule matched"),
            // Microsoft 365 and Outlook.
            (T("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. [SN4PR0601CA0005.namprd06.prod.outlook.com 2024-01-01T00:00:00.000Z 08DC6B2A1C0F8D3E]"), s, Login, None, &[SmtpDisabled], "SMTP 535 5.7.139 SmtpClientAuthentication disabled"),
            (T("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information."), s, Login, Some("microsoft365"), &[SmtpDisabled], "provider microsoft365: reply pattern"),
            (T("535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [BN0PR04CA0171.namprd04.prod.outlook.com]"), s, Login, None, &[SmtpDisabled, AppPasswordRequired], "SMTP 535 5.7.139 basic authentication disabled"),
            (T("535 5.7.139 Authentication unsuccessful, the user credentials were incorrect. [AM0PR10CA0058.EURPRD10.PROD.OUTLOOK.COM]"), s, Login, None, &[BadCredentials, AppPasswordRequired], "SMTP 535 5.7.139 credentials incorrect"),
            (T("535 5.7.139 Authentication unsuccessful, user is locked by your organization's security defaults policy. Contact your administrator. [BL1PR13CA0123.namprd13.prod.outlook.com]"), s, Login, None, &[AppPasswordRequired, SmtpDisabled], "SMTP 535 5.7.139 security defaults"),
            (T("535 5.7.139 Authentication unsuccessful, user is locked by your organization's security defaults policy. Contact your administrator."), s, Login, Some("microsoft365"), &[AccountLocked], "provider microsoft365: reply pattern"),
            (T("535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully. Contact your administrator."), s, Login, None, &[AppPasswordRequired, SmtpDisabled], "SMTP 535 5.7.139 conditional access"),
            (T("535 5.7.3 Authentication unsuccessful [SN4PR0201CA0046.namprd02.prod.outlook.com]"), s, Login, None, &[BadCredentials, AppPasswordRequired], "SMTP 535 5.7.3"),
            (T("530 5.7.57 Client not authenticated to send mail. Error: 530 5.7.57 SMTP; Client was not authenticated to send anonymous mail during MAIL FROM"), s, Other, None, &[BadCredentials, TlsRequired], "SMTP 530 5.7.57 authentication required"),
            (T("a1 NO AUTHENTICATE failed."), i, Login, None, &[BadCredentials, AppPasswordRequired], "wording"),
            (T("a1 NO LOGIN failed."), i, Login, None, &[BadCredentials, AppPasswordRequired], "wording"),
            (T("-ERR Logon failure: unknown user name or bad password."), p, Login, None, &[BadCredentials, AppPasswordRequired], "wording"),
            // Yahoo, AOL, mail.ru.
            (T("535 5.7.0 (#AUTH005) Too many bad auth attempts."), s, Login, None, &[RateLimited, BadCredentials], "SMTP 535 5.7.0 + wording"),
            (T("a1 NO [AUTHENTICATIONFAILED] LOGIN Invalid credentials"), i, Login, None, &[BadCredentials, AppPasswordRequired], "RFC 5530 AUTHENTICATIONFAILED"),
            (T("a1 NO [UNAVAILABLE] LOGIN Server error - Please try again later"), i, Login, None, &[TemporarilyUnavailable], "RFC 5530 UNAVAILABLE"),
            (T("a1 NO LOGIN Server error - Please try again later"), i, Login, None, &[TemporarilyUnavailable], "wording"),
            (T("a1 NO Application password is REQUIRED"), i, Login, None, &[AppPasswordRequired], "wording"),
            // Dovecot, Postfix, Exim and the RFCs.
            (T("a1 NO [AUTHENTICATIONFAILED] Authentication failed."), i, Login, None, &[BadCredentials, AppPasswordRequired, ImapDisabled], "RFC 5530 AUTHENTICATIONFAILED"),
            (T("a1 NO [AUTHENTICATIONFAILED] Authentication failed."), i, AfterLogin, None, &[AppPasswordRequired, ImapDisabled], "RFC 5530 AUTHENTICATIONFAILED"),
            (T("a1 NO [UNAVAILABLE] Temporary authentication failure. [mail.example.com:2024-05-01 10:00:00]"), i, Login, None, &[TemporarilyUnavailable], "RFC 5530 UNAVAILABLE"),
            (T("a1 NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections."), i, Login, None, &[TlsRequired], "RFC 5530 PRIVACYREQUIRED"),
            (T("* BAD [ALERT] Plaintext authentication not allowed without SSL/TLS, but your client did it anyway. If anyone was listening, the password was exposed.\r\na1 NO [PRIVACYREQUIRED] Plaintext authentication is disabled, but your client sent password in plaintext anyway."), i, Login, None, &[TlsRequired], "IMAP [ALERT] wording + RFC 5530 PRIVACYREQUIRED"),
            (T("a1 NO [EXPIRED] That password isn't valid any more"), i, Login, None, &[WebLoginRequired, BadCredentials], "RFC 5530 EXPIRED"),
            (T("a1 NO [AUTHORIZATIONFAILED] No such authorization-ID"), i, Login, None, &[ImapDisabled, AccountLocked], "RFC 5530 AUTHORIZATIONFAILED"),
            (T("a1 NO [CONTACTADMIN] Account disabled"), i, Login, None, &[AccountLocked, ImapDisabled], "RFC 5530 CONTACTADMIN"),
            (T("a1 NO [CONTACTADMIN] IMAP access is disabled for your account"), i, Login, None, &[ImapDisabled, AccountLocked], "RFC 5530 CONTACTADMIN + wording"),
            (T("a1 NO [LIMIT] Too many concurrent sessions"), i, Login, None, &[RateLimited, TemporarilyUnavailable], "RFC 5530 LIMIT"),
            (T("-ERR [AUTH] Authentication failed."), p, Login, None, &[BadCredentials, AppPasswordRequired, Pop3Disabled], "POP3 [AUTH]"),
            (T("-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections."), p, Login, None, &[TlsRequired, BadCredentials], "POP3 [AUTH] + wording"),
            (T("-ERR [IN-USE] Mailbox is locked by another POP3 session."), p, Login, None, &[TemporarilyUnavailable], "POP3 [IN-USE]"),
            (T("-ERR [IN-USE] Unable to lock maildrop"), None, Other, None, &[TemporarilyUnavailable], "POP3 [IN-USE]"),
            (T("-ERR [SYS/TEMP] Internal error occurred. Refer to server log for more information."), p, Login, None, &[TemporarilyUnavailable], "POP3 [SYS/TEMP]"),
            (T("-ERR [SYS/PERM] Your account has been disabled"), p, Login, None, &[AccountLocked, Pop3Disabled], "POP3 [SYS/PERM]"),
            (T("-ERR [LOGIN-DELAY] minimum time between logins is 15 minutes"), p, Login, None, &[RateLimited, TemporarilyUnavailable], "POP3 [LOGIN-DELAY]"),
            (T("* BYE Maximum number of connections from user+IP exceeded (mail_max_userip_connections=10)"), i, Greeting, None, &[RateLimited], "wording"),
            (T("* BYE Server shutting down."), i, Greeting, None, &[TemporarilyUnavailable], "refused greeting"),
            (T("* BYE Disconnected for inactivity."), i, Other, None, &[], "no rule matched"),
            (T("538 5.7.11 Encryption required for requested authentication mechanism"), s, Login, None, &[TlsRequired], "SMTP 538 5.7.11"),
            (T("454 4.7.0 Temporary authentication failure"), s, Login, None, &[TemporarilyUnavailable], "SMTP 454 4.7.0"),
            (T("454 4.7.0 TLS not available due to local problem"), s, Login, None, &[TemporarilyUnavailable], "SMTP 454 4.7.0"),
            (T("421 4.7.0 Too many connections"), s, Greeting, None, &[RateLimited, TemporarilyUnavailable], "SMTP 421 4.7.0 + wording"),
            (T("421 4.7.0 mail.example.com Error: too many connections from 192.0.2.1"), s, Greeting, None, &[RateLimited, TemporarilyUnavailable], "SMTP 421 4.7.0 + wording"),
            (T("535 5.7.8 Error: authentication failed: authentication failure"), s, Login, None, &[BadCredentials, AppPasswordRequired, SmtpDisabled], "SMTP 535 5.7.8"),
            (T("535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6"), None, Other, None, &[BadCredentials, AppPasswordRequired, SmtpDisabled], "SMTP 535 5.7.8"),
            (T("535 Incorrect authentication data"), s, Login, None, &[BadCredentials, AppPasswordRequired], "SMTP 535"),
            (T("503 5.5.1 Error: authentication not enabled"), s, Login, None, &[SmtpDisabled], "wording"),
            (T("432 4.7.12 A password transition is needed"), s, Login, None, &[WebLoginRequired, BadCredentials], "SMTP 432 4.7.12"),
            // Chinese wording (shaped on Chinese providers' replies).
            (T("-ERR 您的帐号已被冻结"), p, Login, None, &[AccountLocked], "wording"),
            (T("a1 NO Your password has expired"), i, Login, None, &[WebLoginRequired, AppPasswordRequired], "wording"),
            (T("-ERR [AUTH] no such user"), p, Login, None, &[BadCredentials, AppPasswordRequired], "POP3 [AUTH]"),
            (T("a1 NO 登录过于频繁，请稍后再试"), i, Login, None, &[RateLimited, TemporarilyUnavailable], "wording"),
            (T("该账号未开启IMAP服务"), None, Other, None, &[ImapDisabled], "wording"),
            (T("535 Error: 三方客户端登录已被管理员禁止"), s, Login, None, &[SmtpDisabled, BadCredentials], "SMTP 535 + wording"),
            // No refusal, or nothing recognisable.
            (T("235 2.7.0 Authentication successful"), s, Login, None, &[], "not a refusal"),
            (T("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] Dovecot ready."), i, Greeting, None, &[], "not a refusal"),
            (T("+OK Dovecot ready."), p, Greeting, None, &[], "not a refusal"),
            (T(""), None, Other, None, &[], "no rule matched"),
            (T("the quick brown fox"), None, Other, None, &[], "no rule matched"),
            (T("-ERR"), p, Other, None, &[], "no rule matched"),
            (T("-ERR"), p, Login, None, &[BadCredentials, AppPasswordRequired, Pop3Disabled], "refused login (POP3 -ERR)"),
            (T("a1 NO"), i, Login, None, &[BadCredentials, AppPasswordRequired, ImapDisabled], "refused login (IMAP NO)"),
        ]
    }

    #[test]
    fn table_of_real_replies() {
        let db = db();
        let rows = rows();
        assert!(rows.len() >= 60, "{} rows", rows.len());
        let mut failures = Vec::new();
        for (n, (reply, protocol, stage, provider, expected, rule)) in rows.iter().enumerate() {
            let text = match reply {
                T(t) => t.to_string(),
                B(b) => decode_reply(b),
            };
            let provider = provider.map(|id| db.get(id).expect("test provider"));
            let c = classify(*protocol, *stage, &text, provider);
            let ok = c.code == expected.first().copied()
                && c.possible_causes.starts_with(expected)
                && (!expected.is_empty() || c.possible_causes.is_empty())
                && c.rule.starts_with(rule);
            if !ok {
                failures.push(format!(
                    "row {n}: {text:?} ({protocol:?}, {stage:?})\n   expected {expected:?} by {rule:?}\n   got      {:?} by {:?}",
                    c.possible_causes, c.rule
                ));
            }
        }
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    #[test]
    fn alert_text_is_kept_as_is() {
        let c = classify(
            Some(Imap),
            Login,
            "* NO [ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)\r\na1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)",
            None,
        );
        assert_eq!(
            c.alert.as_deref(),
            Some(
                "Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)"
            )
        );
        let c = classify(Some(Imap), Login, "* OK [ALERT] Mailbox is 95% full", None);
        assert_eq!(c.alert.as_deref(), Some("Mailbox is 95% full"));
        assert!(c.is_unknown());
        assert_eq!(c.code_str(), "unknown");
    }

    #[test]
    fn provider_patterns_respect_their_protocol() {
        let db = db();
        let qq = db.get("qq");
        // The SMTP-only pattern does not apply to an IMAP reply with the same words.
        let c = classify(
            Some(Imap),
            Login,
            "a1 NO Please enter your authorization code to login",
            qq,
        );
        assert!(c.rule.starts_with("wording"), "{}", c.rule);
        assert_eq!(c.possible_causes[..2], [AppPasswordRequired, ImapDisabled]);
        // Without a protocol, the shape of the reply decides (`-ERR` is POP3).
        let c = classify(None, Login, "-ERR Login fail. service is not open", qq);
        assert_eq!(c.possible_causes[..2], [AppPasswordRequired, Pop3Disabled]);
        assert!(c.rule.starts_with("provider qq"), "{}", c.rule);
    }

    #[test]
    fn gbk_and_utf8_decoding() {
        assert_eq!(
            decode_reply(QQ_GBK),
            "535 Error: 请使用授权码登录。详情请看: http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256"
        );
        assert!(std::str::from_utf8(std::hint::black_box(QQ_GBK)).is_err());
        // Chinese encoded as UTF-8 and cut inside the last character stays UTF-8.
        let utf8 = "535 Error: 请使用授权码登录".as_bytes();
        let cut = &utf8[..utf8.len() - 1];
        assert!(decode_reply(cut).starts_with("535 Error: 请使用授权码"));
        assert_eq!(decode_reply(b""), "");
        assert_eq!(decode_reply(b"\xff\xfe\xfd"), decode_reply(b"\xff\xfe\xfd"));
    }

    #[test]
    fn decode_reply_is_identity_on_utf8() {
        let samples = [
            "",
            "a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)",
            "535 Error: 请使用授权码登录。",
            "Mot de passe erroné — ünïcödé 🙂",
            "\0\u{1}\u{7f}\u{80}\u{ffff}\u{10ffff}",
        ];
        for s in samples {
            assert_eq!(decode_reply(s.as_bytes()), s);
        }
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..500 {
            let len = (rng.next() % 64) as usize;
            let s: String = (0..len).map(|_| rng.char()).collect();
            assert_eq!(decode_reply(s.as_bytes()), s);
        }
    }

    /// xorshift64*: enough randomness for garbage input, with no dependency.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn char(&mut self) -> char {
            loop {
                let range = match self.next() % 4 {
                    0 => 0x80,
                    1 => 0x800,
                    2 => 0x1_0000,
                    _ => 0x11_0000,
                };
                if let Some(c) = char::from_u32((self.next() % range) as u32) {
                    return c;
                }
            }
        }
    }

    fn check_invariants(c: &Classification) {
        assert_eq!(c.code, c.possible_causes.first().copied(), "{c:?}");
        let mut seen = Vec::new();
        for code in &c.possible_causes {
            assert!(!seen.contains(code), "repeated cause in {c:?}");
            seen.push(*code);
        }
        assert!(!c.rule.is_empty());
    }

    /// Every protocol, stage and provider (`thorough`), or a few of them (for big inputs, each
    /// classification of which costs milliseconds in a debug build).
    fn classify_everywhere(bytes: &[u8], db: &ProviderDb, thorough: bool) {
        let text = decode_reply(bytes);
        let (protocols, stages): (&[_], &[_]) = if thorough {
            (
                &[None, Some(Imap), Some(Pop3), Some(Smtp)],
                &[Greeting, Login, AfterLogin, Other],
            )
        } else {
            (&[None, Some(Smtp)], &[Login, Other])
        };
        for &protocol in protocols {
            for &stage in stages {
                for provider in [None, db.get("qq"), db.get("163")] {
                    check_invariants(&classify(protocol, stage, &text, provider));
                }
            }
        }
    }

    #[test]
    fn never_panics_on_garbage() {
        let db = db();
        let mut rng = Rng(42);
        let pieces: [&[u8]; 16] = [
            b"[",
            b"]",
            b"[ALERT]",
            b"535-",
            b"5.7.",
            b"139",
            b"* NO ",
            b"-ERR [",
            b"\r\n",
            b"\0",
            b"\xff",
            b"\xc7\xeb",
            "授权码".as_bytes(),
            b"(535, b'",
            b"[CAPABILITY ",
            b" ",
        ];
        for _ in 0..200 {
            let len = (rng.next() % 120) as usize;
            let mut bytes = Vec::with_capacity(len * 4);
            for _ in 0..len {
                if rng.next().is_multiple_of(2) {
                    bytes.push(rng.next() as u8);
                } else {
                    bytes.extend_from_slice(pieces[(rng.next() % 16) as usize]);
                }
            }
            classify_everywhere(&bytes, &db, true);
        }
    }

    #[test]
    fn never_panics_on_huge_or_odd_input() {
        let db = db();
        let mut huge = b"535 5.7.8 ".to_vec();
        huge.extend(std::iter::repeat_n(b'a', 1 << 20));
        classify_everywhere(&huge, &db, false);
        // A multi-byte character across the read limit.
        let mut cut = "a".repeat(MAX_REPLY_BYTES - 1).into_bytes();
        cut.extend("授权码".repeat(10).as_bytes());
        classify_everywhere(&cut, &db, false);
        let brackets = "[".repeat(100_000) + &"]".repeat(100_000);
        classify_everywhere(brackets.as_bytes(), &db, false);
        let alerts = "* NO [ALERT]\n".repeat(50_000);
        classify_everywhere(alerts.as_bytes(), &db, false);
        classify_everywhere(&[0u8; 4096], &db, false);
        classify_everywhere(&[0xffu8; 4096], &db, false);
        classify_everywhere(b"\0* NO [AUTHENTICATIONFAILED]\0", &db, false);
        // Only the first MAX_REPLY_BYTES are read.
        let mut late = "x".repeat(2 * MAX_REPLY_BYTES);
        late.push_str("\n535 5.7.8 authentication failed");
        assert!(classify(None, Other, &late, None).is_unknown());
    }

    #[test]
    fn every_table_row_holds_the_invariants() {
        let db = db();
        for (reply, ..) in rows() {
            let bytes = match reply {
                T(t) => t.as_bytes().to_vec(),
                B(b) => b.to_vec(),
            };
            classify_everywhere(&bytes, &db, true);
        }
    }

    #[test]
    fn provider_lookup_by_domain_id_mx_and_host() {
        let db = db();
        let id = |name: &str| find_provider(&db, name).map(|p| p.id.as_str());
        assert_eq!(id("qq.com"), Some("qq"));
        assert_eq!(id("QQ.COM."), Some("qq"));
        assert_eq!(id("alice@foxmail.com"), Some("qq"));
        assert_eq!(id("exmail"), Some("exmail"));
        assert_eq!(id("exmail.qq.com"), Some("exmail"));
        assert_eq!(id("imap.exmail.qq.com"), Some("exmail"));
        assert_eq!(id("mxbiz1.qq.com"), Some("exmail"));
        assert_eq!(id("smtp.qq.com"), Some("qq"));
        assert_eq!(id("163"), Some("163"));
        assert_eq!(id("Gmail"), Some("gmail"));
        assert_eq!(id("contoso.onmicrosoft.com"), Some("microsoft365"));
        assert_eq!(id("example.org"), None);
        assert_eq!(id("com"), None);
        assert_eq!(id(""), None);
        assert_eq!(id("@"), None);
        assert_eq!(id("not a domain at all"), None);
        // The bundled database may still be empty here; the call must not fail either way.
        let _ = provider_for("qq.com");
        assert!(provider_for("").is_none());
    }
}
