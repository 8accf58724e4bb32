//! The time zone a user reads dates in. Every time is stored in UTC; pages
//! show it in the reader's zone, and "today" (the daily review cap, the
//! streak, a due date typed as a day) is the reader's day.
//!
//! Zone rules come from the IANA database bundled into the binary (jiff),
//! so a server without `/usr/share/zoneinfo` behaves the same.

use std::fmt;

use jiff::tz::TimeZone;
use time::{Date, OffsetDateTime};

/// The zone used when a user has not chosen one.
pub const DEFAULT_ZONE: &str = "UTC";

/// An IANA time zone, e.g. `Europe/Berlin` or `Asia/Shanghai`.
#[derive(Clone)]
pub struct Zone {
    name: String,
    rules: TimeZone,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "`{0}` is not a time zone we know; use an IANA name such as Europe/Berlin, America/New_York or Asia/Shanghai"
)]
pub struct UnknownZone(pub String);

impl Zone {
    pub fn utc() -> Self {
        Self {
            name: DEFAULT_ZONE.to_owned(),
            rules: TimeZone::UTC,
        }
    }

    /// The zone with this IANA name (matched without regard to case, and
    /// returned under its canonical spelling).
    pub fn named(name: &str) -> Result<Self, UnknownZone> {
        let wanted = name.trim();
        if wanted.is_empty() {
            return Err(UnknownZone(name.to_owned()));
        }
        let rules = jiff::tz::db()
            .get(wanted)
            .map_err(|_| UnknownZone(wanted.to_owned()))?;
        let name = rules.iana_name().unwrap_or(wanted).to_owned();
        Ok(Self { name, rules })
    }

    /// The zone a stored setting names; UTC when there is none, or when the
    /// name is no longer in the database (a zone can be retired upstream).
    pub fn from_setting(setting: Option<&str>) -> Self {
        setting
            .and_then(|name| Self::named(name).ok())
            .unwrap_or_else(Self::utc)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    fn zoned(&self, at: OffsetDateTime) -> Option<jiff::Zoned> {
        let nanos = i128::from(at.unix_timestamp()) * 1_000_000_000 + i128::from(at.nanosecond());
        jiff::Timestamp::from_nanosecond(nanos)
            .ok()
            .map(|t| t.to_zoned(self.rules.clone()))
    }

    /// The calendar day `at` falls on in this zone.
    pub fn date(&self, at: OffsetDateTime) -> Date {
        self.zoned(at)
            .and_then(|z| civil_date(z.date()))
            .unwrap_or_else(|| at.date())
    }

    /// The first instant of the day `at` falls on, in this zone.
    pub fn start_of_day(&self, at: OffsetDateTime) -> OffsetDateTime {
        self.zoned(at)
            .and_then(|z| z.start_of_day().ok())
            .and_then(|z| to_offset_date_time(z.timestamp()))
            .unwrap_or_else(|| at.replace_time(time::Time::MIDNIGHT))
    }

    /// The last second of `date` in this zone: when something due "on"
    /// that day falls due.
    pub fn end_of_day(&self, date: Date) -> OffsetDateTime {
        let fallback = date
            .with_hms(23, 59, 59)
            .map(|t| t.assume_utc())
            .unwrap_or_else(|_| OffsetDateTime::UNIX_EPOCH);
        let Some(next) = date.next_day() else {
            return fallback;
        };
        let Ok(month) = i8::try_from(u8::from(next.month())) else {
            return fallback;
        };
        let Ok(day) = i8::try_from(next.day()) else {
            return fallback;
        };
        let Ok(year) = i16::try_from(next.year()) else {
            return fallback;
        };
        jiff::civil::date(year, month, day)
            .to_zoned(self.rules.clone())
            .ok()
            .and_then(|z| to_offset_date_time(z.timestamp()))
            .map_or(fallback, |start_of_next| {
                start_of_next - time::Duration::SECOND
            })
    }

    /// `YYYY-MM-DD` in this zone.
    pub fn day(&self, at: OffsetDateTime) -> String {
        let d = self.date(at);
        format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
    }

    /// `YYYY-MM-DD HH:MM` in this zone.
    pub fn minute(&self, at: OffsetDateTime) -> String {
        match self.zoned(at) {
            Some(z) => z.strftime("%Y-%m-%d %H:%M").to_string(),
            None => self.day(at),
        }
    }

    /// Every zone name the database knows, sorted.
    pub fn all_names() -> Vec<String> {
        let mut names: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
        names.sort();
        names.dedup();
        names
    }
}

impl Default for Zone {
    fn default() -> Self {
        Self::utc()
    }
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zone({})", self.name)
    }
}

fn civil_date(d: jiff::civil::Date) -> Option<Date> {
    let month = time::Month::try_from(u8::try_from(d.month()).ok()?).ok()?;
    Date::from_calendar_date(i32::from(d.year()), month, u8::try_from(d.day()).ok()?).ok()
}

fn to_offset_date_time(t: jiff::Timestamp) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(t.as_nanosecond()).ok()
}

