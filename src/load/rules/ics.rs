//! iCalendar (RFC 5545) export of dated deadlines.
//!
//! Each dated [`Deadline`] becomes an all-day `VEVENT` (`DTSTART;VALUE=DATE`) with two display
//! alarms, 7 and 2 days before (none once the date has passed). Output is deterministic: the
//! `UID` is a hash of the summary prefix and the deadline's id, so a deadline keeps its event
//! when its date moves (a decision clock projected from a later day); `SEQUENCE` counts the days
//! from 2000-01-01 to `DTSTAMP`, so a file made later updates the event on import; `DTSTAMP`
//! comes from the caller, never the clock. Lines end
//! in CRLF, are folded at 75 octets (never inside a UTF-8 character), and TEXT values escape
//! `\`, `;`, `,` and line breaks.

use jiff::ToSpan;
use jiff::civil::Date;

use super::deadline::{Deadline, Deadlines, Status};

/// Writes the dated deadlines as an iCalendar file. `summary_prefix` starts every event title
/// (e.g. the patient's name or the claim reference; empty for none); `stamp` is the `DTSTAMP`
/// date (use the letter date, never the clock). Undated (unknown) deadlines are left out.
pub fn to_ics(deadlines: &Deadlines, summary_prefix: &str, stamp: Date) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//appeal//appeal deadlines//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        push_line(&mut out, line);
    }
    for d in &deadlines.items {
        if let Some(date) = d.date {
            event(&mut out, d, date, summary_prefix, stamp);
        }
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

fn event(out: &mut String, d: &Deadline, date: Date, prefix: &str, stamp: Date) {
    let summary = if prefix.trim().is_empty() {
        d.label.clone()
    } else {
        format!("{}: {}", prefix.trim(), d.label)
    };
    let mut description = format!("{}\n{} [{}]", d.basis, d.citation, d.tag);
    if let Some(advice) = &d.if_passed {
        description.push('\n');
        description.push_str(advice);
    }
    let uid = fnv1a(&[prefix.trim(), &d.id]);
    let sequence = jiff::civil::date(2000, 1, 1)
        .until((jiff::Unit::Day, stamp))
        .map_or(0, |s| s.get_days().max(0));
    push_line(out, "BEGIN:VEVENT");
    push_line(out, &format!("UID:{uid:016x}-{}@appeal", d.id));
    push_line(out, &format!("SEQUENCE:{sequence}"));
    push_line(out, &format!("DTSTAMP:{}T000000Z", compact(stamp)));
    push_line(out, &format!("DTSTART;VALUE=DATE:{}", compact(date)));
    if let Ok(end) = date.checked_add(1.day()) {
        push_line(out, &format!("DTEND;VALUE=DATE:{}", compact(end)));
    }
    push_line(out, &format!("SUMMARY:{}", escape(&summary)));
    push_line(out, &format!("DESCRIPTION:{}", escape(&description)));
    push_line(out, "TRANSP:TRANSPARENT");
    // A reminder before a date that has gone by would fire at once, or never.
    let alarms: &[i32] = if matches!(d.status, Status::Passed { .. } | Status::Done) {
        &[]
    } else {
        &[7, 2]
    };
    for days in alarms {
        push_line(out, "BEGIN:VALARM");
        push_line(out, "ACTION:DISPLAY");
        push_line(out, &format!("TRIGGER:-P{days}D"));
        push_line(
            out,
            &format!("DESCRIPTION:{}", escape(&format!("In {days} days: {summary}"))),
        );
        push_line(out, "END:VALARM");
    }
    push_line(out, "END:VEVENT");
}

/// `YYYYMMDD`.
fn compact(date: Date) -> String {
    format!("{:04}{:02}{:02}", date.year(), date.month(), date.day())
}

/// 64-bit FNV-1a over the parts, separated by a unit separator: stable across Rust versions.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            hash ^= 0x1f;
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        for byte in part.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// Escapes an RFC 5545 TEXT value; other control characters are dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line, folded at 75 octets, with CRLF.
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::ServiceTiming;
    use crate::rules::deadline::Status;
    use crate::rules::{DeadlineInput, RuleBook, Tag, deadlines};
    use jiff::civil::date;

    fn sample() -> Deadlines {
        Deadlines {
            items: vec![
                Deadline {
                    id: "file-internal-appeal".into(),
                    label: "File your internal appeal".into(),
                    date: Some(date(2026, 8, 29)),
                    basis: "180 days after you received the notice (2026-03-02); a, b; c \\ d\nnext line — é ünïcödé text that is long enough to need folding at seventy-five octets".into(),
                    citation: "29 CFR 2560.503-1(h)(3)(i)".into(),
                    tag: Tag::S,
                    sources_differ: false,
                    conditional: false,
                    rule_date: None,
                    status: Status::Upcoming { days_left: 10 },
                    if_passed: Some("If you miss this date: ask.".into()),
                },
                Deadline {
                    id: "decision-expedited".into(),
                    label: "Undated".into(),
                    date: None,
                    basis: "use the date on your notice".into(),
                    citation: "x".into(),
                    tag: Tag::Unverified,
                    sources_differ: false,
                    conditional: false,
                    rule_date: None,
                    status: Status::Unknown,
                    if_passed: None,
                },
            ],
            notes: vec![],
        }
    }

    fn parse(ics: &str) -> ical::parser::ical::component::IcalCalendar {
        let mut parser = ical::IcalParser::new(std::io::BufReader::new(ics.as_bytes()));
        let cal = parser.next().expect("one calendar").expect("parses");
        assert!(parser.next().is_none(), "exactly one calendar");
        cal
    }

    fn prop<'a>(props: &'a [ical::property::Property], name: &str) -> &'a ical::property::Property {
        props
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("missing {name}"))
    }

    #[test]
    fn output_parses_back_with_dates_and_alarms() {
        let ics = to_ics(&sample(), "Jane Doe, claim 55", date(2026, 3, 10));
        let cal = parse(&ics);
        assert_eq!(cal.events.len(), 1, "only dated items become events");
        let ev = &cal.events[0];
        let start = prop(&ev.properties, "DTSTART");
        assert_eq!(start.value.as_deref(), Some("20260829"));
        let params = start.params.as_ref().expect("DTSTART has VALUE=DATE");
        assert!(params.iter().any(|(k, v)| k == "VALUE" && v == &["DATE"]));
        assert_eq!(prop(&ev.properties, "DTEND").value.as_deref(), Some("20260830"));
        assert_eq!(
            prop(&ev.properties, "DTSTAMP").value.as_deref(),
            Some("20260310T000000Z")
        );
        assert_eq!(
            prop(&ev.properties, "SUMMARY").value.as_deref(),
            Some(r"Jane Doe\, claim 55: File your internal appeal")
        );
        let desc = prop(&ev.properties, "DESCRIPTION").value.clone().unwrap();
        // Folded lines were unfolded by the parser back into one value, escapes intact.
        assert!(
            desc.contains(r"a\, b\; c \\ d\nnext line — é ünïcödé text"),
            "{desc}"
        );
        assert!(desc.contains("seventy-five octets"));
        assert_eq!(ev.alarms.len(), 2);
        let triggers: Vec<_> = ev
            .alarms
            .iter()
            .map(|a| prop(&a.properties, "TRIGGER").value.clone().unwrap())
            .collect();
        assert_eq!(triggers, ["-P7D", "-P2D"]);
        for a in &ev.alarms {
            assert_eq!(prop(&a.properties, "ACTION").value.as_deref(), Some("DISPLAY"));
            assert!(prop(&a.properties, "DESCRIPTION").value.is_some());
        }
    }

    #[test]
    fn lines_are_crlf_and_folded_at_75_octets() {
        let ics = to_ics(&sample(), "Jane Doe", date(2026, 3, 10));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "bare LF");
        let lines: Vec<&str> = ics.split("\r\n").collect();
        assert!(lines.iter().all(|l| l.len() <= 75), "{ics}");
        assert!(lines.iter().any(|l| l.starts_with(' ')), "something folded");
        // Unfolding restores the original content line.
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains("DESCRIPTION:180 days after you received the notice"));
    }

    #[test]
    fn output_is_deterministic_and_a_moved_date_keeps_its_event() {
        let a = to_ics(&sample(), "Jane Doe", date(2026, 3, 10));
        let b = to_ics(&sample(), "Jane Doe", date(2026, 3, 10));
        assert_eq!(a, b);
        // The same deadline on another date, in a file made later: same UID, higher SEQUENCE.
        let mut moved = sample();
        moved.items[0].date = Some(date(2026, 8, 30));
        let c = to_ics(&moved, "Jane Doe", date(2026, 3, 12));
        let field = |s: &str, name: &str| {
            s.lines()
                .find(|l| l.starts_with(name))
                .unwrap()
                .trim_start_matches(name)
                .to_string()
        };
        assert_eq!(field(&a, "UID:"), field(&c, "UID:"));
        assert!(field(&a, "UID:").ends_with("-file-internal-appeal@appeal"));
        let seq = |s: &str| field(s, "SEQUENCE:").parse::<i64>().unwrap();
        assert_eq!(seq(&c), seq(&a) + 2);
        // Another case (another prefix) gets another UID.
        let d = to_ics(&sample(), "John Roe", date(2026, 3, 10));
        assert_ne!(field(&a, "UID:"), field(&d, "UID:"));
    }

    #[test]
    fn a_passed_deadline_has_no_reminders() {
        let mut passed = sample();
        passed.items[0].status = Status::Passed { days_ago: 3 };
        let ics = to_ics(&passed, "", date(2026, 3, 10));
        assert!(!ics.contains("BEGIN:VALARM"), "{ics}");
        assert!(to_ics(&sample(), "", date(2026, 3, 10)).contains("TRIGGER:-P7D"));
    }

    #[test]
    fn escape_handles_specials() {
        assert_eq!(escape("a\\b;c,d\ne\r\nf\u{7}"), r"a\\b\;c\,d\ne\nf");
    }

    #[test]
    fn real_deadlines_export_every_dated_item() {
        let book = RuleBook::bundled().unwrap();
        let input = DeadlineInput {
            regulation: crate::case::Regulation::AcaIndividual,
            denial_date: date(2026, 10, 31),
            received: Some(date(2026, 11, 2)),
            timing: Some(ServiceTiming::PreService),
            expedited: true,
            grandfathered: Some(false),
            deadline_on_notice: None,
            appeal_filed: None,
            final_decision: None,
            today: date(2026, 11, 5),
        };
        let ds = deadlines(book.get(crate::case::Regulation::AcaIndividual).unwrap(), &input);
        let ics = to_ics(&ds, "", date(2026, 11, 5));
        let cal = parse(&ics);
        let dated = ds.items.iter().filter(|d| d.date.is_some()).count();
        assert_eq!(cal.events.len(), dated);
        for (ev, d) in cal
            .events
            .iter()
            .zip(ds.items.iter().filter(|d| d.date.is_some()))
        {
            assert_eq!(prop(&ev.properties, "DTSTART").value.clone(), d.date.map(compact));
            assert_eq!(ev.alarms.len(), 2);
        }
    }
}
