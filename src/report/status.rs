//! Where an appeal stands: what has happened and what is due, for `appeal status`.
//!
//! [`status`] is a pure function of a case and its deadlines: a timeline of the denial, the
//! appeal's own dates and the case's `[[log]]`, in date order, and every deadline with where it
//! stands and the rule it comes from. [`Serialize`] gives `--json`; [`Display`](fmt::Display) the
//! text a person reads.

use std::fmt;

use serde::Serialize;

use crate::case::Case;
use crate::rules::{Deadline, Deadlines, Status as DueStatus};

/// One thing that happened.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// When (`YYYY-MM-DD`).
    pub date: String,
    /// What, in plain words.
    pub what: String,
}

/// A case's timeline and what is due.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    /// The report's format version.
    pub format: u32,
    /// What happened, oldest first.
    pub events: Vec<Event>,
    /// The deadlines, with where each stands.
    pub due: Vec<Deadline>,
    /// Notes on the deadlines.
    pub notes: Vec<String>,
    /// The case file, as named.
    #[serde(skip)]
    pub file: String,
}

/// The timeline of `case` and its `deadlines`.
pub fn status(case: &Case, deadlines: &Deadlines) -> Timeline {
    let mut events = Vec::new();
    let service = &case.request.service;
    if let Some(d) = &case.denial {
        events.push(Event {
            date: d.date.to_string(),
            what: format!(
                "The plan denied {service}{}.",
                d.reference
                    .as_deref()
                    .map(|r| format!(" (reference {r})"))
                    .unwrap_or_default()
            ),
        });
        if let Some(r) = d.received {
            events.push(Event {
                date: r.to_string(),
                what: "The denial notice arrived.".into(),
            });
        }
    }
    if let Some(a) = &case.appeal {
        if let Some(f) = a.filed {
            events.push(Event {
                date: f.to_string(),
                what: "The appeal was sent to the plan.".into(),
            });
        }
        if let Some(d) = a.decision {
            events.push(Event {
                date: d.to_string(),
                what: "The plan decided the appeal.".into(),
            });
        }
    }
    for e in &case.log {
        let mut what = match e.kind {
            Some(k) => {
                let noun = k.noun();
                let mut c = noun.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect::<String>())
                    .unwrap_or_default()
            }
            None => "Contact".to_string(),
        };
        if let Some(w) = &e.with {
            what.push_str(&format!(" with {w}"));
        }
        if let Some(r) = &e.reference {
            what.push_str(&format!(" (reference {r})"));
        }
        if let Some(n) = &e.note {
            what.push_str(&format!(": {}", n.trim_end_matches('.')));
        }
        what.push('.');
        events.push(Event {
            date: e.date.to_string(),
            what,
        });
    }
    // Oldest first; the order written breaks ties.
    events.sort_by(|a, b| a.date.cmp(&b.date));
    Timeline {
        format: 1,
        events,
        due: deadlines.items.clone(),
        notes: deadlines.notes.clone(),
        file: case.source.file.clone(),
    }
}

impl fmt::Display for Timeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.file)?;
        writeln!(f, "\nwhat happened:")?;
        if self.events.is_empty() {
            writeln!(f, "  nothing recorded yet")?;
        }
        for e in &self.events {
            writeln!(f, "  {}  {}", e.date, e.what)?;
        }
        writeln!(f, "\nwhat is due:")?;
        if self.due.is_empty() {
            writeln!(f, "  no dated deadline: use the dates on your notices")?;
        }
        for d in &self.due {
            let plural = |n: i64| if n == 1 { "" } else { "s" };
            let (date, state) = match (d.date, d.status) {
                (Some(date), DueStatus::Passed { days_ago }) => (
                    date.to_string(),
                    format!("PASSED {days_ago} day{} ago", plural(days_ago)),
                ),
                (Some(date), DueStatus::Today) => (date.to_string(), "TODAY".to_string()),
                (Some(date), DueStatus::Done) => (date.to_string(), "met".to_string()),
                (Some(date), DueStatus::Upcoming { days_left }) => (
                    date.to_string(),
                    format!("in {days_left} day{}", plural(days_left)),
                ),
                _ => (
                    "no date   ".to_string(),
                    "use the date on your notice".to_string(),
                ),
            };
            writeln!(f, "  {date}  {}: {state} ({})", d.label, d.citation)?;
        }
        Ok(())
    }
}
