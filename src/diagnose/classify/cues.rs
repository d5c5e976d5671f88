//! The wording: the phrases servers use for each cause, in English and Chinese, and which causes a
//! reply's wording names.

use super::ranked::Causes;
use crate::finding::FindingCode;

use FindingCode::{
    AccountLocked, AppPasswordRequired, BadCredentials, RateLimited, TemporarilyUnavailable,
    TlsRequired, WebLoginRequired,
};

/// Phrases, lower-case. A phrase that is recognised is blanked out before the later groups are
/// searched, so "mailbox is locked" is not also "locked" and "account is disabled" not also
/// "disabled".
mod phrases {
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
pub(super) struct WordCues {
    /// Tencent's "Account is abnormal, service is not open, password is incorrect, …".
    pub(super) several: bool,
    pub(super) auth_code: bool,
    pub(super) app_password: bool,
    pub(super) web_login: bool,
    pub(super) tls: bool,
    pub(super) disabled: bool,
    pub(super) locked: bool,
    pub(super) rate: bool,
    pub(super) temporary: bool,
    pub(super) credentials: bool,
}

impl WordCues {
    pub(super) fn read(lower: &str) -> WordCues {
        let several = phrases::TENCENT_CLAUSES
            .iter()
            .filter(|clause| clause.iter().any(|c| lower.contains(c)))
            .count()
            >= 2;
        let mut text = lower.to_owned();
        let in_use = take(&mut text, phrases::IN_USE);
        let temporary_auth = take(&mut text, phrases::TEMPORARY_AUTH);
        let account_disabled = take(&mut text, phrases::ACCOUNT_DISABLED);
        let auth_code = take(&mut text, phrases::AUTH_CODE);
        let app_password = take(&mut text, phrases::APP_PASSWORD);
        let web_login = take(&mut text, phrases::WEB_LOGIN);
        let tls = take(&mut text, phrases::TLS);
        let about_a_message = phrases::NOT_THE_ACCOUNT.iter().any(|c| text.contains(c));
        let disabled = take(&mut text, phrases::DISABLED) && !about_a_message;
        let locked = take(&mut text, phrases::LOCKED) || account_disabled;
        let rate = take(&mut text, phrases::RATE);
        let temporary = take(&mut text, phrases::TEMPORARY) || in_use || temporary_auth;
        let credentials = take(&mut text, phrases::CREDENTIALS);
        WordCues {
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

    pub(super) fn is_empty(&self) -> bool {
        *self == WordCues::default()
    }

    /// The causes, most likely first. `disabled` is what "service not enabled" means for the
    /// protocol at hand.
    pub(super) fn causes(&self, disabled: &[FindingCode]) -> Vec<FindingCode> {
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
