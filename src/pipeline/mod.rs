//! The one-way pipeline: case → [`context`] (what templates see) → [`plan`] (which arguments,
//! why, and their prose) → [`letter`] (citations numbered, references formatted) → documents
//! ([`packet`]). [`workspace`] loads the catalogues once
//! and runs the stages for each case, and [`review`] adds the reports beside a draft; [`escape`] keeps case text literal on the way;
//! [`exception`] decides the preferred-drug exception's shortage and state-law grounds; [`batch`]
//! decides what a rerun of many cases leaves alone and writes their manifest.

pub mod batch;
pub mod context;
pub mod escalation;
pub mod escape;
pub mod exception;
pub mod letter;
pub mod packet;
pub mod plan;
pub mod review;
pub mod workspace;
