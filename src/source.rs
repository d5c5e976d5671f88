//! Where settings come from: the names every stage and the progress events use for the
//! discovery sources and their outcomes.

use crate::lang::Lang;

/// Where a candidate server came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceKind {
    ProviderDb,
    Srv,
    Autoconfig,
    Wellknown,
    Ispdb,
    IspdbMx,
    Guess,
    User,
    /// Not a discovery source: another port or TLS mode that a probe found answering on the
    /// host of a server that failed.
    Probe,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::ProviderDb => "provider_db",
            SourceKind::Srv => "srv",
            SourceKind::Autoconfig => "autoconfig",
            SourceKind::Wellknown => "wellknown",
            SourceKind::Ispdb => "ispdb",
            SourceKind::IspdbMx => "ispdb_mx",
            SourceKind::Guess => "guess",
            SourceKind::User => "user",
            SourceKind::Probe => "probe",
        }
    }

    /// What the source is, in words for a person.
    pub fn title(self, lang: Lang) -> &'static str {
        let (en, zh) = match self {
            SourceKind::ProviderDb => ("provider database", "服务商数据库"),
            SourceKind::Srv => ("DNS SRV records", "DNS SRV 记录"),
            SourceKind::Autoconfig => ("the domain's autoconfig", "域名的 autoconfig"),
            SourceKind::Wellknown => (
                "the domain's .well-known autoconfig",
                "域名的 .well-known 配置",
            ),
            SourceKind::Ispdb => ("Thunderbird ISPDB", "Thunderbird ISPDB"),
            SourceKind::IspdbMx => ("ISPDB by MX", "按 MX 查询 ISPDB"),
            SourceKind::Guess => ("guessed host names", "猜测的主机名"),
            SourceKind::User => ("your settings", "您填写的设置"),
            SourceKind::Probe => ("probing the same hosts", "在同一主机上探测"),
        };
        lang.pick(en, zh)
    }

    /// Every source, in the order a report lists them.
    pub const ALL: [SourceKind; 9] = [
        SourceKind::ProviderDb,
        SourceKind::Srv,
        SourceKind::Autoconfig,
        SourceKind::Wellknown,
        SourceKind::Ispdb,
        SourceKind::IspdbMx,
        SourceKind::Guess,
        SourceKind::User,
        SourceKind::Probe,
    ];

    /// The source named `name` in a report (`srv`, `provider_db`, …).
    pub fn from_name(name: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// What a source reports about itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceStatus {
    Found,
    NotFound,
    Error,
    Skipped,
}

impl SourceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceStatus::Found => "found",
            SourceStatus::NotFound => "not_found",
            SourceStatus::Error => "error",
            SourceStatus::Skipped => "skipped",
        }
    }
}
