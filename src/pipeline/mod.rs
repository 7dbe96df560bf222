//! The one-way pipeline: case → [`plan`] (which arguments, and why) → [`letter`] (prose,
//! citations, rights, deadlines) → documents ([`packet`]). [`workspace`] loads the catalogues once
//! and runs the stages for each case; [`escape`] keeps case text literal on the way; [`batch`]
//! decides what a rerun of many cases leaves alone and writes their manifest.

pub mod batch;
pub mod escape;
pub mod letter;
pub mod packet;
pub mod plan;
pub mod workspace;