/// Tera filters `local_date` and `local_time`: an RFC 3339 time shown in the
/// zone the page context names as `time_zone` (UTC when it names none).
/// A value that is already a plain `YYYY-MM-DD` day is shown as it is.
pub fn register_filters(tera: &mut tera::Tera) {
    tera.register_filter(
        "local_date",
        |value: &str, _: tera::Kwargs, state: &tera::State| local(value, state, Zone::day),
    );
    tera.register_filter(
        "local_time",
        |value: &str, _: tera::Kwargs, state: &tera::State| local(value, state, Zone::minute),
    );
}

fn local(
    value: &str,
    state: &tera::State,
    show: fn(&Zone, OffsetDateTime) -> String,
) -> tera::TeraResult<String> {
    if value.len() == 10 && Date::parse(value, &DAY_FORMAT).is_ok() {
        return Ok(value.to_owned());
    }
    let at = OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339)
        .map_err(|e| tera::Error::message(format!("`{value}` is not an RFC 3339 time: {e}")))?;
    let zone = Zone::from_setting(state.get::<String>("time_zone")?.as_deref());
    Ok(show(&zone, at))
}

const DAY_FORMAT: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn a_known_zone_is_found_under_its_canonical_name() {
        let zone = Zone::named("asia/shanghai").unwrap();
        assert_eq!(zone.name(), "Asia/Shanghai");
        assert_eq!(
            Zone::named("Europe/Berlin").unwrap().name(),
            "Europe/Berlin"
        );
    }

    #[test]
    fn an_unknown_or_empty_zone_is_refused_with_examples() {
        let error = Zone::named("Mars/Olympus").unwrap_err();
        assert!(error.to_string().contains("Europe/Berlin"), "{error}");
        assert!(Zone::named("  ").is_err());
        assert_eq!(Zone::from_setting(Some("Mars/Olympus")).name(), "UTC");
        assert_eq!(Zone::from_setting(None).name(), "UTC");
    }

    #[test]
    fn a_late_utc_evening_is_the_next_morning_in_shanghai() {
        let zone = Zone::named("Asia/Shanghai").unwrap();
        let at = datetime!(2026-12-07 23:59:59 UTC);
        assert_eq!(zone.date(at), date!(2026 - 12 - 08));
        assert_eq!(zone.day(at), "2026-12-08");
        assert_eq!(zone.minute(at), "2026-12-08 07:59");
        assert_eq!(Zone::utc().minute(at), "2026-12-07 23:59");
    }

    #[test]
    fn the_day_starts_at_local_midnight() {
        let zone = Zone::named("Asia/Shanghai").unwrap();
        assert_eq!(
            zone.start_of_day(datetime!(2026-12-07 20:00 UTC)),
            datetime!(2026-12-07 16:00 UTC),
            "04:00 on the 8th in Shanghai; its day began at 16:00 UTC on the 7th"
        );
        let new_york = Zone::named("America/New_York").unwrap();
        assert_eq!(
            new_york.start_of_day(datetime!(2026-12-08 03:00 UTC)),
            datetime!(2026-12-07 05:00 UTC)
        );
    }

    #[test]
    fn a_day_ends_one_second_before_the_next_local_midnight() {
        let berlin = Zone::named("Europe/Berlin").unwrap();
        assert_eq!(
            berlin.end_of_day(date!(2026 - 12 - 07)),
            datetime!(2026-12-07 22:59:59 UTC),
            "winter time is UTC+1"
        );
        assert_eq!(
            berlin.end_of_day(date!(2026 - 07 - 07)),
            datetime!(2026-07-07 21:59:59 UTC),
            "summer time is UTC+2"
        );
        assert_eq!(
            Zone::utc().end_of_day(date!(2026 - 12 - 07)),
            datetime!(2026-12-07 23:59:59 UTC)
        );
    }

    #[test]
    fn the_day_a_clock_changes_still_starts_and_ends_at_local_midnight() {
        let berlin = Zone::named("Europe/Berlin").unwrap();
        // 2026-03-29: clocks go from 02:00 to 03:00, so the day is 23 hours.
        let start = berlin.start_of_day(datetime!(2026-03-29 12:00 UTC));
        let end = berlin.end_of_day(date!(2026 - 03 - 29));
        assert_eq!(start, datetime!(2026-03-28 23:00 UTC));
        assert_eq!(
            end - start,
            time::Duration::hours(23) - time::Duration::SECOND
        );
    }

    #[test]
    fn the_database_lists_many_zones_in_order() {
        let names = Zone::all_names();
        assert!(names.len() > 300, "{}", names.len());
        assert!(names.iter().any(|n| n == "Asia/Shanghai"));
        assert!(names.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn the_filters_show_times_in_the_page_zone() {
        let mut tera = tera::Tera::new();
        register_filters(&mut tera);
        tera.add_raw_template(
            "t",
            "{{ at | local_date }} {{ at | local_time }} {{ day | local_date }}",
        )
        .unwrap();
        let mut context = tera::Context::new();
        context.insert("at", "2026-12-07T23:59:59Z");
        context.insert("day", "2026-12-07");
        assert_eq!(
            tera.render("t", &context).unwrap(),
            "2026-12-07 2026-12-07 23:59 2026-12-07"
        );
        context.insert("time_zone", "Asia/Shanghai");
        assert_eq!(
            tera.render("t", &context).unwrap(),
            "2026-12-08 2026-12-08 07:59 2026-12-07"
        );
        context.insert("at", "yesterday");
        assert!(tera.render("t", &context).is_err());
    }
}
