//! What a run is doing while it runs, for a progress display.
//!
//! The library only reports events; drawing them (or not) is the caller's business, so a
//! library user pays nothing unless it asks.

use std::fmt;
use std::sync::Arc;

use crate::settings::Endpoint;
use crate::source::{SourceKind, SourceStatus};

/// One step of a run starting or ending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A discovery source started asking.
    SourceStarted(SourceKind),
    /// A discovery source has its answer.
    SourceFinished(SourceKind, SourceStatus),
    /// A probe of one candidate server started.
    ProbeStarted(Endpoint),
    /// A probe ended; `works` says whether the settings were proved to work.
    ProbeFinished(Endpoint, bool),
}

/// Receives the events of a run. Called from several tasks at once, so it must be cheap and
/// must not block.
pub trait Observer: Send + Sync {
    fn event(&self, event: Event);

    /// A server sent something (a reply, part of one): the run is not only waiting. Told for
    /// every read, so it must be cheaper still than [`Observer::event`]; ignored by default.
    fn heard(&self) {}
}

/// Where a run sends its events: nowhere by default.
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<dyn Observer>>);

impl Progress {
    pub fn to(observer: Arc<dyn Observer>) -> Self {
        Self(Some(observer))
    }

    pub fn emit(&self, event: Event) {
        if let Some(observer) = &self.0 {
            observer.event(event);
        }
    }

    /// Tells the observer that a server sent something.
    pub fn heard(&self) {
        if let Some(observer) = &self.0 {
            observer.heard();
        }
    }
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(observed)"
        } else {
            "Progress(none)"
        })
    }
}
