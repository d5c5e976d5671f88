//! 简体中文 (Simplified Chinese), chosen with `--lang zh` or a `zh_*` locale.

use super::trouble::{Origin, Said};
use super::{Catalogue, Phrase, seconds};
use crate::address::AddressError;
use crate::finding::{Breakage, FindingCode, Step};
use crate::probe::transport::{CertRejected, Ending, Remark};
use crate::settings::Protocol;
use crate::source::SourceKind;

pub struct Chinese;

impl Catalogue for Chinese {
    fn phrase(&self, phrase: Phrase) -> &'static str {
        use Phrase::*;
        match phrase {
            ProvedToWork => "（已验证可用）",
            TlsOnPlaintextEvidence => "没有明文问候；同一端口 TLS 握手成功",
            ReplyNotRecognised => "mailcheck 无法识别此回复。",
            RunMailcheckOnTheAddress => "请运行 `mailcheck 邮箱地址` 直接检测服务器。",
            PossibleCauses => "可能原因（按可能性排序）：",
            Evidence => "证据：",
            ProviderNotRecognised => "未识别的服务商",
            NoSource => "无来源",
            SettingsFrom => "设置来源：",
            MatchedByMx => "通过 MX 记录识别",
            MatchedByDomain => "通过域名识别",
            MatchedByAutodiscover => "通过 Autodiscover 识别（由微软应答）",
            Works => "可用",
            LoginSucceeded => "登录成功",
            Reachable => "可连接",
            LoginNotTestedNoPassword => "未测试登录（未提供密码）",
            NotTested => "未检测",
            LoginRefused => "登录被拒绝",
            NoServerWorks => "没有可用的服务器",
            NotOffered => "未提供",
            PasswordLabel => "密码：",
            PasswordOauthOnly => "无需填写，邮件程序须通过 OAuth 在服务商自己的页面登录",
            SmtpAuthOauth => "需要，通过 OAuth 登录",
            SmtpAuthLabel => "SMTP 身份验证：",
            ClauseColon => "：",
            ListAnd => " 和 ",
            NotNamed => "未检测：没有来源提到该协议的服务器",
            NothingWorks => "没有可用的服务器（原因见上方的问题）",
            RefusedNoteTypedOnly => {
                "  上面的 ✗：服务器拒绝了该账户登录；只有您自己的设置提到这台服务器，原因见上方的问题。"
            }
            FindingsHeading => "发现的问题（按严重程度排序）",
            Error => "错误",
            Warning => "警告",
            ClientSettingsHeading => "邮件客户端设置",
            ClientSettingsUntestedHeading => "邮件客户端设置（未检测）",
            Server => "服务器",
            Port => "端口",
            Encryption => "加密方式",
            UserName => "用户名",
            RefusedNote => "  上面的 ✗：服务器拒绝了该账户登录；设置本身正确，原因见上方的问题。",
            AlternatesHeading => "备用服务器",
            NotesHeading => "提示",
            Help => "帮助：",
            ServersHeading => "检测过的服务器",
            LoginNotTested => "未测试登录",
            User => "用户名：",
            Certificate => "证书",
            CertNames => "域名：",
            ValidUntil => "有效期至",
            SourcesHeading => "设置来源",
            Connect => "连接",
            Handshake => "握手",
            NoEncryption => "无",
            SourceSeparator => "、",
            Account => "账户",
            Provider => "服务商",
            Findings => "问题",
            Ok => "可用",
            NoLogin => "可连接，未测登录",
            Untested => "未检测",
            Fails => "失败",
            NoDialogue => "（无对话：没有探测此服务器）",
            DialoguesFolded => "协议对话（凭据已替换为 ***）",
            CheckingAccounts => "正在检测账户",
            ProviderDbAndMx => "服务商数据库和 MX 记录",
            Asking => "查询",
            Probing => "检测",
            NotLoggedInHeading => "未登录的服务器",
            SkippedNotVerifiedTls => "没有经过验证的 TLS",
            SkippedNoLoginOffered => "服务器不提供登录",
            SkippedNoUsableMechanism => "没有 mailcheck 可用的登录方式",
            SkippedInsecureSource => "只由明文 HTTP 给出",
            SkippedAfterRefusal => "另一台服务器拒绝了这次登录",
            SkippedAfterServiceRefusal => "另一台服务器拒绝了该服务",
            SkippedAttemptLimit => "登录失败次数已达上限",
            SkippedNamedByCertificate => "只有一张验证失败的证书提到它",
            WhyNamedByCertificate => {
                "只有另一台服务器名称不符的证书提到它：这个名称由出示证书的一方决定，因此不会把密码发往那里。"
            }
            WhyNotVerifiedTls => {
                "没有经过验证的 TLS（没有 TLS，或证书验证失败），密码绝不会发往这样的服务器。"
            }
            WhyNoLoginOffered => "不提供任何登录方式。",
            WhyNoUsableMechanism => "只提供 mailcheck 不会用来发送密码的登录方式（见上方的问题）。",
            WhyInsecureSource => {
                "只由明文 HTTP 给出，途中任何人都可能篡改；只有加上 --trust-insecure-sources 才会把密码发往那里。"
            }
            WhyAfterRefusal => {
                "另一台服务器拒绝了这次登录，所以没有再用这个密码尝试（很多服务器在几次登录失败后会锁定账户或封禁地址）。"
            }
            WhyAfterServiceRefusal => "同一协议的另一台服务器拒绝了该服务，所以没有再尝试密码。",
            WhyAttemptLimit => {
                "本次检测的登录失败次数已达上限（可用 --max-failed-logins 提高上限）。"
            }
            SlowServerFix => {
                "服务器极慢地逐段发送应答，说明它过载或有意拖延；请稍后重试，或联系服务商。"
            }
            Addresses => "地址：",
            AttemptConnected => "已连接",
            AttemptRefused => "被拒绝",
            AttemptTimeout => "无响应",
            AttemptError => "出错",
            AttemptAbandoned => "已放弃",
            AttemptNotTried => "未尝试",
            SystemResolver => "系统的 DNS 解析器",
        }
    }

    fn sentence_gap(&self) -> &'static str {
        ""
    }

    fn generic(&self, code: FindingCode) -> (&'static str, &'static str) {
        use FindingCode::*;
        match code {
            WrongHost => (
                "服务器地址无法解析。",
                "检查服务器地址是否拼写错误，请使用邮箱服务商公布的地址。",
            ),
            WrongPort => (
                "该端口上没有此协议的服务。",
                "请使用服务商公布的端口（IMAP 993、POP3 995、SMTP 465，SSL/TLS 加密）。",
            ),
            Timeout => (
                "服务器没有在限定时间内响应。",
                "端口可能被防火墙拦截，或服务器不可用；请尝试另一个端口或检查网络。",
            ),
            TlsMismatch => (
                "加密方式与端口不匹配。",
                "993、995、465 端口请选 SSL/TLS；143、110、587 端口请选 STARTTLS。",
            ),
            TlsRequired => (
                "服务器不允许未加密的登录。",
                "请开启加密：SSL/TLS（推荐）或 STARTTLS。",
            ),
            CertExpired => (
                "服务器证书已过期或尚未生效。",
                "需由服务器管理员更新证书；同时请检查电脑的时间是否正确。",
            ),
            CertNameMismatch => (
                "服务器证书与服务器地址不符。",
                "请改用证书所包含的服务器地址。",
            ),
            CertUntrusted => (
                "服务器证书不受信任（自签名或未知签发机构）。",
                "需由管理员安装公共 CA 签发的证书；不要随意信任该证书。",
            ),
            BadCredentials => (
                "服务器拒绝了用户名或密码。",
                "请检查用户名（通常为完整邮箱地址）和密码。",
            ),
            ImapDisabled => (
                "该账号未开启 IMAP 服务。",
                "请在网页邮箱设置中开启 IMAP，或联系管理员开启。",
            ),
            Pop3Disabled => (
                "该账号未开启 POP3 服务。",
                "请在网页邮箱设置中开启 POP3，或联系管理员开启。",
            ),
            SmtpDisabled => (
                "该账号未开启 SMTP（SMTP 认证）服务。",
                "请在网页邮箱设置中开启 SMTP，或请管理员允许 SMTP 认证。",
            ),
            AppPasswordRequired => (
                "此处不接受账号密码，需要使用授权码或专用密码。",
                "请在邮箱安全设置中生成授权码/客户端专用密码/应用专用密码，并用它代替登录密码。",
            ),
            WebLoginRequired => (
                "服务商要求先通过网页浏览器登录。",
                "请先在浏览器中登录网页邮箱并完成安全验证，然后重试。",
            ),
            AccountLocked => (
                "账号已被锁定、冻结或停用。",
                "请登录网页邮箱或联系管理员解除锁定。",
            ),
            RateLimited => (
                "尝试或连接次数过多。",
                "请稍后再试，并关闭其他正在使用该账号的邮件程序。",
            ),
            TemporarilyUnavailable => ("服务器暂时不可用。", "这是暂时的，请几分钟后重试。"),
            InsecureSource => (
                "配置来自未加密的渠道（HTTP）。",
                "请对照服务商文档确认这些设置；自动配置文件应通过 HTTPS 发布。",
            ),
            SettingsConflict => (
                "不同来源给出的设置不一致。",
                "请使用经验证可用的设置，并修正错误的来源。",
            ),
            PlaintextOnly => (
                "服务器完全不支持加密。",
                "密码将以明文传输；请向服务商索取支持 TLS 加密的服务器。",
            ),
            StarttlsInjection => (
                "STARTTLS 应答之后、TLS 开始之前收到了多余数据，可能存在注入攻击。",
                "连接途中可能有人篡改；请优先使用 SSL/TLS（993/995/465 端口）。",
            ),
            CertExpiring => ("服务器证书即将过期。", "服务器管理员应尽快更新证书。"),
            OauthRequired => (
                "服务器不再接受密码登录，只接受 OAuth（通过服务商的登录页面授权）。",
                "请使用支持 OAuth 登录的邮件客户端（“使用微软/谷歌账号登录”），或询问管理员能否允许密码登录。",
            ),
            BlockedByAdmin => (
                "管理员的策略禁止此客户端或此协议访问该账号。",
                "请联系邮箱管理员，为您的账号开启第三方客户端（IMAP/POP3/SMTP）权限。",
            ),
            PortFiltered => (
                "连接请求没有任何回应，或根本无法发出：本机与服务器之间的防火墙或网络阻断了连接。",
                "请换用另一个端口（465 或 587、993、995）或换一个网络，或请网络管理员开放该端口。",
            ),
            DnsUnavailable => (
                "本机或本网络的域名解析失败：是 DNS 出了问题，而不是设置错误。",
                "请检查网络连接和 DNS 服务器（或换一个网络）后重试。",
            ),
            SmtpAuthMissing => (
                "邮件客户端发信时没有登录发件服务器。",
                "请勾选“我的发件服务器（SMTP）要求身份验证”，并使用与收件服务器相同的用户名和密码。",
            ),
            NotAConnectionProblem => (
                "这条回复与邮件本身有关（退信、垃圾邮件过滤或大小限制），与连接无关：登录是正常的。",
                "请检查收件人地址和邮件内容；账号设置无需修改。",
            ),
            NoSettingsFound => (
                "没有找到任何服务器设置。",
                "请检查域名是否拼写错误，并向服务商索取 IMAP、POP3、SMTP 设置。",
            ),
            AuthMechanismUnsupported => (
                "服务器没有提供 mailcheck 可用的登录方式。",
                "请在邮件客户端中选择服务器提供的身份验证方式（见证据）：CRAM-MD5 通常称为“加密的密码”，GSSAPI 即 Kerberos。",
            ),
            OauthTokenExpired => (
                "OAuth 令牌已过期。",
                "请重新获取访问令牌（或用刷新令牌刷新）后重试；访问令牌的有效期通常约为一小时。",
            ),
            OauthTokenWrongAudience => (
                "OAuth 令牌是为其他服务签发的，不是为这台邮件服务器。",
                "请为邮件服务申请令牌：Microsoft 365 应使用 https://outlook.office.com/IMAP.AccessAsUser.All、POP.AccessAsUser.All 或 SMTP.Send 权限范围，而不是 Microsoft Graph。",
            ),
            OauthTokenMissingScope => (
                "OAuth 令牌缺少这台邮件服务器所需的权限范围（scope）。",
                "请申请带邮件权限范围的令牌（微软：IMAP.AccessAsUser.All、POP.AccessAsUser.All、SMTP.Send；谷歌：https://mail.google.com/），租户需要时请先取得管理员同意。",
            ),
            OauthTokenWrongUser => (
                "OAuth 令牌属于另一个用户，而不是正在登录的用户。",
                "请以该邮箱本人的账号登录获取令牌，或使用令牌所属的用户登录（并授予该用户访问此邮箱的权限）。",
            ),
            OauthPolicyUpcoming => (
                "服务商即将关闭密码登录：届时只能使用 OAuth 授权登录。",
                "请在该日期之前把邮件客户端改为 OAuth 授权登录。",
            ),
            OauthTokenRejected => (
                "服务器拒绝了 OAuth 令牌。",
                "请确认该邮箱已开启 IMAP/POP/SMTP，应用已获管理员同意并拥有邮箱权限，且令牌是用于邮件的访问令牌。",
            ),
            TooManyCandidates => (
                "某个来源列出的服务器多于 mailcheck 探测的数量；其余的没有探测。",
                "一个域名每种协议通常只发布一两个服务器：这么多说明 DNS 区域或配置文件有误或被恶意设置。请向服务商确认应使用哪个服务器。",
            ),
            Ipv6Broken => (
                "服务器通过 IPv6 连接失败，而 IPv4 可以正常连接。",
                "设置是正确的，通过 IPv4 可以使用；需要修复本网络或服务器端的 IPv6。",
            ),
            PaccInvalid => (
                "域名的 PACC 配置文档未通过校验，未被采用。",
                "请重新发布该文档及其 TXT 摘要，并通过 HTTPS 提供，证书须包含 ua-auto-config.<域名>。",
            ),
            PublishedSettingsWrong => (
                "域名发布的服务器设置无法使用。",
                "请把域名发布的设置（autoconfig、SRV、Autodiscover）改为可用的设置。",
            ),
            QuotaNearlyFull => (
                "邮箱容量已用到 90% 以上。",
                "请尽快删除或归档邮件，并清空已删除和垃圾邮件文件夹，或申请更大的容量。",
            ),
            QuotaFull => (
                "邮箱已满：新邮件会被拒收或退回。",
                "请删除邮件并清空已删除和垃圾邮件文件夹，或请管理员扩大邮箱容量。",
            ),
            FolderNameBreaksClients => (
                "文件夹名称含有部分邮件客户端无法处理的字符。",
                "请在网页版邮箱中把该文件夹重命名为只含普通字母、数字和空格的名称。",
            ),
        }
    }

    fn tell_apart(&self, code: FindingCode) -> Option<&'static str> {
        use FindingCode::*;
        Some(match code {
            AppPasswordRequired => {
                "如果填写的是账号登录密码，请生成授权码（应用专用密码）并改用它登录。"
            }
            ImapDisabled | Pop3Disabled | SmtpDisabled => {
                "在网页邮箱设置中确认该账号已开启 IMAP/POP3/SMTP 服务。"
            }
            BadCredentials => "用相同的用户名和密码登录网页邮箱：若也失败，说明密码错误。",
            RateLimited => {
                "关闭所有使用该账号的邮件程序 15–30 分钟；之后若一次成功，说明是登录频率受限。"
            }
            AccountLocked => "登录网页邮箱：账号被锁定或冻结时会有提示。",
            TemporarilyUnavailable => "几分钟后重试；服务器繁忙会自行恢复。",
            WebLoginRequired => "在浏览器中登录网页邮箱，并完成要求的安全验证。",
            TlsRequired => "开启加密（SSL/TLS 或 STARTTLS）后重试。",
            TlsMismatch => {
                "让加密方式与端口相符：465、993、995 用 SSL/TLS；587、143、110 用 STARTTLS。"
            }
            Timeout | PortFiltered => {
                "换一个端口或换一个网络试试：若能连通，说明防火墙丢弃了这个端口。"
            }
            CertExpired | CertUntrusted | CertNameMismatch => {
                "在浏览器中打开服务器名称（https://服务器）：证书问题在那里也会显示。"
            }
            WrongHost | DnsUnavailable => {
                "在别处（另一个网络或 DNS 查询工具）解析服务器名称：能解析说明本地 DNS 有问题，否则是名称拼错了。"
            }
            WrongPort => "请对照服务商的设置检查端口：这个端口上没有服务在监听。",
            OauthRequired => "试试支持 OAuth 登录的客户端：若能登录，说明密码登录已被关闭。",
            BlockedByAdmin => "请询问管理员您的账号是否允许使用第三方客户端。",
            SmtpAuthMissing => "检查发件服务器设置：必须开启身份验证。",
            _ => return None,
        })
    }

    fn source_title(&self, source: SourceKind) -> &'static str {
        match source {
            SourceKind::ProviderDb => "服务商数据库",
            SourceKind::Srv => "DNS SRV 记录",
            SourceKind::Autoconfig => "域名的 autoconfig",
            SourceKind::Wellknown => "域名的 .well-known 配置",
            SourceKind::Autodiscover => "Exchange 自动发现（Autodiscover）",
            SourceKind::Pacc => "域名的 PACC 配置文档",
            SourceKind::Ispdb => "Thunderbird ISPDB",
            SourceKind::IspdbMx => "按 MX 查询 ISPDB",
            SourceKind::Guess => "猜测的主机名",
            SourceKind::User => "您填写的设置",
            SourceKind::Probe => "在同一主机上探测",
        }
    }

    fn server_kind(&self, protocol: Protocol) -> &'static str {
        match protocol {
            Protocol::Imap => "收件服务器（IMAP）",
            Protocol::Pop3 => "收件服务器（POP3）",
            Protocol::Smtp => "发件服务器（SMTP）",
        }
    }

    fn unresolvable(&self, host: &str, error: &str) -> String {
        format!("{host} 无法解析：{error}。")
    }
    fn lookup_failed(&self, host: &str, error: &str) -> String {
        format!("{host} 的 DNS 查询失败（{error}）：出问题的是 DNS 解析器，而不是这个名称。")
    }
    fn nothing_listens(&self, at: &str) -> String {
        format!("{at} 上没有服务在监听。")
    }
    fn answers_on(&self, proto: &str, port: u16, security: &str) -> String {
        format!("{proto} 在 {port} 端口（{security}）可用：请改用该端口。")
    }
    fn no_answer(&self, at: &str, step: &str, seconds: f64) -> String {
        format!("{at} 在“{step}”阶段 {seconds:.1} 秒内没有响应。")
    }
    fn port_filtered(&self, at: &str, seconds: f64) -> String {
        format!(
            "连接 {at} 的尝试在 {seconds:.1} 秒内完全没有回应：连接被防火墙丢弃（本地或服务器端）。"
        )
    }
    fn other_protocol(&self, at: &str, other: &str, proto: &str) -> String {
        format!("{at} 上运行的是 {other} 而不是 {proto}。")
    }
    fn use_protocol_ports(&self, proto: &str, tls_port: u16, starttls_port: u16) -> String {
        format!("请使用 {proto} 的端口：{tls_port}（SSL/TLS）或 {starttls_port}（STARTTLS）。")
    }
    fn not_mail(&self, at: &str) -> String {
        format!("{at} 的响应不像邮件服务器。")
    }
    fn plaintext_on_tls_port(&self, at: &str) -> String {
        format!("{at} 使用明文通信，但设置为 SSL/TLS。")
    }
    fn choose_starttls_here(&self, port: u16, proof: &str) -> String {
        format!("该服务器在 {port} 端口使用明文：请选择 STARTTLS 而不是 SSL/TLS{proof}。")
    }
    fn starttls_elsewhere(&self, port: u16, starttls_port: u16) -> String {
        format!(
            "该服务器在 {port} 端口使用明文：请在 {starttls_port} 端口使用 STARTTLS，或使用服务商的 SSL/TLS 端口。"
        )
    }
    fn tls_on_plaintext_port(&self, at: &str, typed: &str) -> String {
        format!("{at} 要求一开始就使用 TLS，但设置为 {typed}。")
    }
    fn choose_tls_here(&self, port: u16, typed: &str, proof: &str) -> String {
        format!("{port} 端口要求直接使用 TLS：请选择 SSL/TLS，而不是 {typed}{proof}。")
    }
    fn starttls_not_offered(&self, at: &str) -> String {
        format!("{at} 不支持 STARTTLS。")
    }
    fn choose_tls_port(&self, port: u16, proof: &str) -> String {
        format!("请改用 {port} 端口的 SSL/TLS{proof}。")
    }
    fn starttls_refused(&self, at: &str) -> String {
        format!("{at} 拒绝了 STARTTLS 命令。")
    }
    fn starttls_injection(&self, at: &str) -> String {
        format!("{at} 在 STARTTLS 应答后、TLS 开始前发送了数据；mailcheck 已中止。")
    }
    fn tls_failed(&self, at: &str) -> String {
        format!("与 {at} 的 TLS 握手失败。")
    }
    fn cert_expired(&self, at: &str, not_after: &str) -> String {
        format!("{at} 的证书当前无效（有效期至 {not_after}）。")
    }
    fn cert_name_mismatch(&self, at: &str, host: &str) -> String {
        format!("{at} 的证书不包含 {host}。")
    }
    fn cert_alias(&self, host: &str, target: &str, names: &str) -> String {
        format!(
            "{host} 是 {target} 的别名（CNAME）；请将服务器地址填写为 {target}。证书包含的名称：{names}。"
        )
    }
    fn cert_covers(&self, names: &str) -> String {
        format!("证书包含的名称：{names}。请使用其中之一作为服务器地址。")
    }
    fn cert_name_answers(&self, names: &str, host: &str) -> String {
        format!(
            "证书包含的名称：{names}。{host} 在同一端口以有效证书应答（已探测；因为只有这张证书提到它，未发送密码）：如服务商确认，请将服务器地址填写为 {host}。"
        )
    }
    fn cert_names_do_not_answer(&self, names: &str, tried: &str) -> String {
        format!(
            "证书包含的名称：{names}。{tried} 也未能以有效设置应答：请向服务商询问正确的服务器地址。"
        )
    }
    fn cert_untrusted(&self, at: &str, issuer: &str) -> String {
        format!("{at} 的证书不受信任（签发者：{issuer}）。")
    }
    fn cert_expiring(&self, at: &str, days: i64, not_after: &str) -> String {
        format!("{at} 的证书将在 {days} 天后（{not_after}）过期。")
    }
    fn and_more(&self, more: usize) -> String {
        format!(" 等另外 {more} 个")
    }
    fn no_tls_at_all(&self, at: &str) -> String {
        format!("{at} 完全不支持加密。")
    }
    fn tls_required(&self, at: &str) -> String {
        format!("{at} 不接受未加密的登录。")
    }
    fn no_smtp_auth(&self, at: &str) -> String {
        format!("{at} 不提供 SMTP 认证：此处已关闭带密码发信。")
    }
    fn refused_session(&self, at: &str) -> String {
        format!("{at} 拒绝了连接。")
    }
    fn refused_login(&self, at: &str, meaning: &str) -> String {
        format!("{at} 拒绝登录：{meaning}")
    }
    fn refused_mailbox(&self, at: &str, meaning: &str) -> String {
        format!("{at} 接受了登录但拒绝访问邮箱：{meaning}")
    }
    fn server_says(&self, hint: &str, alert: &str) -> String {
        format!("{hint}（服务器提示：{alert}）")
    }
    fn broken(&self, at: &str, step: &str) -> String {
        format!("与 {at} 的连接在“{step}”阶段中断。")
    }
    fn breakage(&self, how: Breakage, proto: &str) -> String {
        match how {
            Breakage::Closed => "关闭了连接".to_owned(),
            Breakage::Reset => "重置了连接".to_owned(),
            Breakage::LineTooLong { max } => format!("发送了超过 {max} 字节的一行"),
            Breakage::TooManyLines { max } => format!("发送了超过 {max} 行的应答"),
            Breakage::TooMuchData { max } => format!("发送了超过 {max} 字节的数据"),
            Breakage::NotTheProtocol => format!("的应答不符合 {proto} 协议"),
            Breakage::Other => "中断了连接".to_owned(),
        }
    }
    fn broke_off(&self, at: &str, step: &str, how: &str) -> String {
        format!("{at} 在“{step}”阶段{how}。")
    }
    fn dialogue_broken_fix(&self, proto: &str) -> String {
        format!(
            "该服务器以 {proto} 问候，却无法正常完成对话：服务器故障，或途中的防火墙、扫描邮件的杀毒软件在干扰。请换一个网络重试，或联系服务商。"
        )
    }
    fn slow_reply(&self, at: &str, step: &str, seconds: f64) -> String {
        format!("{at} 在“{step}”阶段开始应答，但 {seconds:.1} 秒内未发完：发送过慢。")
    }
    fn probe_too_slow(&self, at: &str, step: &str, seconds: f64) -> String {
        format!("{at} 应答过慢：整个检测超过 {seconds:.0} 秒，在“{step}”阶段被中止。")
    }
    fn oauth_required(&self, at: &str, mechanisms: &str) -> String {
        format!("{at} 不接受密码：只提供 OAuth 授权登录（{mechanisms}）。")
    }
    fn oauth_policy(
        &self,
        at: &str,
        provider: &str,
        proto: &str,
        since: &str,
        admin: bool,
    ) -> String {
        let provider = spaced(provider);
        if admin {
            format!(
                "{provider}自 {since} 起默认关闭 {proto} 的密码登录：除非管理员重新开启，{at} 只接受 OAuth 授权登录。"
            )
        } else {
            format!("{provider}自 {since} 起拒绝 {proto} 的密码登录：{at} 只接受 OAuth 授权登录。")
        }
    }
    fn oauth_policy_fix(
        &self,
        allows: crate::clientconfig::PasswordsAllowed,
        until: Option<&str>,
    ) -> String {
        use crate::clientconfig::PasswordsAllowed;
        let oauth = "请使用支持 OAuth 登录的邮件客户端（“使用微软/谷歌账号登录”）。";
        match (allows, until) {
            (PasswordsAllowed::Nothing, _) => format!("{oauth}应用密码也不可用。"),
            (PasswordsAllowed::AppPassword, _) => {
                format!("{oauth}也可以生成应用专用密码（需开启两步验证），用它代替账号密码。")
            }
            (PasswordsAllowed::AdminSwitch, Some(until)) => {
                format!("{oauth}也可以请管理员为该邮箱重新开启密码登录，此选项保留到 {until}。")
            }
            (PasswordsAllowed::AdminSwitch, None) => format!(
                "{oauth}也可以请管理员为该邮箱重新开启密码登录；服务商尚未公布此选项保留到何时。"
            ),
        }
    }
    fn oauth_policy_upcoming(
        &self,
        at: &str,
        provider: &str,
        proto: &str,
        since: &str,
        days: i64,
        admin: bool,
    ) -> String {
        let how = if admin { "默认关闭" } else { "关闭" };
        let provider = spaced(provider);
        format!(
            "{provider}将于 {since}（{days} 天后）{how} {proto} 的密码登录：届时 {at} 只接受 OAuth 授权登录。"
        )
    }
    fn oauth_only_source(&self, at: &str, source: &str) -> String {
        format!("{source} 列出的 {at} 登录方式只有 OAuth2：在那里用密码无法登录。")
    }
    fn token_expired(&self, at: &str, mech: &str, when: &str) -> String {
        format!("{at} 拒绝了 OAuth 令牌（{mech}）：令牌已于 {when} 过期。")
    }
    fn token_audience(&self, at: &str, mech: &str, audiences: &str, wanted: &str) -> String {
        format!("{at} 拒绝了 OAuth 令牌（{mech}）：令牌的受众是 {audiences}，而不是 {wanted}。")
    }
    fn token_scope(&self, at: &str, mech: &str, scopes: &str, wanted: &str) -> String {
        let has = if scopes.is_empty() { "无" } else { scopes };
        format!("{at} 拒绝了 OAuth 令牌（{mech}）：令牌缺少权限范围 {wanted}（现有：{has}）。")
    }
    fn token_user(&self, at: &str, mech: &str, claim: &str, value: &str, login: &str) -> String {
        format!(
            "{at} 拒绝了 OAuth 令牌（{mech}）：令牌的 {claim} 是 {value}，不是登录用户 {login}。"
        )
    }
    fn token_opaque(&self, at: &str, mech: &str) -> String {
        format!(
            "{at} 拒绝了 OAuth 令牌（{mech}）；该令牌不是 JWT，无法读取其声明（受众、权限范围、有效期、用户）。"
        )
    }
    fn token_unexplained(&self, at: &str, mech: &str) -> String {
        format!(
            "{at} 拒绝了 OAuth 令牌（{mech}），但令牌的声明（受众、权限范围、有效期、用户）看起来都正确。"
        )
    }
    fn token_server_status(&self, status: &str) -> String {
        format!("服务器返回的错误状态：{status}。")
    }
    fn auth_mechanism_unsupported(&self, at: &str, mechanisms: &str) -> String {
        format!("{at} 只提供 {mechanisms} 登录方式，mailcheck 不支持；未测试登录，也未发送密码。")
    }
    fn no_login_mechanism(&self, at: &str) -> String {
        format!("{at} 没有提供 mailcheck 可用的登录方式；未测试登录，也未发送密码。")
    }
    fn insecure_source(&self, source: &str) -> String {
        format!("来自 {source} 的设置通过未加密的 HTTP 传输，途中可能被篡改。")
    }
    fn conflict_settled(
        &self,
        at: &str,
        security: &str,
        agree: &[&str],
        disagree: &[&str],
    ) -> String {
        // A space between Chinese and a Latin name that begins the list (`修正 DNS SRV 记录`).
        let after = |list: String| match list.starts_with(|c: char| c.is_ascii()) {
            true => format!(" {list}"),
            false => list,
        };
        let named = if agree.is_empty() {
            "由探测发现".to_owned()
        } else {
            format!("与{}给出的一致", spaced(&after(agree.join("、"))))
        };
        let mut text = format!("已验证 {at}（{security}）可用，{named}。");
        if !disagree.is_empty() {
            text.push_str(&format!(
                "请修正{}：它们只给出了其他服务器。",
                after(disagree.join("、"))
            ));
        }
        text
    }
    fn settings_conflict(&self, proto: &str) -> String {
        format!("不同来源给出的 {proto} 服务器设置不一致。")
    }
    fn no_settings_found(&self, domain: &str) -> String {
        format!("没有任何来源给出 {domain} 的服务器设置。")
    }
    fn dns_unavailable(&self, server: &str, failed: usize, kinds: &str) -> String {
        format!("向{server}发出的 {failed} 次 DNS 查询都没有得到回答（{kinds}）。")
    }
    fn too_many_candidates(&self, sources: &str, named: usize, proto: &str, kept: usize) -> String {
        format!(
            "{sources} 列出了 {named} 个 {proto} 服务器；mailcheck 只探测其中最可信的 {kept} 个，其余的没有探测。"
        )
    }
    fn not_in_database(&self, domain: &str) -> String {
        format!(
            "内置服务商数据库中没有 {domain}；请去掉 --offline 以查询 DNS 和自动配置，或检查域名是否拼写错误。"
        )
    }

    fn this_port_filtered(&self, port: u16) -> String {
        format!(
            "该主机的 {port} 端口有回应，所以被丢弃的正是这个端口：本地或服务器端的防火墙屏蔽了它。请换一个网络重试，或请网络管理员开放该端口。"
        )
    }
    fn host_unreachable(&self) -> String {
        "该主机的任何端口都没有回应：主机已停机，或到它的路由中断（或防火墙丢弃了发往它的所有连接）。请稍后或换一个网络重试；设置本身很可能没有错。".into()
    }
    fn unreachable(&self, at: &str) -> String {
        format!("本机根本无法向 {at} 发起连接：当前网络没有到它的路由，或本机的防火墙拒绝了连接。")
    }
    fn unreachable_fix(&self) -> String {
        "这是网络问题，不是设置问题：请检查本机的网络连接、VPN 和防火墙，或换一个网络重试。".into()
    }
    fn ipv6_broken(&self, at: &str, failed: &str, ipv4: &str) -> String {
        format!("{at} 通过 IPv6 连接失败（{failed}），而 IPv4（{ipv4}）可以正常连接。")
    }
    fn quota_full(&self, at: &str, used: &str, limit: &str, percent: u64) -> String {
        format!("{at} 上的邮箱已满：已用 {used}，共 {limit}（{percent}%）。")
    }
    fn quota_full_fix(&self) -> String {
        "新邮件会被拒收或退回给发件人，邮件客户端也无法保存已发送邮件的副本。请删除带大附件的邮件并清空已删除和垃圾邮件文件夹，或请管理员扩大邮箱容量。".into()
    }
    fn quota_nearly_full(&self, at: &str, used: &str, limit: &str, percent: u64) -> String {
        format!("{at} 上的邮箱已用 {percent}%：已用 {used}，共 {limit}。")
    }
    fn quota_nearly_full_fix(&self) -> String {
        "请尽快删除或归档邮件，并清空已删除和垃圾邮件文件夹：邮箱一旦满了，新邮件会被退回，已发送邮件也无法保存。".into()
    }
    fn messages(&self, count: u64) -> String {
        format!("{count} 封邮件")
    }
    fn folder_names_break(&self, at: &str, count: usize, examples: &str) -> String {
        format!("{at} 上有 {count} 个文件夹名称含有部分邮件客户端无法处理的字符：{examples}。")
    }
    fn folder_names_fix(&self, renames: &str) -> String {
        let renames = if renames.is_empty() {
            String::new()
        } else {
            format!("：{renames}")
        };
        format!(
            "请在网页版邮箱（或能打开它们的客户端）中重命名{renames}。文件夹名称含有这类字符（如全角空格）时，部分手机收信会出现“检查信息失败”（腾讯企业邮箱帮助中心的说明）；严格按 RFC 3501 读取名称的客户端会显示乱码或无法打开。"
        )
    }
    fn name_problem(&self, problem: &crate::probe::mailbox::NameProblem) -> String {
        use crate::probe::mailbox::NameProblem::*;
        let code = problem.character().unwrap_or_default();
        match problem {
            UnusualSpace(' ') => "开头或结尾有空格".into(),
            UnusualSpace('\u{3000}') => format!("含全角空格 {code}"),
            UnusualSpace(_) => format!("含特殊空格 {code}"),
            Invisible(_) => format!("含不可见字符或控制字符 {code}"),
            InvalidUtf7 => "不是有效的修改版 UTF-7 编码".into(),
            SeparatorInName(_) => format!("名称中含有层级分隔符 {code}"),
            TooLong(n) => format!("长达 {n} 个字符"),
        }
    }
    fn role(&self, role: crate::probe::mailbox::Role) -> &'static str {
        use crate::probe::mailbox::Role::*;
        match role {
            Sent => "已发送",
            Drafts => "草稿箱",
            Trash => "已删除",
            Junk => "垃圾邮件",
            Archive => "归档",
        }
    }
    fn folder_count(&self, count: usize, complete: bool) -> String {
        if complete {
            format!("{count} 个文件夹")
        } else {
            format!("至少 {count} 个文件夹")
        }
    }
    fn quota_usage(&self, used: &str, limit: &str, percent: u64) -> String {
        format!("容量已用 {used}，共 {limit}（{percent}%）")
    }
    fn quota_unlimited(&self) -> &'static str {
        "容量不限"
    }
    fn quota_not_offered(&self) -> &'static str {
        "服务器未提供容量信息（不支持 QUOTA）"
    }
    fn quota_refused(&self) -> &'static str {
        "服务器拒绝提供容量信息"
    }
    fn idle(&self, offered: bool) -> &'static str {
        if offered {
            "支持 IDLE（新邮件推送）"
        } else {
            "不支持 IDLE"
        }
    }
    fn pop3_drop(&self, messages: u64, size: &str) -> String {
        format!("服务器上有 {}，共 {size}", self.messages(messages))
    }
    fn uidl(&self, offered: bool) -> &'static str {
        if offered {
            "支持 UIDL：可以“在服务器上保留邮件副本”"
        } else {
            "不支持 UIDL"
        }
    }
    fn size_limit(&self, size: &str, attachment: &str) -> String {
        format!("超过 {size} 的邮件会被拒收（附件约超过 {attachment} 即会被拒）")
    }
    fn no_size_limit(&self) -> &'static str {
        "服务器未声明邮件大小限制"
    }
    fn missing_roles(&self, roles: &[&str]) -> String {
        let roles = roles.join("、");
        format!(
            "没有{roles}文件夹：邮件客户端会自行创建，或无法在此保存（已发送邮件、草稿、已删除邮件）。"
        )
    }
    fn no_idle_note(&self) -> &'static str {
        "不支持 IDLE：新邮件不会推送，只有客户端定时收信（每隔几分钟）时才会出现。"
    }
    fn no_uidl_note(&self) -> &'static str {
        "不支持 UIDL：POP3 客户端无法分辨哪些邮件已经收过，“在服务器上保留邮件副本”时会重复下载全部邮件；如需在服务器上保留邮件，请使用 IMAP。"
    }
    fn after_auth_only(&self, keywords: &str) -> String {
        format!("登录后才声明：{keywords}。")
    }
    fn size_changes_after_auth(&self, before: &str, after: &str) -> String {
        format!("登录前的邮件大小限制为 {before}，登录后为 {after}；对邮件客户端生效的是后者。")
    }
    fn folders_cut_off(&self, count: usize) -> String {
        format!(
            "文件夹列表在 {count} 个文件夹后被截断（mailcheck 最多读取 1 MB）：文件夹这么多会使邮件客户端同步很慢。"
        )
    }
    fn mailbox_label(&self) -> &'static str {
        "邮箱："
    }
    fn ipv6_broken_fix(&self) -> String {
        "设置是正确的，通过 IPv4 可以使用。优先尝试 IPv6 的邮件客户端可能会卡住或失败：请修复本网络的 IPv6，或请服务器管理员修复其 IPv6 地址或 AAAA 记录。".into()
    }
    fn cert_renewed_not_loaded(&self, https_until: &str) -> String {
        format!(
            "同一主机的 HTTPS 证书（443 端口）有效期至 {https_until}：证书已经续期，但邮件服务器仍在使用旧证书。管理员需要重新加载或重启邮件服务（例如 Dovecot 和 Postfix），使其载入续期后的证书。"
        )
    }
    fn cert_self_signed(&self) -> String {
        "该证书是自签名证书：邮件客户端不会信任它。服务器需要使用公共 CA 签发的证书；请不要盲目接受这个证书。".into()
    }
    fn cert_root_not_trusted(&self, root: &str) -> String {
        format!(
            "服务器发送的证书链止于其根 CA（{root}），本机不信任该 CA（未知或私有 CA）：服务器需要使用公共 CA 签发的证书；如果这是贵单位自己的 CA，请用 --ca-file 添加它。"
        )
    }
    fn cert_issuer_missing(&self, issuer: &str) -> String {
        format!(
            "服务器只发送了自己的证书，没有发送其签发者（{issuer}）的证书：服务器必须同时发送中间证书（配置完整证书链，例如 fullchain.pem）。如果该签发者是私有 CA，请改用 --ca-file 添加它。"
        )
    }
    fn cert_https_valid(&self, https_until: &str) -> String {
        format!(
            "同一主机的 HTTPS 证书（443 端口）是有效的（有效期至 {https_until}）：邮件服务器也可以使用这张证书（连同完整证书链）。"
        )
    }
    fn provider_host_missing(&self, host: &str, error: &str, provider: &str) -> String {
        format!(
            "{host} 在这里无法解析（{error}），但它是{provider}确实存在的服务器：是这里的 DNS 应答有误（过滤型解析器、需要登录的公共网络、网络故障），而不是拼写错误。"
        )
    }

    fn change_server(&self, typed: &str, right: &str) -> String {
        format!("服务器 {typed} → {right}")
    }
    fn change_port(&self, typed: u16, right: u16) -> String {
        format!("端口 {typed} → {right}")
    }
    fn change_encryption(&self, typed: &str, right: &str) -> String {
        format!("加密方式 {typed} → {right}")
    }
    fn change_fields(&self, changes: &str) -> String {
        format!("请修改设置：{changes}（已验证可用）。")
    }
    fn change_either(&self, first: &str, second: &str) -> String {
        format!("请修改设置：{first}；或者改为 {second}。两种都已验证可用。")
    }
    fn field_separator(&self) -> &'static str {
        "，"
    }

    fn servers_tried(&self, count: usize) -> String {
        format!("（已尝试 {count} 个服务器）")
    }
    fn login_not_tried(&self, why: &str) -> String {
        format!("未尝试登录（{why}）")
    }
    fn not_logged_in(&self, servers: &str, why: &str) -> String {
        format!("{servers}：{why}")
    }
    fn accounts_checked(&self, total: usize, fine: usize, failing: usize) -> String {
        format!("\n共检测 {total} 个账户：{fine} 个正常，{failing} 个有错误\n")
    }

    fn remark(&self, remark: &Remark) -> String {
        match remark {
            Remark::Connected(address) => format!("已连接到 {address}"),
            Remark::TlsEstablished {
                version,
                rejected: None,
            } => format!("TLS 已建立（{version}）"),
            Remark::TlsEstablished {
                version,
                rejected: Some(why),
            } => {
                let why = match why {
                    CertRejected::Expired => "证书已过期或尚未生效",
                    CertRejected::NameMismatch => "证书不包含此主机名",
                    CertRejected::Untrusted => "证书不是由受信任的机构签发的",
                };
                format!("TLS 已建立（{version}），但证书被拒绝：{why}；不会发送密码")
            }
            Remark::NotKept(lines) => format!("……另有 {lines} 行未保留"),
            Remark::Stopped(ending) => {
                let why = match ending {
                    Ending::NotResolved => "主机名无法解析，未能连接".into(),
                    Ending::ConnectRefused => "连接被拒绝".into(),
                    Ending::ConnectNoAnswer(limit) => {
                        format!("连接请求在 {} 秒内没有回应", seconds(*limit))
                    }
                    Ending::ConnectFailed(error) | Ending::Failed(error) => {
                        format!("连接失败：{error}")
                    }
                    Ending::NoReply(limit) => format!("{} 秒内没有应答", seconds(*limit)),
                    Ending::ReplyIncomplete(limit) => {
                        format!("应答在 {} 秒内没有发完", seconds(*limit))
                    }
                    Ending::ClosedByServer => "服务器关闭了连接".into(),
                    Ending::ResetByServer => "服务器重置了连接".into(),
                    Ending::TooMuch => "服务器发送的数据超出了 mailcheck 读取的上限".into(),
                    Ending::NotTheProtocol => "应答不符合该协议".into(),
                    Ending::TlsFailed(reason) => format!("TLS 握手失败：{reason}"),
                    Ending::PlaintextNotTls => "服务器以明文应答，而不是 TLS".into(),
                    Ending::TlsNotPlaintext => "服务器以 TLS 应答，而不是明文".into(),
                    Ending::StarttlsNotOffered => "服务器不支持 STARTTLS".into(),
                    Ending::StarttlsRefused => "服务器拒绝了 STARTTLS".into(),
                    Ending::Injection => {
                        "STARTTLS 应答之后、TLS 开始之前收到了多余数据，已中止".into()
                    }
                    Ending::Refused => "服务器拒绝了客户端".into(),
                    Ending::ProbeTooSlow(limit) => {
                        format!("整个检测超过 {} 秒，已中止", seconds(*limit))
                    }
                };
                format!("—— {why} ——")
            }
        }
    }

    fn dialogue_heading(&self, address: &str, version: &str) -> String {
        format!("协议对话记录（地址 {address}，mailcheck {version}）")
    }

    fn step(&self, step: Step) -> &'static str {
        match step {
            Step::DnsLookup => "DNS 查询",
            Step::Connect => "连接",
            Step::TlsHandshake => "TLS 握手",
            Step::Greeting => "问候",
            Step::Capabilities => "查询服务器功能",
            Step::Starttls => "STARTTLS",
            Step::TlsAfterStarttls => "STARTTLS 之后的 TLS 握手",
            Step::Login => "登录",
            Step::ExamineInbox => "打开收件箱（EXAMINE INBOX）",
            Step::Mailbox => "检查邮箱",
            Step::Logout => "退出登录",
        }
    }

    fn paren(&self, text: &str) -> String {
        format!("（{text}）")
    }

    fn clause_separator(&self) -> &'static str {
        "；"
    }

    fn said(&self, said: &Said) -> String {
        let from = |origin: &Origin| match origin {
            Origin::Stdin => "标准输入".to_owned(),
            Origin::Prompt => "提示输入".to_owned(),
            Origin::Env(var) => format!("环境变量 {var} "),
            Origin::PasswordFile(path) => format!("密码文件 {path} "),
            Origin::TokenFile(path) => format!("令牌文件 {path} "),
            Origin::File(path) => format!(" {path} "),
        };
        let text = match said {
            Said::InvalidAddress(typed) => format!("地址“{typed}”无效"),
            Said::UserServer { protocol, typed } => format!("--{protocol} {typed}"),
            Said::EnvNotSet(var) => format!("环境变量 {var} 未设置"),
            Said::EmptyPassword(origin) => format!("来自{}的密码为空", from(origin)),
            Said::CannotRead(origin) => format!("无法读取{}", from(origin)),
            Said::CannotReadPassword(origin) => format!("无法从{}读取密码", from(origin)),
            Said::NotText(origin) => format!("{}不是 UTF-8 文本", from(origin)),
            Said::PasswordNotText(origin) => format!("来自{}的密码不是 UTF-8 文本", from(origin)),
            Said::FirstLineTooLong { origin, max } => {
                format!("{}的第一行超过 {max} 字节，不是密码", from(origin))
            }
            Said::NoTerminal => {
                "--ask-password 需要在终端上询问密码（从管道读取请用 --password-stdin）".to_owned()
            }
            Said::BatchFile(file) => format!("--batch {file}"),
            Said::BatchLine(line) => format!("第 {line} 行"),
            Said::BatchLines(count) => format!("有 {count} 行有误："),
            Said::AndMore(more) => format!("……另有 {more} 行"),
            Said::NoAddresses => "没有地址（每行一个地址）".to_owned(),
            Said::PasswordWrittenInBatch => {
                "批处理文件中绝不写入密码：请用 password-env=VAR 或 password-file=PATH 指明"
                    .to_owned()
            }
            Said::NotPasswordSource(key) => format!(
                "“{key}”不是 password-env=VAR、password-file=PATH、oauth-token-env=VAR 或 oauth-token-file=PATH"
            ),
            Said::TwoPasswordSources(typed) => format!("{typed}：密码来源不止一个"),
            Said::EmptyToken(origin) => format!("来自{}的 OAuth 令牌为空", from(origin)),
            Said::CannotReadToken(origin) => format!("无法从{}读取 OAuth 令牌", from(origin)),
            Said::TokenNotText(origin) => {
                format!("来自{}的 OAuth 令牌不是 UTF-8 文本", from(origin))
            }
            Said::TokenLineTooLong { origin, max } => {
                format!("{}的第一行超过 {max} 字节，不是 OAuth 令牌", from(origin))
            }
            Said::NoTerminalForToken => {
                "--ask-oauth-token 需要在终端上询问令牌（从管道读取请用 --oauth-token-stdin）"
                    .to_owned()
            }
            Said::TwoTokenSources(typed) => format!("{typed}：OAuth 令牌来源不止一个"),
            Said::CannotCheck(address) => format!("无法检测 {address}"),
            Said::CannotExplain => "无法解释这条回复".to_owned(),
            Said::NothingVerified(address) => format!(
                "{address} 没有任何服务器经验证可用，因此没有可输出的 autoconfig 文件；去掉 --emit 运行可查看原因"
            ),
            Said::ProtocolNotInPacc { protocol, port } => format!(
                "{protocol}：PACC 只能给出端口 {port} 上的 SSL/TLS，而经验证可用的只有 STARTTLS 或其他端口，因此文件中没有它"
            ),
            Said::ProtocolLeftOut(protocol) => format!(
                "{protocol}：没有服务器经验证可用，因此文件中没有它；去掉 --emit 运行可查看原因"
            ),
            Said::UnknownArgument { arg, suggestion } => match suggestion {
                Some(meant) => format!("未知的参数“{arg}”（是否想用“{meant}”？）"),
                None => format!("未知的参数“{arg}”"),
            },
            Said::InvalidValue { arg, value, valid } => {
                format!("“{value}”不是“{arg}”的有效值（可选：{}）", valid.join("、"))
            }
            Said::RefusedValue { arg, value } => format!("“{arg}”的值“{value}”无效"),
            Said::MissingArgument(args) => format!("缺少必需的参数：{}", args.join(" ")),
            Said::Conflict { arg, other } => format!("参数“{arg}”不能与“{other}”同时使用"),
            Said::TryHelp => "更多信息请运行 mailcheck --help。".to_owned(),
            Said::TimeoutNotPositive => "必须大于 0 秒（最多 600 秒）".to_owned(),
            Said::TimeoutTooLong => "最多 600 秒".to_owned(),
            Said::TimeoutNotNumber(typed) => {
                format!("“{typed}”不是秒数（须大于 0，最多 600）")
            }
            Said::NotHttpUrl { typed, example } => {
                format!("“{typed}”不是 http(s) 网址（例如 {example}）")
            }
            Said::NotDnsServer(typed) => format!("“{typed}”不是 IP 或 IP:端口"),
            Said::CaFileUnreadable(path) => format!("无法使用 CA 文件：无法读取 {path}"),
            Said::CaFileEmpty(path) => format!("无法使用 CA 文件：{path} 中没有 PEM 证书"),
            Said::CaFileInvalid(path) => format!("无法使用 CA 文件 {path}"),
            Said::CannotSetUpDns => "无法设置 DNS".to_owned(),
            Said::CannotSetUpHttp => "无法设置 HTTP".to_owned(),
            Said::CannotStartRuntime => "无法启动异步运行时".to_owned(),
            Said::CannotWriteReport => "无法写出报告".to_owned(),
            Said::CannotRenderManual => "无法生成手册页".to_owned(),
            Said::ConfigFile(path) => format!("配置文件 {path}"),
            Said::EnvValue(var) => format!("环境变量 {var}"),
            Said::NotBoolean => "不是“是”或“否”（1、true、yes、on；0、false、no、off）".to_owned(),
            Said::PasswordWrittenInConfig => "配置文件中绝不写入密码：请用 password-env = \"VAR\" 或 password-file = \"PATH\" 指明密码所在（令牌用 oauth-token-env、oauth-token-file）".to_owned(),
            Said::ConfigNeedsText(key) => format!("{key} 的值须是带引号的文本"),
            Said::ConfigNeedsBoolean(key) => format!("{key} 的值须是 true 或 false"),
            Said::ConfigNotSettable(key) => format!("--{key} 不能写在配置文件中（它只关乎一个账户或一次运行）：请在命令行上给出"),
            Said::ConfigUnknown(key) => format!("“{key}”不是 mailcheck 的选项（键名即长选项名，如 timeout、dns-server）"),
            Said::ConfigKey(key) => key.clone(),
            Said::ConfigValue(value) => format!("无效的值“{value}”"),
        };
        // An origin's padding must not stand at either end, nor twice.
        text.trim().replace("  ", " ")
    }
    fn cause_separator(&self) -> &'static str {
        "："
    }
    fn address_error(&self, error: &AddressError) -> String {
        use crate::address::{MAX_DOMAIN_LEN, MAX_LABEL_LEN, MAX_LOCAL_LEN};
        match error {
            AddressError::MissingAt => "缺少“@”".to_owned(),
            AddressError::SeveralAt => "含有多个“@”".to_owned(),
            AddressError::EmptyLocalPart => "“@”前面的部分为空".to_owned(),
            AddressError::EmptyDomain => "“@”后面的域名为空".to_owned(),
            AddressError::Whitespace => "含有空白字符".to_owned(),
            AddressError::AddressLiteral(literal) => format!(
                "“{literal}”是地址字面量；mailcheck 需要邮件域名（example.com）才能查找设置"
            ),
            AddressError::ControlCharacter(code) => format!("含有控制字符（U+{code:04X}）"),
            AddressError::LocalPartTooLong(len) => {
                format!("“@”前面的部分长 {len} 字节，最多允许 {MAX_LOCAL_LEN} 字节")
            }
            AddressError::LocalPartDots => {
                "“@”前面的部分有空的点分段（开头、结尾或连续的点）".to_owned()
            }
            AddressError::LocalPartCharacter(c) => {
                format!("“@”前面的部分含有地址中不允许的字符“{c}”")
            }
            AddressError::LabelTooLong { label, len } => {
                format!("域名标签“{label}”长 {len} 个字符，最多允许 {MAX_LABEL_LEN} 个")
            }
            AddressError::EmptyLabel => "域名中有空标签（开头、结尾或连续的点）".to_owned(),
            AddressError::DomainTooLong(len) => {
                format!("域名长 {len} 个字符，最多允许 {MAX_DOMAIN_LEN} 个")
            }
            AddressError::SingleLabel(domain) => {
                format!("域名“{domain}”只有一段；邮件域名至少有两段（example.com）")
            }
            AddressError::LabelCharacters(label) => {
                format!("域名标签“{label}”只能包含字母、数字和中间的连字符")
            }
            AddressError::Idna(domain) => format!("域名“{domain}”不是有效的国际化域名"),
        }
    }

    fn token_prompt(&self, address: &str) -> String {
        format!("{address} 的 OAuth 令牌：")
    }
    fn password_prompt(&self, address: &str) -> String {
        format!("{address} 的密码：")
    }

    fn server_spec_error(&self, error: &crate::settings::ServerSpecError) -> String {
        use crate::settings::ServerSpecError as E;
        match error {
            E::Shape(typed) => format!("“{typed}”不是 HOST:PORT 或 HOST:PORT:MODE 的形式"),
            E::NoHost(typed) => format!("“{typed}”没有主机名"),
            E::Port(port) => format!("“{port}”不是端口号（1–65535）"),
            E::Mode(mode) => format!("未知的加密方式“{mode}”（应为 tls、ssl、starttls 或 plain）"),
            E::Host { host, error } => {
                format!("“{host}”不是有效的主机名：{}", self.address_error(error))
            }
        }
    }

    fn dns_error(&self, error: &crate::net::dns::DnsError) -> String {
        use crate::net::dns::DnsError as E;
        match error {
            E::NxDomain => "该名称不存在（NXDOMAIN）".to_owned(),
            E::NoRecords => "没有该类型的记录".to_owned(),
            E::CnameLoop(chain) => format!("该名称是循环的别名（CNAME）：{}", chain.join(" → ")),
            E::ServFail => "DNS 服务器未能应答（SERVFAIL）".to_owned(),
            E::Refused => "DNS 服务器拒绝了查询（REFUSED）".to_owned(),
            E::Timeout(limit) => format!("DNS 服务器在 {} 秒内没有应答", super::seconds(*limit)),
            // The resolver's own words.
            E::Failed(reason) => format!("DNS 查询失败：{reason}"),
        }
    }

    fn conclusion_problem(&self, meaning: &str, place: Option<&str>) -> String {
        let meaning = meaning.trim_end_matches('。');
        match place {
            Some(place) => format!("{meaning}（{place}）。"),
            None => format!("{meaning}。"),
        }
    }
    fn conclusion_servers(&self, protocols: &str, servers: usize) -> String {
        format!("{protocols}，共 {servers} 台服务器")
    }
    fn conclusion_refused_everywhere(&self, protocols: &str) -> String {
        format!("{protocols} 都拒绝了同一个密码：密码或用户名有误。")
    }
    fn conclusion_not_retried(&self, protocols: &str) -> String {
        format!("为免账户被锁定，未用同一密码再试 {protocols}。")
    }
    fn conclusion_more_problems(&self, count: usize) -> String {
        format!("下文还有 {count} 个问题。")
    }
    fn conclusion_logged_in(&self, protocols: &str) -> String {
        format!("一切正常：{protocols} 均登录成功。")
    }
    fn conclusion_reachable(&self, protocols: &str) -> String {
        format!("{protocols} 在登录之前未发现问题；登录本身未测试。")
    }
    fn conclusion_untested(&self, protocols: &str) -> String {
        format!("{protocols} 未测试：以下是最可能的设置，未经探测。")
    }
    fn conclusion_warnings(&self, count: usize) -> String {
        format!("下文有 {count} 条警告。")
    }
    fn conclusion_use_settings(&self) -> &'static str {
        "请在邮件客户端中使用下面的设置。"
    }
    fn password_accepted_by(&self, proto: &str, at: &str) -> String {
        format!("{proto}（{at}）接受了同一用户名和密码，说明它们是正确的。")
    }
    fn use_instead(&self, at: &str) -> String {
        format!("请改用 {at}。")
    }
    fn works_instead(&self, proto: &str, at: &str, security: &str) -> String {
        format!("{proto} 在 {at}（{security}）可用（已验证）：请使用下面的设置。")
    }
    fn password_field(&self, kind: crate::clientconfig::PasswordKind) -> &'static str {
        use crate::clientconfig::PasswordKind::*;
        match kind {
            Account => "账户密码",
            AppPassword => "在账户安全设置中生成的应用专用密码，而不是账户密码",
            AuthorizationCode => "在网页邮箱中生成的授权码，而不是网页邮箱的登录密码",
            AuthorizationCodeIfOn => "网页邮箱密码；如已开启客户端授权码，则填写授权码",
            ClientPasswordIfSecureLogin => "邮箱密码；开启安全登录后须使用客户端专用密码",
        }
    }
    fn smtp_authentication(&self, kind: crate::clientconfig::PasswordKind) -> &'static str {
        use crate::clientconfig::PasswordKind::*;
        match kind {
            Account => "需要，与收件服务器相同的用户名和密码",
            AppPassword => "需要，使用相同的用户名和同一个应用专用密码",
            AuthorizationCode | AuthorizationCodeIfOn => "需要，使用相同的用户名和同一个授权码",
            ClientPasswordIfSecureLogin => "需要，与收件服务器相同的用户名和密码",
        }
    }
    fn published_settings_wrong(&self, source: &str, at: &str, security: &str) -> String {
        format!("{source} 提供的 {at}（{security}）无法使用。")
    }
    fn publish_instead(&self, at: &str, security: &str) -> String {
        format!("请改为发布 {at}（{security}）：已验证可用。")
    }
    fn pacc_cannot_say(&self, at: &str, security: &str, port: u16) -> String {
        format!(
            "{at}（{security}）可用，但 PACC 无法表示它（只能给出端口 {port} 上的 SSL/TLS）：请让服务器在 {port} 端口提供 SSL/TLS，或从 PACC 文档中去掉该协议。"
        )
    }
    fn published_nothing_works(&self, proto: &str) -> String {
        format!("尝试过的 {proto} 服务器都无法使用：请修复服务器，或修改域名为其发布的设置。")
    }
    fn oauth_only_for(&self, protocols: &str) -> String {
        format!("{protocols} 不用密码，只能通过 OAuth 登录")
    }
    fn pacc_invalid(&self, url: &str, check: crate::finding::PaccCheck) -> String {
        use crate::finding::PaccCheck::*;
        let what = match check {
            Certificate => "其 HTTPS 证书未通过验证",
            MissingRecord => "没有 _ua-auto-config TXT 记录给出其摘要",
            Version => "其 TXT 记录的版本或算法不是 PACC 定义的",
            Digest => "其 SHA-256 摘要与 TXT 记录发布的不符",
            Json => "它不是 PACC 的 JSON 文档",
        };
        format!("PACC 配置文档 {url} 未被采用：{what}。")
    }
    fn pacc_fix(&self, check: crate::finding::PaccCheck, host: &str) -> String {
        use crate::finding::PaccCheck::*;
        match check {
            Certificate => format!(
                "请为 {host} 配置包含该名称的有效证书：客户端只通过验证过的 HTTPS 读取该文档。"
            ),
            MissingRecord => format!(
                "请发布 TXT 记录 _{host} \"v=UAAC1; a=sha256; d=<文档的 SHA-256，base64>\"。"
            ),
            Version => format!(
                "TXT 记录 _{host} 应写作 \"v=UAAC1; a=sha256; d=…\"：只定义了 UAAC1 和 sha256。"
            ),
            Digest => format!(
                "文档的任何改动都会改变摘要：请在 _{host} 发布当前所提供字节的摘要（mailcheck --emit pacc 会同时给出两者）。"
            ),
            Json => {
                "请提供有效的 JSON，含 \"protocols\" 对象（imap、pop3、submit 各带 \"host\"）。"
                    .to_owned()
            }
        }
    }
}

/// A name before Chinese words: a space after a Latin name, none after full-width punctuation
/// (`Microsoft 365（Exchange Online）自…`).
fn spaced(name: &str) -> String {
    if name.ends_with(|c: char| !c.is_ascii()) {
        name.to_owned()
    } else {
        format!("{name} ")
    }
}
