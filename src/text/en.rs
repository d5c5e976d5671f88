//! English: the default language of every report.

use super::trouble::{Origin, Said};
use super::{Catalogue, Phrase, seconds};
use crate::address::AddressError;
use crate::finding::{Breakage, FindingCode, Step};
use crate::probe::transport::{CertRejected, Ending, Remark};
use crate::settings::Protocol;
use crate::source::SourceKind;

pub struct English;

impl Catalogue for English {
    fn phrase(&self, phrase: Phrase) -> &'static str {
        use Phrase::*;
        match phrase {
            ProvedToWork => " (proved to work)",
            TlsOnPlaintextEvidence => {
                "no plaintext greeting; a TLS handshake on the same port succeeds"
            }
            ReplyNotRecognised => "mailcheck does not recognise this reply.",
            RunMailcheckOnTheAddress => "Run `mailcheck ADDRESS` to probe the servers themselves.",
            PossibleCauses => "Possible causes, most likely first:",
            Evidence => "Evidence:",
            ProviderNotRecognised => "provider not recognised",
            NoSource => "no source",
            SettingsFrom => "Settings from: ",
            MatchedByMx => "recognised by its MX records",
            MatchedByDomain => "recognised by its domain",
            MatchedByAutodiscover => "recognised by its Autodiscover, which Microsoft answers",
            Works => "works",
            LoginSucceeded => "login succeeded",
            Reachable => "reachable",
            LoginNotTestedNoPassword => "login not tested (no password given)",
            NotTested => "not tested",
            LoginRefused => "login refused",
            NoServerWorks => "no server works",
            NotOffered => "not offered",
            PasswordLabel => "Password:",
            PasswordOauthOnly => {
                "no password; the mail program signs in with OAuth, on the provider's own page"
            }
            SmtpAuthOauth => "required, by OAuth sign-in",
            SmtpAuthLabel => "SMTP authentication:",
            ClauseColon => ": ",
            ListAnd => " and ",
            NotNamed => "not checked: no source named a server",
            NothingWorks => "nothing works (see the findings)",
            RefusedNoteTypedOnly => {
                "  ✗ above: the server refused this account's login; only your own settings name this server, the findings say why."
            }
            FindingsHeading => "Findings, worst first",
            Error => "error",
            Warning => "warning",
            ClientSettingsHeading => "Settings for your mail client",
            ClientSettingsUntestedHeading => "Settings for your mail client (not tested)",
            Server => "Server",
            Port => "Port",
            Encryption => "Encryption",
            UserName => "User name",
            RefusedNote => {
                "  ✗ above: the server refused this account's login; the settings are right, the findings say why."
            }
            AlternatesHeading => "Alternates",
            NotesHeading => "Notes",
            Help => "Help: ",
            ServersHeading => "Servers considered",
            LoginNotTested => "login not tested",
            User => "user:",
            Certificate => "certificate",
            CertNames => "names:",
            ValidUntil => "valid until",
            SourcesHeading => "Sources",
            Connect => "connect",
            Handshake => "handshake",
            NoEncryption => "none",
            SourceSeparator => ", ",
            Account => "ACCOUNT",
            Provider => "PROVIDER",
            Findings => "FINDINGS",
            Ok => "ok",
            NoLogin => "no login",
            Untested => "untested",
            Fails => "fails",
            NoDialogue => "(no dialogue: this server was not probed)",
            DialoguesFolded => "Protocol dialogues (credentials replaced by ***)",
            CheckingAccounts => "checking accounts",
            ProviderDbAndMx => "provider database and MX records",
            Asking => "asking",
            Probing => "probing",
            NotLoggedInHeading => "Not logged in to",
            SkippedNotVerifiedTls => "no verified TLS",
            SkippedNoLoginOffered => "no login offered",
            SkippedNoUsableMechanism => "no login mechanism mailcheck may use",
            SkippedInsecureSource => "named only over plain HTTP",
            SkippedAfterRefusal => "another server refused this login",
            SkippedAfterServiceRefusal => "another server refused the service",
            SkippedAttemptLimit => "limit of failed logins reached",
            SkippedNamedByCertificate => "only a failed certificate named it",
            WhyNamedByCertificate => {
                "only the certificate of another server, which failed its name check, named it: whoever presented that certificate chose the name, so no password is sent there."
            }
            WhyNotVerifiedTls => {
                "no verified TLS (none, or a certificate that failed), and the password is never sent without it."
            }
            WhyNoLoginOffered => "no way to log in is offered.",
            WhyNoUsableMechanism => {
                "it offers only login mechanisms mailcheck does not send a password with (the findings list them)."
            }
            WhyInsecureSource => {
                "named only over plain HTTP, which anyone on the way could have changed; the password goes there only with --trust-insecure-sources."
            }
            WhyAfterRefusal => {
                "another server refused this login, so the password was not tried again (many servers lock an account or ban an address after a few failed logins)."
            }
            WhyAfterServiceRefusal => {
                "another server of the same protocol refused the service, so the password was not tried again."
            }
            WhyAttemptLimit => {
                "the run made as many failed logins as it may (--max-failed-logins raises the limit)."
            }
            SlowServerFix => {
                "A server that drips its replies is overloaded or stalling on purpose; try again later, or ask the provider."
            }
            Addresses => "addresses:",
            AttemptConnected => "connected",
            AttemptRefused => "refused",
            AttemptTimeout => "no answer",
            AttemptError => "error",
            AttemptAbandoned => "abandoned",
            AttemptNotTried => "not tried",
            SystemResolver => "the system's DNS resolver",
        }
    }

    fn sentence_gap(&self) -> &'static str {
        " "
    }

    fn generic(&self, code: FindingCode) -> (&'static str, &'static str) {
        use FindingCode::*;
        match code {
            WrongHost => (
                "The server name does not resolve.",
                "Check the server name for typos; use the name your provider documents.",
            ),
            WrongPort => (
                "Nothing answers for this protocol on that port.",
                "Use the port your provider documents (IMAP 993, POP3 995, SMTP 465 with SSL/TLS).",
            ),
            Timeout => (
                "The server did not answer in time.",
                "A firewall may block the port, or the server is down; try the other port or check the network.",
            ),
            TlsMismatch => (
                "The encryption setting does not fit the port.",
                "Use SSL/TLS on 993, 995 and 465, and STARTTLS on 143, 110 and 587.",
            ),
            TlsRequired => (
                "The server will not accept a login without encryption.",
                "Switch encryption on: SSL/TLS (preferred) or STARTTLS.",
            ),
            CertExpired => (
                "The server's certificate has expired or is not yet valid.",
                "The server's administrator must renew the certificate; check the computer's clock too.",
            ),
            CertNameMismatch => (
                "The server's certificate is for another name.",
                "Use a server name that the certificate covers.",
            ),
            CertUntrusted => (
                "The server's certificate is not signed by a trusted authority.",
                "The administrator must install a certificate from a public CA; do not accept it blindly.",
            ),
            BadCredentials => (
                "The server rejected the user name or password.",
                "Check the user name (often the full address) and the password.",
            ),
            ImapDisabled => (
                "IMAP is switched off for this account.",
                "Enable IMAP in the webmail settings, or ask the administrator to.",
            ),
            Pop3Disabled => (
                "POP3 is switched off for this account.",
                "Enable POP3 in the webmail settings, or ask the administrator to.",
            ),
            SmtpDisabled => (
                "Sending through SMTP (SMTP AUTH) is switched off for this account.",
                "Enable SMTP in the webmail settings, or ask the administrator to allow authenticated SMTP.",
            ),
            AppPasswordRequired => (
                "The account password is not accepted here; an app password is required.",
                "Create an app password (authorization code 授权码, client-specific password 客户端专用密码) in the account's security settings and use it instead.",
            ),
            WebLoginRequired => (
                "The provider wants you to sign in through a web browser first.",
                "Sign in to webmail in a browser, complete any security check, then try again.",
            ),
            AccountLocked => (
                "The account is locked, suspended or disabled.",
                "Sign in to webmail or contact the administrator to unlock it.",
            ),
            RateLimited => (
                "Too many attempts or connections.",
                "Wait a while before trying again, and close other mail programs using this account.",
            ),
            TemporarilyUnavailable => (
                "The server says to try again later.",
                "This is temporary; try again in a few minutes.",
            ),
            InsecureSource => (
                "Settings came over an unauthenticated path (plain HTTP).",
                "Confirm these settings with the provider's documentation; publish autoconfig over HTTPS.",
            ),
            SettingsConflict => (
                "The sources of settings disagree.",
                "Use the settings that were verified to work; fix the source that is wrong.",
            ),
            PlaintextOnly => (
                "The server offers no encryption at all.",
                "Passwords would travel in clear text; ask the provider for a TLS-protected server.",
            ),
            StarttlsInjection => (
                "Data arrived between the STARTTLS reply and the start of TLS: possible response injection.",
                "Something on the path may be tampering with the connection; prefer implicit TLS (SSL/TLS on 993/995/465).",
            ),
            CertExpiring => (
                "The server's certificate expires soon.",
                "The server's administrator should renew the certificate now.",
            ),
            OauthRequired => (
                "The server accepts no password login here: only OAuth (signing in through the provider's page).",
                "Use a mail program that signs in with OAuth (\"Sign in with Microsoft/Google\"), or ask the administrator whether password logins can be allowed.",
            ),
            BlockedByAdmin => (
                "An administrator's policy blocks this mail program or protocol for the account.",
                "Ask the mail administrator to allow third-party clients (IMAP/POP3/SMTP) for your account.",
            ),
            PortFiltered => (
                "Connection attempts get no answer at all, or cannot even be sent: a firewall or the network stands between this computer and the server.",
                "Try the other port (465 or 587, 993, 995), another network, or ask the network's administrator to open it.",
            ),
            DnsUnavailable => (
                "Name lookups fail on this computer or network: DNS is broken here, not the settings.",
                "Check the network connection and the DNS server (or try another network), then try again.",
            ),
            SmtpAuthMissing => (
                "The mail program sends without logging in to the outgoing server.",
                "Tick \"My outgoing server (SMTP) requires authentication\" and use the same user name and password as for incoming mail.",
            ),
            NotAConnectionProblem => (
                "This reply is about a message (a bounce, spam filter or size limit), not about the connection: the login works.",
                "Check the recipient's address and the message itself; the account's settings need no change.",
            ),
            NoSettingsFound => (
                "No source produced any server settings.",
                "Check the domain for typos and ask the provider for its IMAP, POP3 and SMTP settings.",
            ),
            AuthMechanismUnsupported => (
                "The server offers no login mechanism that mailcheck can use.",
                "In the mail client choose an authentication method the server offers (the evidence lists them): CRAM-MD5 is often called \"encrypted password\", GSSAPI is Kerberos.",
            ),
            OauthTokenExpired => (
                "The OAuth token has expired.",
                "Get a new access token (or refresh it with the refresh token) and try again; access tokens last about an hour.",
            ),
            OauthTokenWrongAudience => (
                "The OAuth token is for another service than this mail server.",
                "Request the token for the mail service: for Microsoft 365 the scopes https://outlook.office.com/IMAP.AccessAsUser.All, POP.AccessAsUser.All or SMTP.Send, not Microsoft Graph.",
            ),
            OauthTokenMissingScope => (
                "The OAuth token lacks the scope this mail server needs.",
                "Request the token with the mail scope (Microsoft: IMAP.AccessAsUser.All, POP.AccessAsUser.All, SMTP.Send; Google: https://mail.google.com/), with the administrator's consent where the tenant needs it.",
            ),
            OauthTokenWrongUser => (
                "The OAuth token belongs to another user than the one logging in.",
                "Sign in as the mailbox's own user to get the token, or log in with the user the token names (and give that user access to the mailbox).",
            ),
            OauthPolicyUpcoming => (
                "The provider turns password logins off soon: from then on only OAuth sign-in works.",
                "Move the mail program to OAuth sign-in before the date.",
            ),
            OauthTokenRejected => (
                "The server refused the OAuth token.",
                "Check that IMAP/POP/SMTP is enabled for the mailbox, that the application has the administrator's consent and the mailbox permission, and that the token is an access token for mail.",
            ),
            TooManyCandidates => (
                "A source named more servers than mailcheck probes; the rest were left out.",
                "A domain publishes one or two servers per protocol: this many means a broken or hostile DNS zone or document. Ask the provider which server to use.",
            ),
            Ipv6Broken => (
                "The server fails over IPv6 while IPv4 works.",
                "The settings are right and work over IPv4; IPv6 on this network or at the server needs fixing.",
            ),
            PaccInvalid => (
                "The domain's PACC document failed a check and was not used.",
                "Publish the document and its TXT digest again, over HTTPS with a certificate for ua-auto-config.<domain>.",
            ),
            PublishedSettingsWrong => (
                "A server that the domain publishes does not work.",
                "Correct what the domain publishes (autoconfig, SRV, Autodiscover) to settings that work.",
            ),
            QuotaNearlyFull => (
                "The mailbox is at 90% or more of its quota.",
                "Delete or archive mail soon and empty Trash and Junk, or ask for a larger quota.",
            ),
            QuotaFull => (
                "The mailbox is full: new mail is refused or bounces.",
                "Delete mail and empty Trash and Junk, or ask the administrator for a larger quota.",
            ),
            FolderNameBreaksClients => (
                "A folder name holds characters that some mail programs fail on.",
                "Rename the folder in webmail with ordinary letters, digits and spaces.",
            ),
        }
    }

    fn tell_apart(&self, code: FindingCode) -> Option<&'static str> {
        use FindingCode::*;
        Some(match code {
            AppPasswordRequired => {
                "If you typed the account's normal password, create an app password / authorization code (授权码) and use it instead."
            }
            ImapDisabled | Pop3Disabled | SmtpDisabled => {
                "Check in the webmail settings that IMAP/POP3/SMTP is switched on for this account."
            }
            BadCredentials => {
                "Sign in to webmail with the same user name and password: if that fails too, the password is wrong."
            }
            RateLimited => {
                "Stop every mail program using the account for 15–30 minutes; if one attempt then works, it was the rate limit."
            }
            AccountLocked => "Sign in to webmail: a locked or suspended account says so there.",
            TemporarilyUnavailable => {
                "Try again in a few minutes; a busy server recovers by itself."
            }
            WebLoginRequired => {
                "Sign in to webmail in a browser and complete any security check it asks for."
            }
            TlsRequired => "Switch encryption on (SSL/TLS, or STARTTLS) and try again.",
            TlsMismatch => {
                "Match the encryption to the port: SSL/TLS on 465, 993 and 995; STARTTLS on 587, 143 and 110."
            }
            Timeout | PortFiltered => {
                "Try the other port or another network: if that answers, a firewall drops this port."
            }
            CertExpired | CertUntrusted | CertNameMismatch => {
                "Open the server's name in a browser (https://<server>): a certificate problem shows there too."
            }
            WrongHost | DnsUnavailable => {
                "Look the server's name up elsewhere (another network, a DNS checker): if it resolves there, DNS is broken here; if not, the name is mistyped."
            }
            WrongPort => {
                "Check the port against the provider's settings; nothing listens on this one."
            }
            OauthRequired => {
                "Try a mail program that signs in with OAuth: if it works, password logins are switched off."
            }
            BlockedByAdmin => {
                "Ask the administrator whether third-party clients are allowed for your account."
            }
            SmtpAuthMissing => {
                "Check the outgoing server's settings: authentication must be switched on."
            }
            _ => return None,
        })
    }

    fn source_title(&self, source: SourceKind) -> &'static str {
        match source {
            SourceKind::ProviderDb => "provider database",
            SourceKind::Srv => "DNS SRV records",
            SourceKind::Autoconfig => "the domain's autoconfig",
            SourceKind::Wellknown => "the domain's .well-known autoconfig",
            SourceKind::Autodiscover => "Exchange Autodiscover",
            SourceKind::Pacc => "the domain's PACC document",
            SourceKind::Ispdb => "Thunderbird ISPDB",
            SourceKind::IspdbMx => "ISPDB by MX",
            SourceKind::Guess => "guessed host names",
            SourceKind::User => "your settings",
            SourceKind::Probe => "probing the same hosts",
        }
    }

    fn server_kind(&self, protocol: Protocol) -> &'static str {
        match protocol {
            Protocol::Imap => "Incoming mail server (IMAP)",
            Protocol::Pop3 => "Incoming mail server (POP3)",
            Protocol::Smtp => "Outgoing mail server (SMTP)",
        }
    }

    fn unresolvable(&self, host: &str, error: &str) -> String {
        format!("{host} does not resolve: {error}.")
    }
    fn lookup_failed(&self, host: &str, error: &str) -> String {
        format!("The DNS lookup of {host} failed ({error}): the resolver failed, not the name.")
    }
    fn nothing_listens(&self, at: &str) -> String {
        format!("Nothing listens on {at}.")
    }
    fn answers_on(&self, proto: &str, port: u16, security: &str) -> String {
        format!("{proto} answers on port {port} with {security}: use that port.")
    }
    fn no_answer(&self, at: &str, step: &str, seconds: f64) -> String {
        format!("{at} gave no answer at the {step} step within {seconds:.1} s.")
    }
    fn port_filtered(&self, at: &str, seconds: f64) -> String {
        format!(
            "Connection attempts to {at} got no answer at all within {seconds:.1} s: a firewall drops them, here or at the server."
        )
    }
    fn other_protocol(&self, at: &str, other: &str, proto: &str) -> String {
        format!("{at} answers with {other} instead of {proto}.")
    }
    fn use_protocol_ports(&self, proto: &str, tls_port: u16, starttls_port: u16) -> String {
        format!("Use {proto}'s port: {tls_port} (SSL/TLS) or {starttls_port} (STARTTLS).")
    }
    fn not_mail(&self, at: &str) -> String {
        format!("{at} does not answer like a mail server.")
    }
    fn plaintext_on_tls_port(&self, at: &str) -> String {
        format!("{at} speaks plaintext, but the settings say SSL/TLS from the first byte.")
    }
    fn choose_starttls_here(&self, port: u16, proof: &str) -> String {
        format!("This server speaks plaintext on {port}: choose STARTTLS, not SSL/TLS{proof}.")
    }
    fn starttls_elsewhere(&self, port: u16, starttls_port: u16) -> String {
        format!(
            "This server speaks plaintext on {port}: use STARTTLS on {starttls_port}, or SSL/TLS on the provider's TLS port."
        )
    }
    fn tls_on_plaintext_port(&self, at: &str, typed: &str) -> String {
        format!("{at} expects TLS from the first byte, but the settings say {typed}.")
    }
    fn choose_tls_here(&self, port: u16, typed: &str, proof: &str) -> String {
        format!("Port {port} expects TLS from the first byte: choose SSL/TLS, not {typed}{proof}.")
    }
    fn starttls_not_offered(&self, at: &str) -> String {
        format!("{at} does not offer STARTTLS.")
    }
    fn choose_tls_port(&self, port: u16, proof: &str) -> String {
        format!("Choose SSL/TLS on port {port} instead{proof}.")
    }
    fn starttls_refused(&self, at: &str) -> String {
        format!("{at} refused the STARTTLS command.")
    }
    fn starttls_injection(&self, at: &str) -> String {
        format!(
            "{at} sent data after its STARTTLS reply, before TLS began; mailcheck stopped there."
        )
    }
    fn tls_failed(&self, at: &str) -> String {
        format!("The TLS handshake with {at} failed.")
    }
    fn cert_expired(&self, at: &str, not_after: &str) -> String {
        format!("The certificate of {at} is not valid now (valid until {not_after}).")
    }
    fn cert_name_mismatch(&self, at: &str, host: &str) -> String {
        format!("The certificate of {at} is not for {host}.")
    }
    fn cert_alias(&self, host: &str, target: &str, names: &str) -> String {
        format!(
            "{host} is an alias (CNAME) of {target}; type {target} as the server. The certificate covers: {names}."
        )
    }
    fn cert_covers(&self, names: &str) -> String {
        format!("The certificate covers: {names}. Use one of those names as the server name.")
    }
    fn cert_name_answers(&self, names: &str, host: &str) -> String {
        format!(
            "The certificate covers: {names}. {host} answers on the same port with a valid certificate (probed; no password was sent, since only this certificate named it): if your provider confirms it, type {host} as the server."
        )
    }
    fn cert_names_do_not_answer(&self, names: &str, tried: &str) -> String {
        format!(
            "The certificate covers: {names}. {tried} did not answer with valid settings either: ask the provider for the right server name."
        )
    }
    fn cert_untrusted(&self, at: &str, issuer: &str) -> String {
        format!("The certificate of {at} is not signed by a trusted authority (issuer: {issuer}).")
    }
    fn cert_expiring(&self, at: &str, days: i64, not_after: &str) -> String {
        format!("The certificate of {at} expires in {days} day(s), on {not_after}.")
    }
    fn and_more(&self, more: usize) -> String {
        format!(" and {more} more")
    }
    fn no_tls_at_all(&self, at: &str) -> String {
        format!("{at} offers no encryption at all.")
    }
    fn tls_required(&self, at: &str) -> String {
        format!("{at} will not accept a login without encryption.")
    }
    fn no_smtp_auth(&self, at: &str) -> String {
        format!("{at} offers no SMTP AUTH: sending with a password is switched off here.")
    }
    fn refused_session(&self, at: &str) -> String {
        format!("{at} refused the session.")
    }
    fn refused_login(&self, at: &str, meaning: &str) -> String {
        format!("{at} refused the login: {meaning}")
    }
    fn refused_mailbox(&self, at: &str, meaning: &str) -> String {
        format!("{at} accepted the login but refused access to the mailbox: {meaning}")
    }
    fn server_says(&self, hint: &str, alert: &str) -> String {
        format!("{hint} (the server says: {alert})")
    }
    fn broken(&self, at: &str, step: &str) -> String {
        format!("The connection to {at} broke at the {step} step.")
    }
    fn breakage(&self, how: Breakage, proto: &str) -> String {
        match how {
            Breakage::Closed => "closed the connection".to_owned(),
            Breakage::Reset => "reset the connection".to_owned(),
            Breakage::LineTooLong { max } => format!("sent a line longer than {max} bytes"),
            Breakage::TooManyLines { max } => format!("sent a reply of more than {max} lines"),
            Breakage::TooMuchData { max } => format!("sent more than {max} bytes"),
            Breakage::NotTheProtocol => format!("answered with something that is not {proto}"),
            Breakage::Other => "broke the connection".to_owned(),
        }
    }
    fn broke_off(&self, at: &str, step: &str, how: &str) -> String {
        format!("{at} {how} at the {step} step.")
    }
    fn dialogue_broken_fix(&self, proto: &str) -> String {
        format!(
            "The server greets as {proto} but does not hold the dialogue: it is faulty, or something on the path (a firewall, an antivirus that scans mail) interferes. Try from another network, or ask the provider."
        )
    }
    fn slow_reply(&self, at: &str, step: &str, seconds: f64) -> String {
        format!(
            "{at} began its reply at the {step} step but did not finish it within {seconds:.1} s: it sends too slowly."
        )
    }
    fn probe_too_slow(&self, at: &str, step: &str, seconds: f64) -> String {
        format!(
            "{at} answers too slowly: the whole check took more than {seconds:.0} s and was stopped at the {step} step."
        )
    }
    fn oauth_required(&self, at: &str, mechanisms: &str) -> String {
        format!("{at} accepts no password: it offers only OAuth sign-in ({mechanisms}).")
    }
    fn oauth_policy(
        &self,
        at: &str,
        provider: &str,
        proto: &str,
        since: &str,
        admin: bool,
    ) -> String {
        if admin {
            format!(
                "{provider} switched password logins to {proto} off by default on {since}: {at} takes OAuth sign-in only, unless an administrator switched password logins back on."
            )
        } else {
            format!(
                "{provider} refuses password logins to {proto} since {since}: {at} takes OAuth sign-in only."
            )
        }
    }
    fn oauth_policy_fix(
        &self,
        allows: crate::clientconfig::PasswordsAllowed,
        until: Option<&str>,
    ) -> String {
        use crate::clientconfig::PasswordsAllowed;
        let oauth =
            "Use a mail program that signs in with OAuth (\"Sign in with Microsoft/Google\").";
        match (allows, until) {
            (PasswordsAllowed::Nothing, _) => format!("{oauth} App passwords do not work either."),
            (PasswordsAllowed::AppPassword, _) => format!(
                "{oauth} Or create an app password (it needs 2-step verification) and use it instead of the account password."
            ),
            (PasswordsAllowed::AdminSwitch, Some(until)) => format!(
                "{oauth} Or ask the administrator to switch password logins back on for the mailbox; that is possible until {until}."
            ),
            (PasswordsAllowed::AdminSwitch, None) => format!(
                "{oauth} Or ask the administrator to switch password logins back on for the mailbox; the provider has not yet said until when that stays possible."
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
        let how = if admin { "off by default" } else { "off" };
        format!(
            "{provider} turns password logins to {proto} {how} on {since}, in {days} day(s): from then {at} takes OAuth sign-in only."
        )
    }
    fn oauth_only_source(&self, at: &str, source: &str) -> String {
        format!(
            "{source} lists OAuth2 as the only way to log in to {at}: a password will not work there."
        )
    }
    fn token_expired(&self, at: &str, mech: &str, when: &str) -> String {
        format!("{at} refused the OAuth token ({mech}): it expired at {when}.")
    }
    fn token_audience(&self, at: &str, mech: &str, audiences: &str, wanted: &str) -> String {
        format!("{at} refused the OAuth token ({mech}): it is for {audiences}, not for {wanted}.")
    }
    fn token_scope(&self, at: &str, mech: &str, scopes: &str, wanted: &str) -> String {
        let has = if scopes.is_empty() { "none" } else { scopes };
        format!(
            "{at} refused the OAuth token ({mech}): it lacks the scope {wanted} (it has: {has})."
        )
    }
    fn token_user(&self, at: &str, mech: &str, claim: &str, value: &str, login: &str) -> String {
        format!(
            "{at} refused the OAuth token ({mech}): its {claim} is {value}, not the user {login}."
        )
    }
    fn token_opaque(&self, at: &str, mech: &str) -> String {
        format!(
            "{at} refused the OAuth token ({mech}); the token is not a JWT, so its claims (audience, scope, expiry, user) could not be read."
        )
    }
    fn token_unexplained(&self, at: &str, mech: &str) -> String {
        format!(
            "{at} refused the OAuth token ({mech}), although its claims (audience, scope, expiry, user) look right."
        )
    }
    fn token_server_status(&self, status: &str) -> String {
        format!(" The server's error status: {status}.")
    }
    fn auth_mechanism_unsupported(&self, at: &str, mechanisms: &str) -> String {
        format!(
            "{at} offers only {mechanisms} to log in, which mailcheck does not speak; the login was not tested and the password not sent."
        )
    }
    fn no_login_mechanism(&self, at: &str) -> String {
        format!(
            "{at} offers no way to log in that mailcheck can use; the login was not tested and the password not sent."
        )
    }
    fn insecure_source(&self, source: &str) -> String {
        format!(
            "The settings from {source} arrived over plain HTTP, which anyone on the path can alter."
        )
    }
    fn conflict_settled(
        &self,
        at: &str,
        security: &str,
        agree: &[&str],
        disagree: &[&str],
    ) -> String {
        let named = if agree.is_empty() {
            "found by probing".to_owned()
        } else {
            format!("as {} say", agree.join(", "))
        };
        let mut text = format!("{at} with {security} was proved to work, {named}.");
        if !disagree.is_empty() {
            text.push_str(&format!(
                " Correct {}, which name{} only other servers.",
                disagree.join(", "),
                if disagree.len() == 1 { "s" } else { "" }
            ));
        }
        text
    }
    fn settings_conflict(&self, proto: &str) -> String {
        format!("The sources disagree about the {proto} server.")
    }
    fn no_settings_found(&self, domain: &str) -> String {
        format!("No source produced any server settings for {domain}.")
    }
    fn dns_unavailable(&self, server: &str, failed: usize, kinds: &str) -> String {
        format!("None of {failed} DNS lookup(s) got an answer from {server} ({kinds}).")
    }
    fn too_many_candidates(&self, sources: &str, named: usize, proto: &str, kept: usize) -> String {
        format!(
            "{sources} named {named} {proto} servers; mailcheck probes only the {kept} most trusted and left out the rest."
        )
    }
    fn not_in_database(&self, domain: &str) -> String {
        format!(
            "{domain} is not in the bundled provider database; run without --offline to ask DNS and autoconfig, or check the domain for typos."
        )
    }

    fn this_port_filtered(&self, port: u16) -> String {
        format!(
            "The host answers on port {port}, so it is this port that is dropped: a firewall blocks it, here or at the server. Try another network, or ask the network's administrator to open the port."
        )
    }
    fn host_unreachable(&self) -> String {
        "Nothing of the host answers, on any port: the host is down, or the route to it is broken (or a firewall drops everything sent to it). Try again later or from another network; the settings may well be right.".into()
    }
    fn unreachable(&self, at: &str) -> String {
        format!(
            "This computer cannot send a connection to {at} at all: there is no route to it from this network, or a firewall here rejects it."
        )
    }
    fn unreachable_fix(&self) -> String {
        "This is the network, not the settings: check this computer's connection, VPN and firewall, or try another network.".into()
    }
    fn ipv6_broken(&self, at: &str, failed: &str, ipv4: &str) -> String {
        format!("{at} fails over IPv6 ({failed}) while IPv4 ({ipv4}) works.")
    }
    fn quota_full(&self, at: &str, used: &str, limit: &str, percent: u64) -> String {
        format!("The mailbox at {at} is full: {used} of {limit} used ({percent}%).")
    }
    fn quota_full_fix(&self) -> String {
        "New mail is refused or bounces back to its senders, and the mail program cannot save copies of sent mail. Delete mail with large attachments and empty Trash and Junk, or ask the administrator for a larger quota.".into()
    }
    fn quota_nearly_full(&self, at: &str, used: &str, limit: &str, percent: u64) -> String {
        format!("The mailbox at {at} is {percent}% full: {used} of {limit} used.")
    }
    fn quota_nearly_full_fix(&self) -> String {
        "Delete or archive mail soon and empty Trash and Junk: once it is full, new mail bounces and sent copies cannot be saved.".into()
    }
    fn messages(&self, count: u64) -> String {
        match count {
            1 => "1 message".into(),
            n => format!("{n} messages"),
        }
    }
    fn folder_names_break(&self, at: &str, count: usize, examples: &str) -> String {
        let folders = if count == 1 {
            "1 folder name".to_owned() + " at " + at + " holds"
        } else {
            format!("{count} folder names at {at} hold")
        };
        format!("{folders} characters that some mail programs fail on: {examples}.")
    }
    fn folder_names_fix(&self, renames: &str) -> String {
        let renames = if renames.is_empty() {
            String::new()
        } else {
            format!(": {renames}")
        };
        format!(
            "Rename them in webmail (or in a program that opens them){renames}. With such names some phone mail apps fail to check mail (\u{201c}检查信息失败\u{201d}, as Tencent Exmail's help says), and programs that read names strictly (RFC 3501) show them garbled or cannot open them."
        )
    }
    fn name_problem(&self, problem: &crate::probe::mailbox::NameProblem) -> String {
        use crate::probe::mailbox::NameProblem::*;
        let code = problem.character().unwrap_or_default();
        match problem {
            UnusualSpace(' ') => "a space at the start or end".into(),
            UnusualSpace('\u{3000}') => format!("a full-width space, {code}"),
            UnusualSpace(_) => format!("an unusual space, {code}"),
            Invisible(_) => format!("an invisible or control character, {code}"),
            InvalidUtf7 => "not valid modified UTF-7".into(),
            SeparatorInName(_) => format!("a hierarchy separator inside the name, {code}"),
            TooLong(n) => format!("{n} characters long"),
        }
    }
    fn role(&self, role: crate::probe::mailbox::Role) -> &'static str {
        use crate::probe::mailbox::Role::*;
        match role {
            Sent => "Sent",
            Drafts => "Drafts",
            Trash => "Trash",
            Junk => "Junk",
            Archive => "Archive",
        }
    }
    fn folder_count(&self, count: usize, complete: bool) -> String {
        match (count, complete) {
            (1, true) => "1 folder".into(),
            (n, true) => format!("{n} folders"),
            (n, false) => format!("at least {n} folders"),
        }
    }
    fn quota_usage(&self, used: &str, limit: &str, percent: u64) -> String {
        format!("quota {used} of {limit} ({percent}%)")
    }
    fn quota_unlimited(&self) -> &'static str {
        "no quota limit"
    }
    fn quota_not_offered(&self) -> &'static str {
        "quota not shown (no QUOTA)"
    }
    fn quota_refused(&self) -> &'static str {
        "the server refused to show the quota"
    }
    fn idle(&self, offered: bool) -> &'static str {
        if offered {
            "IDLE (new mail is pushed)"
        } else {
            "no IDLE"
        }
    }
    fn pop3_drop(&self, messages: u64, size: &str) -> String {
        format!("{} on the server, {size}", self.messages(messages))
    }
    fn uidl(&self, offered: bool) -> &'static str {
        if offered {
            "UIDL: \u{201c}leave a copy on the server\u{201d} works"
        } else {
            "no UIDL"
        }
    }
    fn size_limit(&self, size: &str, attachment: &str) -> String {
        format!("messages over {size} are refused (attachments over about {attachment})")
    }
    fn no_size_limit(&self) -> &'static str {
        "no message size limit announced"
    }
    fn missing_roles(&self, roles: &[&str]) -> String {
        let roles = self.list(roles);
        format!(
            "No {roles} folder: the mail program creates its own or cannot save there (sent copies, drafts, deleted mail)."
        )
    }
    fn no_idle_note(&self) -> &'static str {
        "No IDLE: new mail is not pushed; it appears only when the mail program checks (every few minutes)."
    }
    fn no_uidl_note(&self) -> &'static str {
        "No UIDL: a POP3 program cannot tell which mail it already has, so \u{201c}leave a copy on the server\u{201d} downloads everything again; use IMAP to keep mail on the server."
    }
    fn after_auth_only(&self, keywords: &str) -> String {
        format!("Announced only after login: {keywords}.")
    }
    fn size_changes_after_auth(&self, before: &str, after: &str) -> String {
        format!(
            "The size limit is {before} before login and {after} after it; the latter applies to the mail program."
        )
    }
    fn folders_cut_off(&self, count: usize) -> String {
        format!(
            "The folder list was cut off after {count} folders (mailcheck reads at most 1 MB of it): so many folders make mail programs slow to sync."
        )
    }
    fn mailbox_label(&self) -> &'static str {
        "Mailbox:"
    }
    fn ipv6_broken_fix(&self) -> String {
        "The settings are right and work over IPv4. Mail programs that try IPv6 first may stall or fail: fix IPv6 on this network, or ask the server's administrator to fix its IPv6 address or AAAA record.".into()
    }
    fn cert_renewed_not_loaded(&self, https_until: &str) -> String {
        format!(
            "The HTTPS certificate of the same host (port 443) is valid until {https_until}: the certificate was renewed, but the mail server still serves the old one. Its administrator must reload or restart the mail server (e.g. Dovecot and Postfix) so that it loads the renewed certificate."
        )
    }
    fn cert_self_signed(&self) -> String {
        "The certificate is self-signed: no mail program trusts it. The server needs a certificate from a public CA; do not accept this one blindly.".into()
    }
    fn cert_root_not_trusted(&self, root: &str) -> String {
        format!(
            "The chain the server sent ends in its root CA ({root}), which this computer does not trust (an unknown or private CA): the server needs a certificate from a public CA, or, if that is your organisation's own CA, add it with --ca-file."
        )
    }
    fn cert_issuer_missing(&self, issuer: &str) -> String {
        format!(
            "The server sent its certificate without the certificate of its issuer ({issuer}): the server must send the intermediate certificate too (configure the full chain, e.g. fullchain.pem). If that issuer is a private CA, add it with --ca-file instead."
        )
    }
    fn cert_https_valid(&self, https_until: &str) -> String {
        format!(
            "The HTTPS certificate of the same host (port 443) is valid (until {https_until}): the mail server can use that certificate, with its full chain, too."
        )
    }
    fn provider_host_missing(&self, host: &str, error: &str, provider: &str) -> String {
        format!(
            "{host} does not resolve here ({error}), yet it is a server of {provider} that certainly exists: the DNS here answers wrongly (a resolver that filters, a captive portal, a broken network), not a typo."
        )
    }

    fn change_server(&self, typed: &str, right: &str) -> String {
        format!("server {typed} → {right}")
    }
    fn change_port(&self, typed: u16, right: u16) -> String {
        format!("port {typed} → {right}")
    }
    fn change_encryption(&self, typed: &str, right: &str) -> String {
        format!("encryption {typed} → {right}")
    }
    fn change_fields(&self, changes: &str) -> String {
        format!("In your settings change: {changes} (proved to work).")
    }
    fn change_either(&self, first: &str, second: &str) -> String {
        format!("In your settings change either {first}, or {second}: both were proved to work.")
    }
    fn field_separator(&self) -> &'static str {
        ", "
    }

    fn servers_tried(&self, count: usize) -> String {
        format!("({count} server(s) tried)")
    }
    fn login_not_tried(&self, why: &str) -> String {
        format!("login not tried ({why})")
    }
    fn not_logged_in(&self, servers: &str, why: &str) -> String {
        format!("{servers}: {why}")
    }
    fn accounts_checked(&self, total: usize, fine: usize, failing: usize) -> String {
        format!("\n{total} account(s) checked: {fine} fine, {failing} with errors\n")
    }

    fn remark(&self, remark: &Remark) -> String {
        match remark {
            Remark::Connected(address) => format!("connected to {address}"),
            Remark::TlsEstablished {
                version,
                rejected: None,
            } => format!("TLS established ({version})"),
            Remark::TlsEstablished {
                version,
                rejected: Some(why),
            } => {
                let why = match why {
                    CertRejected::Expired => "it has expired or is not valid yet",
                    CertRejected::NameMismatch => "it does not name this host",
                    CertRejected::Untrusted => "no trusted authority issued it",
                };
                format!(
                    "TLS established ({version}), but its certificate is rejected: {why}; no password is sent"
                )
            }
            Remark::NotKept(lines) => format!("… {lines} more lines not kept"),
            Remark::Stopped(ending) => {
                let why = match ending {
                    Ending::NotResolved => "the host name does not resolve: no connection".into(),
                    Ending::ConnectRefused => "connection refused".into(),
                    Ending::ConnectNoAnswer(limit) => {
                        format!("no answer to the connection within {} s", seconds(*limit))
                    }
                    Ending::ConnectFailed(error) | Ending::Failed(error) => {
                        format!("connection failed: {error}")
                    }
                    Ending::NoReply(limit) => format!("no reply within {} s", seconds(*limit)),
                    Ending::ReplyIncomplete(limit) => {
                        format!("the reply was not complete within {} s", seconds(*limit))
                    }
                    Ending::ClosedByServer => "connection closed by the server".into(),
                    Ending::ResetByServer => "connection reset by the server".into(),
                    Ending::TooMuch => "the server sent more than mailcheck reads".into(),
                    Ending::NotTheProtocol => "a reply that is not the protocol's".into(),
                    Ending::TlsFailed(reason) => format!("TLS handshake failed: {reason}"),
                    Ending::PlaintextNotTls => "the server answered in plaintext, not TLS".into(),
                    Ending::TlsNotPlaintext => "the server answered in TLS, not plaintext".into(),
                    Ending::StarttlsNotOffered => "STARTTLS is not offered".into(),
                    Ending::StarttlsRefused => "the server refused STARTTLS".into(),
                    Ending::Injection => {
                        "data after the STARTTLS reply, before TLS: stopped".into()
                    }
                    Ending::Refused => "the server turned the client away".into(),
                    Ending::ProbeTooSlow(limit) => {
                        format!(
                            "the probe took more than {} s in all: stopped",
                            seconds(*limit)
                        )
                    }
                };
                format!("— {why} —")
            }
        }
    }

    fn dialogue_heading(&self, address: &str, version: &str) -> String {
        format!("Protocol dialogue (address {address}, mailcheck {version})")
    }

    fn step(&self, step: Step) -> &'static str {
        // The dialogue's own names.
        step.as_str()
    }

    fn paren(&self, text: &str) -> String {
        format!(" ({text})")
    }

    fn clause_separator(&self) -> &'static str {
        "; "
    }

    fn said(&self, said: &Said) -> String {
        let from = |origin: &Origin| match origin {
            Origin::Stdin => "standard input".to_owned(),
            Origin::Prompt => "the prompt".to_owned(),
            Origin::Env(var) => format!("the environment variable {var}"),
            Origin::PasswordFile(path) => format!("the password file {path}"),
            Origin::TokenFile(path) => format!("the token file {path}"),
            Origin::File(path) => path.clone(),
        };
        match said {
            Said::InvalidAddress(typed) => format!("invalid address {typed:?}"),
            Said::UserServer { protocol, typed } => format!("--{protocol} {typed}"),
            Said::EnvNotSet(var) => format!("the environment variable {var} is not set"),
            Said::EmptyPassword(origin) => format!("the password from {} is empty", from(origin)),
            Said::CannotRead(origin) => format!("cannot read {}", from(origin)),
            Said::CannotReadPassword(origin) => {
                format!("cannot read the password from {}", from(origin))
            }
            Said::NotText(origin) => format!("{} is not UTF-8 text", from(origin)),
            Said::PasswordNotText(origin) => {
                format!("the password from {} is not UTF-8 text", from(origin))
            }
            Said::FirstLineTooLong { origin, max } => format!(
                "the first line of {} is longer than {max} bytes: not a password",
                from(origin)
            ),
            Said::NoTerminal => "--ask-password needs a terminal to ask on (use --password-stdin to read a pipe)".to_owned(),
            Said::EmptyToken(origin) => format!("the OAuth token from {} is empty", from(origin)),
            Said::CannotReadToken(origin) => {
                format!("cannot read the OAuth token from {}", from(origin))
            }
            Said::TokenNotText(origin) => {
                format!("the OAuth token from {} is not UTF-8 text", from(origin))
            }
            Said::TokenLineTooLong { origin, max } => format!(
                "the first line of {} is longer than {max} bytes: not an OAuth token",
                from(origin)
            ),
            Said::NoTerminalForToken => "--ask-oauth-token needs a terminal to ask on (use --oauth-token-stdin to read a pipe)".to_owned(),
            Said::TwoTokenSources(typed) => format!("{typed}: more than one OAuth token source"),
            Said::BatchFile(file) => format!("--batch {file}"),
            Said::BatchLine(line) => format!("line {line}"),
            Said::BatchLines(count) => format!("{count} lines are wrong:"),
            Said::AndMore(more) => format!("… and {more} more"),
            Said::NoAddresses => "no addresses (one address a line)".to_owned(),
            Said::PasswordWrittenInBatch => "a password is never written in the batch file: name it with password-env=VAR or password-file=PATH".to_owned(),
            Said::NotPasswordSource(key) => {
                format!(
                    "{key:?} is not password-env=VAR, password-file=PATH, oauth-token-env=VAR or oauth-token-file=PATH"
                )
            }
            Said::TwoPasswordSources(typed) => format!("{typed}: more than one password source"),
            Said::CannotCheck(address) => format!("cannot check {address}"),
            Said::CannotExplain => "cannot explain the reply".to_owned(),
            Said::NothingVerified(address) => format!("no server was verified to work for {address}, so there is no autoconfig document to emit; run without --emit to see why"),
            Said::ProtocolNotInPacc { protocol, port } => format!("{protocol}: PACC names only implicit TLS on port {port}, and no such server was verified (only STARTTLS or another port), so the document has none"),
            Said::ProtocolLeftOut(protocol) => format!("{protocol}: no server was verified to work, so the document has none; run without --emit to see why"),
            Said::UnknownArgument { arg, suggestion } => match suggestion {
                Some(meant) => format!("unexpected argument '{arg}' (did you mean '{meant}'?)"),
                None => format!("unexpected argument '{arg}'"),
            },
            Said::InvalidValue { arg, value, valid } => format!(
                "invalid value '{value}' for '{arg}' (possible values: {})",
                valid.join(", ")
            ),
            Said::RefusedValue { arg, value } => format!("invalid value '{value}' for '{arg}'"),
            Said::MissingArgument(args) => {
                format!("the following required arguments were not provided: {}", args.join(" "))
            }
            Said::Conflict { arg, other } => {
                format!("the argument '{arg}' cannot be used with '{other}'")
            }
            Said::TryHelp => "For more information, try 'mailcheck --help'.".to_owned(),
            Said::TimeoutNotPositive => "must be more than 0 seconds (at most 600)".to_owned(),
            Said::TimeoutTooLong => "must be at most 600 seconds".to_owned(),
            Said::TimeoutNotNumber(typed) => {
                format!("{typed:?} is not a number of seconds (more than 0, at most 600)")
            }
            Said::NotHttpUrl { typed, example } => {
                format!("{typed:?} is not an http(s) URL such as {example}")
            }
            Said::NotDnsServer(typed) => format!("{typed:?} is not IP or IP:PORT"),
            Said::CaFileUnreadable(path) => format!("cannot use the CA file: cannot read {path}"),
            Said::CaFileEmpty(path) => {
                format!("cannot use the CA file: {path} holds no PEM certificate")
            }
            Said::CaFileInvalid(path) => format!("cannot use the CA file: {path}"),
            Said::CannotSetUpDns => "cannot set up DNS".to_owned(),
            Said::CannotSetUpHttp => "cannot set up HTTP".to_owned(),
            Said::CannotStartRuntime => "cannot start the async runtime".to_owned(),
            Said::CannotWriteReport => "cannot write the report".to_owned(),
            Said::CannotRenderManual => "cannot render the manual page".to_owned(),
            Said::ConfigFile(path) => format!("config file {path}"),
            Said::EnvValue(var) => format!("environment variable {var}"),
            Said::NotBoolean => "not a yes or no (1, true, yes, on; 0, false, no, off)".to_owned(),
            Said::PasswordWrittenInConfig => "a password is never written in the config file: name where it is with password-env = \"VAR\" or password-file = \"PATH\" (oauth-token-env, oauth-token-file for a token)".to_owned(),
            Said::ConfigNeedsText(key) => format!("{key} takes a text value in quotes"),
            Said::ConfigNeedsBoolean(key) => format!("{key} takes true or false"),
            Said::ConfigNotSettable(key) => format!("--{key} cannot be set in the config file (it is about one account or one run): give it on the command line"),
            Said::ConfigUnknown(key) => format!("{key:?} is not an option of mailcheck (the keys are the long options' names, e.g. timeout, dns-server)"),
            Said::ConfigKey(key) => key.clone(),
            Said::ConfigValue(value) => format!("invalid value {value:?}"),
        }
    }
    fn cause_separator(&self) -> &'static str {
        ": "
    }
    fn address_error(&self, error: &AddressError) -> String {
        // The error's own words are English.
        error.to_string()
    }

    fn token_prompt(&self, address: &str) -> String {
        format!("OAuth token for {address}: ")
    }
    fn password_prompt(&self, address: &str) -> String {
        format!("Password for {address}: ")
    }

    fn server_spec_error(&self, error: &crate::settings::ServerSpecError) -> String {
        // The error's own words are English.
        error.to_string()
    }

    fn dns_error(&self, error: &crate::net::dns::DnsError) -> String {
        // The error's own words are English.
        error.to_string()
    }

    fn conclusion_problem(&self, meaning: &str, place: Option<&str>) -> String {
        let meaning = meaning.trim_end_matches('.');
        match place {
            Some(place) => format!("{meaning} ({place})."),
            None => format!("{meaning}."),
        }
    }
    fn conclusion_servers(&self, protocols: &str, servers: usize) -> String {
        format!("{protocols}, {servers} servers")
    }
    fn conclusion_refused_everywhere(&self, protocols: &str) -> String {
        format!(
            "{protocols} all refused the same password: the password or the user name is wrong."
        )
    }
    fn conclusion_not_retried(&self, protocols: &str) -> String {
        format!(
            "{protocols} were not tried with the same password, so that the account is not locked."
        )
    }
    fn conclusion_more_problems(&self, count: usize) -> String {
        if count == 1 {
            "One more problem below.".to_owned()
        } else {
            format!("{count} more problems below.")
        }
    }
    fn conclusion_logged_in(&self, protocols: &str) -> String {
        format!("Everything works: {protocols} accepted the login.")
    }
    fn conclusion_reachable(&self, protocols: &str) -> String {
        format!(
            "No problem found with {protocols} up to the login; the login itself was not tested."
        )
    }
    fn conclusion_untested(&self, protocols: &str) -> String {
        format!("{protocols} not tested: these are the most likely settings, not probed.")
    }
    fn conclusion_warnings(&self, count: usize) -> String {
        if count == 1 {
            "One warning below.".to_owned()
        } else {
            format!("{count} warnings below.")
        }
    }
    fn conclusion_use_settings(&self) -> &'static str {
        "Use the settings below in the mail client."
    }
    fn password_accepted_by(&self, proto: &str, at: &str) -> String {
        format!("{proto} ({at}) accepted the same user name and password, so they are right.")
    }
    fn use_instead(&self, at: &str) -> String {
        format!("Use {at} instead.")
    }
    fn works_instead(&self, proto: &str, at: &str, security: &str) -> String {
        format!("{proto} works on {at} with {security} (proved): use the settings below.")
    }
    fn password_field(&self, kind: crate::clientconfig::PasswordKind) -> &'static str {
        use crate::clientconfig::PasswordKind::*;
        match kind {
            Account => "the account's password",
            AppPassword => {
                "an app password (app-specific password) from the account's security settings, not the account password"
            }
            AuthorizationCode => {
                "the authorization code (授权码) generated in webmail, not the webmail password"
            }
            AuthorizationCodeIfOn => {
                "the webmail password, or the client authorization code (授权码) if it is switched on"
            }
            ClientPasswordIfSecureLogin => {
                "the mailbox password, or a client-specific password (客户端专用密码) once secure login is on"
            }
        }
    }
    fn smtp_authentication(&self, kind: crate::clientconfig::PasswordKind) -> &'static str {
        use crate::clientconfig::PasswordKind::*;
        match kind {
            Account => "required, same user name and password",
            AppPassword => "required, same user name and the same app password",
            AuthorizationCode | AuthorizationCodeIfOn => {
                "required, same user name and the same authorization code"
            }
            ClientPasswordIfSecureLogin => {
                "required, same user name and the same password as incoming mail"
            }
        }
    }
    fn published_settings_wrong(&self, source: &str, at: &str, security: &str) -> String {
        let mut source = source.to_owned();
        if let Some(first) = source.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        format!("{source} names {at} with {security}, which does not work.")
    }
    fn publish_instead(&self, at: &str, security: &str) -> String {
        format!("Publish {at} with {security} instead: it was proved to work.")
    }
    fn pacc_cannot_say(&self, at: &str, security: &str, port: u16) -> String {
        format!(
            "{at} with {security} works, which PACC cannot name (implicit TLS on port {port} only): make the server speak SSL/TLS on {port}, or remove the protocol from the PACC document."
        )
    }
    fn published_nothing_works(&self, proto: &str) -> String {
        format!(
            "No {proto} server that was tried works: fix the server, or what the domain publishes for it."
        )
    }
    fn oauth_only_for(&self, protocols: &str) -> String {
        format!("{protocols}: no password, OAuth sign-in only")
    }
    fn pacc_invalid(&self, url: &str, check: crate::finding::PaccCheck) -> String {
        use crate::finding::PaccCheck::*;
        let what = match check {
            Certificate => "its HTTPS certificate was refused",
            MissingRecord => "no _ua-auto-config TXT record holds its digest",
            Version => "its TXT record has a version or algorithm PACC does not define",
            Digest => "its SHA-256 digest is not the one the TXT record publishes",
            Json => "it is not a PACC JSON document",
        };
        format!("The PACC document {url} was not used: {what}.")
    }
    fn pacc_fix(&self, check: crate::finding::PaccCheck, host: &str) -> String {
        use crate::finding::PaccCheck::*;
        match check {
            Certificate => format!(
                "Serve {host} with a valid certificate that names it: clients take the document over verified HTTPS only."
            ),
            MissingRecord => format!(
                "Publish the TXT record _{host} \"v=UAAC1; a=sha256; d=<base64 SHA-256 of the document>\"."
            ),
            Version => format!(
                "Write the TXT record _{host} as \"v=UAAC1; a=sha256; d=…\": UAAC1 and sha256 are the only values defined."
            ),
            Digest => format!(
                "Any change of the document changes its digest: publish the digest of the bytes served now in _{host} (mailcheck --emit pacc prints both)."
            ),
            Json => "Serve valid JSON with a \"protocols\" object (imap, pop3, submit, each with a \"host\").".to_owned(),
        }
    }
}
