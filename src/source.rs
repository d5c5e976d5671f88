//! Where settings come from: the names every stage and the progress events use for the
//! discovery sources and their outcomes.

/// Where a candidate server came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceKind {
    ProviderDb,
    Srv,
    Autoconfig,
    Wellknown,
    Ispdb,
    IspdbMx,
    /// Exchange Autodiscover (POX).
    Autodiscover,
    /// PACC: `ua-auto-config.<domain>`'s JSON document, checked against its TXT digest.
    Pacc,
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
            SourceKind::Autodiscover => "autodiscover",
            SourceKind::Pacc => "pacc",
            SourceKind::Guess => "guess",
            SourceKind::User => "user",
            SourceKind::Probe => "probe",
        }
    }

    /// Every source, in the order a report lists them.
    pub const ALL: [SourceKind; 11] = [
        SourceKind::ProviderDb,
        SourceKind::Srv,
        SourceKind::Autoconfig,
        SourceKind::Wellknown,
        SourceKind::Ispdb,
        SourceKind::IspdbMx,
        SourceKind::Autodiscover,
        SourceKind::Pacc,
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
