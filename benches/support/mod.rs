//! Shared by the benchmarks: the sandbox as its own process, the clients
//! compared with the library, CPU time and the chart.
#![allow(dead_code)]

pub mod chart;
pub mod clients;
pub mod cpu;
pub mod sandbox;
