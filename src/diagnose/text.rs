//! The words of findings, in English and Chinese.

use crate::discover::Discovery;
use crate::finding::{Finding, FindingCode};
use crate::lang::Lang;

/// A finding code's meaning and its general fix, for when nothing more specific is known.
pub fn generic(code: FindingCode, lang: Lang) -> (&'static str, &'static str) {
    use FindingCode::*;
    let (en, zh) = match code {
        WrongHost => (
            (
                "The server name does not resolve.",
                "Check the server name for typos; use the name your provider documents.",
            ),
            (
                "服务器地址无法解析。",
                "检查服务器地址是否拼写错误，请使用邮箱服务商公布的地址。",
            ),
        ),
        WrongPort => (
            (
                "Nothing answers for this protocol on that port.",
                "Use the port your provider documents (IMAP 993, POP3 995, SMTP 465 with SSL/TLS).",
            ),
            (
                "该端口上没有此协议的服务。",
                "请使用服务商公布的端口（IMAP 993、POP3 995、SMTP 465，SSL/TLS 加密）。",
            ),
        ),
        Timeout => (
            (
                "The server did not answer in time.",
                "A firewall may block the port, or the server is down; try the other port or check the network.",
            ),
            (
                "服务器没有在限定时间内响应。",
                "端口可能被防火墙拦截，或服务器不可用；请尝试另一个端口或检查网络。",
            ),
        ),
        TlsMismatch => (
            (
                "The encryption setting does not fit the port.",
                "Use SSL/TLS on 993, 995 and 465, and STARTTLS on 143, 110 and 587.",
            ),
            (
                "加密方式与端口不匹配。",
                "993、995、465 端口请选 SSL/TLS；143、110、587 端口请选 STARTTLS。",
            ),
        ),
        TlsRequired => (
            (
                "The server will not accept a login without encryption.",
                "Switch encryption on: SSL/TLS (preferred) or STARTTLS.",
            ),
            (
                "服务器不允许未加密的登录。",
                "请开启加密：SSL/TLS（推荐）或 STARTTLS。",
            ),
        ),
        CertExpired => (
            (
                "The server's certificate has expired or is not yet valid.",
                "The server's administrator must renew the certificate; check the computer's clock too.",
            ),
            (
                "服务器证书已过期或尚未生效。",
                "需由服务器管理员更新证书；同时请检查电脑的时间是否正确。",
            ),
        ),
        CertNameMismatch => (
            (
                "The server's certificate is for another name.",
                "Use a server name that the certificate covers.",
            ),
            (
                "服务器证书与服务器地址不符。",
                "请改用证书所包含的服务器地址。",
            ),
        ),
        CertUntrusted => (
            (
                "The server's certificate is not signed by a trusted authority.",
                "The administrator must install a certificate from a public CA; do not accept it blindly.",
            ),
            (
                "服务器证书不受信任（自签名或未知签发机构）。",
                "需由管理员安装公共 CA 签发的证书；不要随意信任该证书。",
            ),
        ),
        BadCredentials => (
            (
                "The server rejected the user name or password.",
                "Check the user name (often the full address) and the password.",
            ),
            (
                "服务器拒绝了用户名或密码。",
                "请检查用户名（通常为完整邮箱地址）和密码。",
            ),
        ),
        ImapDisabled => (
            (
                "IMAP is switched off for this account.",
                "Enable IMAP in the webmail settings, or ask the administrator to.",
            ),
            (
                "该账号未开启 IMAP 服务。",
                "请在网页邮箱设置中开启 IMAP，或联系管理员开启。",
            ),
        ),
        Pop3Disabled => (
            (
                "POP3 is switched off for this account.",
                "Enable POP3 in the webmail settings, or ask the administrator to.",
            ),
            (
                "该账号未开启 POP3 服务。",
                "请在网页邮箱设置中开启 POP3，或联系管理员开启。",
            ),
        ),
        SmtpDisabled => (
            (
                "Sending through SMTP (SMTP AUTH) is switched off for this account.",
                "Enable SMTP in the webmail settings, or ask the administrator to allow authenticated SMTP.",
            ),
            (
                "该账号未开启 SMTP（SMTP 认证）服务。",
                "请在网页邮箱设置中开启 SMTP，或请管理员允许 SMTP 认证。",
            ),
        ),
        AppPasswordRequired => (
            (
                "The account password is not accepted here; an app password is required.",
                "Create an app password (authorization code 授权码, client-specific password 客户端专用密码) in the account's security settings and use it instead.",
            ),
            (
                "此处不接受账号密码，需要使用授权码或专用密码。",
                "请在邮箱安全设置中生成授权码/客户端专用密码/应用专用密码，并用它代替登录密码。",
            ),
        ),
        WebLoginRequired => (
            (
                "The provider wants you to sign in through a web browser first.",
                "Sign in to webmail in a browser, complete any security check, then try again.",
            ),
            (
                "服务商要求先通过网页浏览器登录。",
                "请先在浏览器中登录网页邮箱并完成安全验证，然后重试。",
            ),
        ),
        AccountLocked => (
            (
                "The account is locked, suspended or disabled.",
                "Sign in to webmail or contact the administrator to unlock it.",
            ),
            (
                "账号已被锁定、冻结或停用。",
                "请登录网页邮箱或联系管理员解除锁定。",
            ),
        ),
        RateLimited => (
            (
                "Too many attempts or connections.",
                "Wait a while before trying again, and close other mail programs using this account.",
            ),
            (
                "尝试或连接次数过多。",
                "请稍后再试，并关闭其他正在使用该账号的邮件程序。",
            ),
        ),
        TemporarilyUnavailable => (
            (
                "The server says to try again later.",
                "This is temporary; try again in a few minutes.",
            ),
            ("服务器暂时不可用。", "这是暂时的，请几分钟后重试。"),
        ),
        InsecureSource => (
            (
                "Settings came over an unauthenticated path (plain HTTP).",
                "Confirm these settings with the provider's documentation; publish autoconfig over HTTPS.",
            ),
            (
                "配置来自未加密的渠道（HTTP）。",
                "请对照服务商文档确认这些设置；自动配置文件应通过 HTTPS 发布。",
            ),
        ),
        SettingsConflict => (
            (
                "The sources of settings disagree.",
                "Use the settings that were verified to work; fix the source that is wrong.",
            ),
            (
                "不同来源给出的设置不一致。",
                "请使用经验证可用的设置，并修正错误的来源。",
            ),
        ),
        PlaintextOnly => (
            (
                "The server offers no encryption at all.",
                "Passwords would travel in clear text; ask the provider for a TLS-protected server.",
            ),
            (
                "服务器完全不支持加密。",
                "密码将以明文传输；请向服务商索取支持 TLS 加密的服务器。",
            ),
        ),
        StarttlsInjection => (
            (
                "Data arrived between the STARTTLS reply and the start of TLS: possible response injection.",
                "Something on the path may be tampering with the connection; prefer implicit TLS (SSL/TLS on 993/995/465).",
            ),
            (
                "STARTTLS 应答之后、TLS 开始之前收到了多余数据，可能存在注入攻击。",
                "连接途中可能有人篡改；请优先使用 SSL/TLS（993/995/465 端口）。",
            ),
        ),
        CertExpiring => (
            (
                "The server's certificate expires soon.",
                "The server's administrator should renew the certificate now.",
            ),
            ("服务器证书即将过期。", "服务器管理员应尽快更新证书。"),
        ),
        NoSettingsFound => (
            (
                "No source produced any server settings.",
                "Check the domain for typos and ask the provider for its IMAP, POP3 and SMTP settings.",
            ),
            (
                "没有找到任何服务器设置。",
                "请检查域名是否拼写错误，并向服务商索取 IMAP、POP3、SMTP 设置。",
            ),
        ),
    };
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// No source named any server.
pub fn no_settings_found(discovery: &Discovery, lang: Lang) -> Finding {
    let domain = discovery.address.domain();
    let offline = discovery.sources.len() == 1;
    let message = match lang {
        Lang::En => format!("No source produced any server settings for {domain}."),
        Lang::Zh => format!("没有任何来源给出 {domain} 的服务器设置。"),
    };
    let hint = match (lang, offline) {
        (Lang::En, true) => format!(
            "{domain} is not in the bundled provider database; run without --offline to ask DNS and autoconfig, or check the domain for typos."
        ),
        (Lang::Zh, true) => format!(
            "内置服务商数据库中没有 {domain}；请去掉 --offline 以查询 DNS 和自动配置，或检查域名是否拼写错误。"
        ),
        _ => generic(FindingCode::NoSettingsFound, lang).1.to_owned(),
    };
    Finding::new(FindingCode::NoSettingsFound, message, hint)
}
