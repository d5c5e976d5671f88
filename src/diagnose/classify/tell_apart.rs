//! How to tell apart the causes a reply leaves open.

use crate::finding::FindingCode;
use crate::lang::Lang;

use FindingCode::{
    AccountLocked, AppPasswordRequired, BadCredentials, ImapDisabled, Pop3Disabled, RateLimited,
    SmtpDisabled, TemporarilyUnavailable, TlsRequired, WebLoginRequired,
};

/// How to tell apart the causes a reply leaves open: one short check per cause, in the order
/// given. Empty when there is only one cause.
pub fn how_to_tell_apart(causes: &[FindingCode], lang: Lang) -> Vec<&'static str> {
    if causes.len() < 2 {
        return Vec::new();
    }
    causes
        .iter()
        .filter_map(|&code| {
            let (en, zh) = match code {
                AppPasswordRequired => (
                    "If you typed the account's normal password, create an app password / authorization code (授权码) and use it instead.",
                    "如果填写的是账号登录密码，请生成授权码（应用专用密码）并改用它登录。",
                ),
                ImapDisabled | Pop3Disabled | SmtpDisabled => (
                    "Check in the webmail settings that IMAP/POP3/SMTP is switched on for this account.",
                    "在网页邮箱设置中确认该账号已开启 IMAP/POP3/SMTP 服务。",
                ),
                BadCredentials => (
                    "Sign in to webmail with the same user name and password: if that fails too, the password is wrong.",
                    "用相同的用户名和密码登录网页邮箱：若也失败，说明密码错误。",
                ),
                RateLimited => (
                    "Stop every mail program using the account for 15–30 minutes; if one attempt then works, it was the rate limit.",
                    "关闭所有使用该账号的邮件程序 15–30 分钟；之后若一次成功，说明是登录频率受限。",
                ),
                AccountLocked => (
                    "Sign in to webmail: a locked or suspended account says so there.",
                    "登录网页邮箱：账号被锁定或冻结时会有提示。",
                ),
                TemporarilyUnavailable => (
                    "Try again in a few minutes; a busy server recovers by itself.",
                    "几分钟后重试；服务器繁忙会自行恢复。",
                ),
                WebLoginRequired => (
                    "Sign in to webmail in a browser and complete any security check it asks for.",
                    "在浏览器中登录网页邮箱，并完成要求的安全验证。",
                ),
                TlsRequired => (
                    "Switch encryption on (SSL/TLS, or STARTTLS) and try again.",
                    "开启加密（SSL/TLS 或 STARTTLS）后重试。",
                ),
                _ => return None,
            };
            Some(lang.pick(en, zh))
        })
        .fold(Vec::new(), |mut out, text| {
            if !out.contains(&text) {
                out.push(text);
            }
            out
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::classify::classify;
    use crate::finding::Stage::Login;
    use crate::settings::Protocol::Smtp;

    #[test]
    fn ways_to_tell_causes_apart() {
        let tencent = classify(
            Some(Smtp),
            Some(Login),
            "535 Login fail. Account is abnormal, service is not open, password is incorrect, login frequency limited, or system is busy.",
            None,
        );
        let en = how_to_tell_apart(&tencent.possible_causes, Lang::En);
        assert_eq!(en.len(), tencent.possible_causes.len());
        assert!(en[0].contains("authorization code"));
        let zh = how_to_tell_apart(&tencent.possible_causes, Lang::Zh);
        assert!(zh[0].contains("授权码"));
        assert!(how_to_tell_apart(&[TlsRequired], Lang::En).is_empty());
        // The three "disabled" codes share one check.
        assert_eq!(
            how_to_tell_apart(&[ImapDisabled, Pop3Disabled, SmtpDisabled], Lang::En).len(),
            1
        );
    }
}
