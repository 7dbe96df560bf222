//! The one-way pipeline: case → [`plan`] (which arguments, and why) → [`letter`] (prose,
//! citations, rights, deadlines) → documents ([`packet`]). [`workspace`] loads the catalogues once
//! and runs the stages for each case, and [`review`] adds the reports beside a draft; [`escape`] keeps case text literal on the way.

pub mod escape;
pub mod letter;
pub mod packet;
pub mod plan;
pub mod review;
pub mod workspace;
