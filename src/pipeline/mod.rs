//! The one-way pipeline: case → [`plan`] (which arguments, and why) → [`letter`] (prose,
//! citations, rights, deadlines) → documents ([`packet`]). [`workspace`] loads the catalogues once
//! and runs the stages for each case; [`escape`] keeps case text literal on the way;
//! [`exception`] decides the preferred-drug exception's shortage and state-law grounds.

pub mod escape;
pub mod exception;
pub mod letter;
pub mod packet;
pub mod plan;
pub mod workspace;
