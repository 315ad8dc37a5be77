//! `sdkwa-sandbox` as its own process, pinned to another core than the
//! client (`SANDBOX_CPU`, default 1) with `taskset` when it exists: an
//! in-process sandbox would compete with the client for the same cores and
//! its work would be counted as the client's CPU.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

/// A running `sdkwa-sandbox`; killed when dropped.
pub struct SandboxProcess {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Whether `taskset` pinned it.
    pub pinned: bool,
}

/// A number from the environment, or `default`.
pub fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The cores this process may run on (`Cpus_allowed_list`), for the report.
pub fn own_cpus() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_else(|| "?".into())
}

impl SandboxProcess {
    /// Starts `target/release/sdkwa-sandbox --authorized --no-echo` plus
    /// `extra` on a free port and waits until it answers.
    pub fn start(extra: &[&str]) -> SandboxProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let bin = std::env::current_exe()
            .unwrap()
            .parent()
            .and_then(|d| d.parent())
            .unwrap()
            .join("sdkwa-sandbox");
        let cpu = env_or("SANDBOX_CPU", 1).to_string();
        let pinned = Command::new("taskset").arg("--version").output().is_ok();
        let mut cmd = if pinned {
            let mut c = Command::new("taskset");
            c.args(["-c", &cpu]).arg(&bin);
            c
        } else {
            Command::new(&bin)
        };
        let mut child = cmd
            .args(["--port", &port.to_string(), "--authorized", "--no-echo"])
            .args(extra)
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "{}: {e} (cargo build --release -p sdkwa-sandbox)",
                    bin.display()
                )
            });
        for _ in 0..100 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return SandboxProcess {
                    child,
                    port,
                    pinned,
                };
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("sdkwa-sandbox did not start");
    }

    /// The server's CPU time so far, every thread (`/proc/<pid>/task/*/schedstat`,
    /// nanoseconds); zero where /proc is missing.
    pub fn cpu(&self) -> Duration {
        let dir = format!("/proc/{}/task", self.child.id());
        let ns: u64 = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
            .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
            .sum();
        Duration::from_nanos(ns)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// One HTTP/1.1 exchange with the control API; the answer's JSON.
    pub fn control(&self, verb: &str, path: &str, body: &str) -> Value {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("sandbox reachable");
        write!(
            s,
            "{verb} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        serde_json::from_str(body).unwrap_or(Value::Null)
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
