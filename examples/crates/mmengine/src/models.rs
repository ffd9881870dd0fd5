//! Models that ship with the framework.

pub mod activations;
