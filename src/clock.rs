//! The time that scheduling sees. In production it is the system clock; a
//! test shifts it forward to see review cards come due, without waiting and
//! without touching anything else.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use time::{Duration, OffsetDateTime};

/// The system clock, possibly shifted by an offset shared by every clone.
#[derive(Clone, Default)]
pub struct Clock {
    offset_seconds: Arc<AtomicI64>,
}

impl Clock {
    pub fn system() -> Self {
        Self::default()
    }

    /// The current time in whole seconds (see `store::now`), plus the offset.
    pub fn now(&self) -> OffsetDateTime {
        crate::store::now() + Duration::seconds(self.offset_seconds.load(Ordering::Relaxed))
    }

    /// Moves this clock and every clone of it forward (tests only travel
    /// forward, as time does).
    pub fn advance(&self, by: Duration) {
        self.offset_seconds
            .fetch_add(by.whole_seconds().max(0), Ordering::Relaxed);
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Clock(system {:+}s)",
            self.offset_seconds.load(Ordering::Relaxed)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_offset() {
        let clock = Clock::system();
        let copy = clock.clone();
        let before = copy.now();
        clock.advance(Duration::days(3));
        let after = copy.now();
        assert!(after - before >= Duration::days(3));
        assert!(after - before < Duration::days(3) + Duration::minutes(1));
    }

    #[test]
    fn it_never_goes_back() {
        let clock = Clock::system();
        let before = clock.now();
        clock.advance(Duration::days(-2));
        assert!(clock.now() >= before);
    }
}
