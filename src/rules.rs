//! Temporary stand-in for the rules module (replaced by the real one).
#![allow(missing_docs, dead_code)]
use jiff::civil::Date;
use serde::Serialize;
#[derive(Debug, Default)]
pub struct RuleBook;
#[derive(Debug, Serialize)]
pub struct Rules;
#[derive(Debug, Clone, Copy)]
pub enum Timing {
    PreService,
    PostService,
    Concurrent,
}
impl From<crate::case::ServiceTiming> for Timing {
    fn from(t: crate::case::ServiceTiming) -> Self {
        match t {
            crate::case::ServiceTiming::PreService => Timing::PreService,
            crate::case::ServiceTiming::PostService => Timing::PostService,
            crate::case::ServiceTiming::Concurrent => Timing::Concurrent,
        }
    }
}
pub struct DeadlineInput {
    pub regulation: String,
    pub denial_date: Date,
    pub received: Option<Date>,
    pub timing: Option<Timing>,
    pub expedited: bool,
    pub today: Date,
}
#[derive(Debug, Clone, Serialize)]
pub struct Deadlines {
    pub items: Vec<()>,
}
impl RuleBook {
    pub fn get(&self, _r: &str) -> Option<&Rules> {
        None
    }
}
pub fn deadlines(_r: &Rules, _i: &DeadlineInput) -> Deadlines {
    Deadlines { items: vec![] }
}
#[derive(Debug, thiserror::Error)]
#[error("rules error")]
pub struct RulesError;
impl RuleBook {
    pub fn bundled() -> Result<RuleBook, RulesError> {
        Ok(RuleBook)
    }
    pub fn load_dir(_d: &std::path::Path) -> Result<RuleBook, RulesError> {
        Ok(RuleBook)
    }
}
