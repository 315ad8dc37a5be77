//! `sdkwa-sandbox`: the offline sdkwa-compatible server as a program.
//!
//! ```text
//! sdkwa-sandbox [--port 7777] [--host 127.0.0.1] [--id 1101000001] [--token T]
//!               [--authorized] [--no-echo] [--tls] [--wait-seconds 5]
//!               [--latency-ms 50] [--jitter-ms 10] [--rate-limit 100] [--retry-after 1]
//! ```
#![forbid(unsafe_code)]

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use sdkwa_sandbox::{Sandbox, SandboxConfig, DEFAULT_ID, DEFAULT_TOKEN};

const USAGE: &str = "usage: sdkwa-sandbox [--port N] [--host 127.0.0.1] [--id ID] [--token TOKEN] [--authorized] [--no-echo] [--tls] [--wait-seconds N] [--latency-ms N] [--jitter-ms N] [--rate-limit N] [--retry-after N]";

fn main() {
    let mut cfg = SandboxConfig::default();
    let mut host: IpAddr = [127, 0, 0, 1].into();
    let mut port: u16 = 7777;
    let (mut id, mut token) = (DEFAULT_ID.to_string(), DEFAULT_TOKEN.to_string());
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| {
            args.next().unwrap_or_else(|| {
                eprintln!("{name} needs a value\n{USAGE}");
                std::process::exit(2)
            })
        };
        match a.as_str() {
            "--port" => port = parse(&value("--port"), "--port"),
            "--host" => host = parse(&value("--host"), "--host"),
            "--id" => id = value("--id"),
            "--token" => token = value("--token"),
            "--wait-seconds" => {
                cfg.receive_wait =
                    Duration::from_secs(parse(&value("--wait-seconds"), "--wait-seconds"))
            }
            "--latency-ms" => cfg.pace.latency_ms = parse(&value("--latency-ms"), "--latency-ms"),
            "--jitter-ms" => cfg.pace.jitter_ms = parse(&value("--jitter-ms"), "--jitter-ms"),
            "--rate-limit" => cfg.pace.rate_limit = parse(&value("--rate-limit"), "--rate-limit"),
            "--retry-after" => {
                cfg.pace.retry_after = parse(&value("--retry-after"), "--retry-after")
            }
            "--authorized" => cfg.authorized = true,
            "--no-echo" => cfg.echo = false,
            "--tls" => cfg.tls = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            other => {
                eprintln!("unknown argument {other}\n{USAGE}");
                std::process::exit(2);
            }
        }
    }
    cfg.addr = SocketAddr::new(host, port);
    let tls = cfg.tls;
    cfg.instances = vec![(id.clone(), token.clone())];
    let sandbox = match Sandbox::start(cfg) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot listen on {host}:{port}: {e}");
            std::process::exit(1);
        }
    };
    println!("sdkwa sandbox listening on {}", sandbox.url());
    println!("  IdInstance = {id}");
    println!("  ApiToken   = {token}");
    println!(
        "  control    = {}/sandbox/instances/{id}/scan (link), …/incoming (write to the account)",
        sandbox.url()
    );
    if let Some(pem) = sandbox.certificate_pem().filter(|_| tls) {
        let path = std::env::temp_dir().join("sdkwa-sandbox-ca.pem");
        if std::fs::write(&path, pem).is_ok() {
            println!(
                "  TLS        = self-signed; trust it with caFile = {}",
                path.display()
            );
        }
    }
    println!("Ctrl+C stops it.");
    loop {
        std::thread::park();
    }
}

fn parse<T: std::str::FromStr>(v: &str, name: &str) -> T {
    v.parse().unwrap_or_else(|_| {
        eprintln!("{name}: cannot parse \"{v}\"\n{USAGE}");
        std::process::exit(2)
    })
}
