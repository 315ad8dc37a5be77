//! How much the library costs over the network round trip, measured as
//! ratios within one run against one sandbox on 127.0.0.1 (the machine is
//! noisy; absolute times alone prove nothing). Run with `scripts/bench.sh`.
//! Writes `target/bench/report.md` and `target/bench/overhead.png`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::ffi::CString;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use sdkwa1c::api::SendMessage;
use sdkwa1c_host::{Host1C, Value1C};
use sdkwa_sandbox::{Fault, FaultKind, Sandbox, SandboxConfig, DEFAULT_ID, DEFAULT_TOKEN};

#[path = "../tests/common/counting_alloc.rs"]
mod counting_alloc;

const CALLS: usize = 2000;
const ROUNDS: usize = 3;
const BODY: &str = r#"{"chatId":"79001234567@c.us","message":"benchmark"}"#;

/// The floor: a hand-written keep-alive HTTP/1.1 client doing the same request.
struct Raw {
    stream: BufReader<TcpStream>,
    request: Vec<u8>,
}

impl Raw {
    fn new(sb: &Sandbox) -> Raw {
        let addr = sb.addr();
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_nodelay(true).unwrap();
        let request = format!(
            "POST /whatsapp/{DEFAULT_ID}/sendMessage HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {DEFAULT_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{BODY}",
            BODY.len()
        );
        Raw {
            stream: BufReader::new(stream),
            request: request.into_bytes(),
        }
    }

    fn send(&mut self) -> usize {
        self.stream.get_mut().write_all(&self.request).unwrap();
        let mut len = 0;
        let mut line = String::new();
        loop {
            line.clear();
            self.stream.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; len];
        self.stream.read_exact(&mut body).unwrap();
        assert!(body.starts_with(b"{\"idMessage\""));
        len
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

/// Per-call microseconds of one batch of 50 calls of `f`.
fn time_batch(f: &mut impl FnMut()) -> f64 {
    let t = Instant::now();
    for _ in 0..50 {
        f();
    }
    t.elapsed().as_secs_f64() * 1e6 / 50.0
}

fn python_per_call(sb: &Sandbox) -> Option<f64> {
    let script = format!(
        "import time\nfrom sdkwa import SDKWA\napi=SDKWA(id_instance='{DEFAULT_ID}', api_token_instance='{DEFAULT_TOKEN}', api_host='{}')\n\
         for _ in range(50): api.send_message('79001234567@c.us','benchmark')\n\
         n={CALLS}\nt=time.perf_counter()\nfor _ in range(n): api.send_message('79001234567@c.us','benchmark')\nprint((time.perf_counter()-t)/n*1e6)\n",
        sb.url()
    );
    let out = Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()))
        .args(["-c", &script])
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

fn main() {
    // One server thread: on 2 cores the client gets the other one (docs/architecture.md: how it was measured).
    let sb = Sandbox::start(SandboxConfig {
        authorized: true,
        echo: false,
        receive_wait: Duration::from_secs(1),
        threads: 1,
        ..SandboxConfig::default()
    })
    .unwrap();
    let client = common::client(&sb);
    // Sends queue notifications: switch that off so the queue stays empty.
    client
        .call(
            "setSettings",
            Some(r#"{"outgoingAPIMessageWebhook":"no","incomingWebhook":"yes"}"#),
        )
        .unwrap();

    // The C ABI, in-process: the same exported functions a C host calls.
    let cfg = CString::new(format!(
        r#"{{"idInstance":"{DEFAULT_ID}","apiToken":"{DEFAULT_TOKEN}","apiUrl":"{}"}}"#,
        sb.url()
    ))
    .unwrap();
    // SAFETY: a valid configuration string; freed at the end.
    let cclient = unsafe { sdkwa1c::ffi::sdkwa_client_new(cfg.as_ptr()) };
    assert!(!cclient.is_null());
    let (chat, text) = (
        CString::new("79001234567").unwrap(),
        CString::new("benchmark").unwrap(),
    );

    // The add-in, loaded with dlopen and called through its vtables like 1C does.
    let lib = common::cdylib_path();
    let t_load = Instant::now();
    let host = Host1C::load(&lib).unwrap();
    let addin = host.create().unwrap();
    for (k, v) in [
        ("IdInstance", DEFAULT_ID.to_string()),
        ("ApiToken", DEFAULT_TOKEN.to_string()),
        ("ApiUrl", sb.url()),
    ] {
        addin.set(k, &Value1C::Str(v)).unwrap();
    }
    addin.call("ПолучитьСостояниеИнстанса", &[]).unwrap();
    let load_ms = t_load.elapsed().as_secs_f64() * 1e3;
    let args = [
        Value1C::Num(79001234567.0),
        Value1C::Str("benchmark".into()),
    ];

    let mut raw = Raw::new(&sb);
    let mut rows: Vec<(&str, Vec<f64>)> = vec![
        ("raw HTTP (floor)", vec![]),
        ("Rust core", vec![]),
        ("C ABI", vec![]),
        ("1C add-in", vec![]),
    ];
    let mut ratios: Vec<Vec<f64>> = vec![vec![]; 4];
    let mut paths: Vec<Box<dyn FnMut() + '_>> = vec![
        Box::new(|| {
            raw.send();
        }),
        Box::new(|| {
            client
                .send_message(&SendMessage::new("79001234567", "benchmark"))
                .unwrap();
        }),
        Box::new(|| {
            let mut out = std::ptr::null_mut();
            // SAFETY: valid client, strings and out pointer; the answer is freed.
            unsafe {
                assert_eq!(
                    sdkwa1c::ffi::sdkwa_send_message(
                        cclient,
                        chat.as_ptr(),
                        text.as_ptr(),
                        &mut out
                    ),
                    0
                );
                sdkwa1c::ffi::sdkwa_string_free(out);
            }
        }),
        Box::new(|| {
            addin.call("ОтправитьТекст", &args).unwrap();
        }),
    ];
    for round in 0..ROUNDS {
        // Batches of the four paths alternate (in a rotating order), so every
        // path meets the same sandbox state and the same background noise.
        let mut batches: Vec<Vec<f64>> = vec![vec![]; 4];
        for b in 0..CALLS / 50 {
            for k in 0..4 {
                let i = (k + b + round) % 4;
                batches[i].push(time_batch(&mut paths[i]));
            }
        }
        let r: Vec<f64> = batches.into_iter().map(median).collect();
        for i in 0..4 {
            rows[i].1.push(r[i]);
            ratios[i].push(r[i] / r[0]);
        }
    }
    drop(paths);
    let med: Vec<f64> = rows.iter().map(|r| median(r.1.clone())).collect();
    let rat: Vec<f64> = ratios.iter().map(|r| median(r.clone())).collect();
    let python = python_per_call(&sb);

    // A 10 MB answer: time and peak memory over the payload.
    const SIZE: usize = 10 * 1024 * 1024;
    sb.add_fault(Fault {
        kind: FaultKind::Oversized { bytes: SIZE },
        count: 1,
        method: Some("getChatHistory".into()),
    });
    let base = counting_alloc::reset_peak();
    let t = Instant::now();
    let big = client.get_chat_history_text("79001234567", 100).unwrap();
    let big_ms = t.elapsed().as_secs_f64() * 1e3;
    let big_ratio = counting_alloc::peak_since(base) as f64 / big.len() as f64;
    drop(big);

    // Receiving: the add-in's background receiver against a raw receive+delete loop.
    const N: usize = 1000;
    sb.incoming_bulk(DEFAULT_ID, N);
    let t = Instant::now();
    let mut n = 0;
    while n < N {
        let Some(note) = client.receive_notification(Duration::from_secs(1)).unwrap() else {
            break;
        };
        client.delete_notification(note.receipt_id).unwrap();
        n += 1;
    }
    let raw_rate = n as f64 / t.elapsed().as_secs_f64();
    sb.incoming_bulk(DEFAULT_ID, N);
    let t = Instant::now();
    addin.call("НачатьПолучениеУведомлений", &[]).unwrap();
    let mut got = 0;
    while got < N && host.next_event(Duration::from_secs(5)).is_some() {
        got += 1;
    }
    let addin_rate = got as f64 / t.elapsed().as_secs_f64();
    addin.call("ОстановитьПолучениеУведомлений", &[]).unwrap();
    assert_eq!(got, N, "the receiver delivered everything");

    // Instructions per add-in call without the network (a parameter error), by callgrind.
    let instr = callgrind_per_call();
    // The sandbox's own capacity, by wrk.
    let sandbox_rps = wrk(&sb);

    let mut md = String::new();
    md.push_str(&format!(
        "# sdkwa1c overhead — {} calls × {ROUNDS} rounds, medians, same sandbox on 127.0.0.1\n\n",
        CALLS
    ));
    md.push_str("| measure | result | ratio | goal |\n|---|---|---|---|\n");
    let goals = ["1.00", "", "", "≤ 1.15"];
    for i in 0..4 {
        md.push_str(&format!(
            "| sendMessage via {} | {:.1} µs | {:.2}× | {} |\n",
            rows[i].0, med[i], rat[i], goals[i]
        ));
    }
    match python {
        Some(p) => md.push_str(&format!("| sendMessage via the official Python client | {p:.1} µs | {:.1}× slower than the add-in | ≥ 10× |\n", p / med[3])),
        None => md.push_str("| official Python client | NOT RUN: `pip install sdkwa-whatsapp-api-client` | | |\n"),
    }
    md.push_str(&format!("| 10 MB getChatHistory answer | {big_ms:.1} ms | peak memory {big_ratio:.2}× payload | ≤ 3× |\n"));
    md.push_str(&format!("| background receiver drain | {addin_rate:.0} notifications/s | {:.2}× raw receive+delete ({raw_rate:.0}/s) | ≥ 0.9× |\n", addin_rate / raw_rate));
    md.push_str(&format!(
        "| load + GetClassObject + first call | {load_ms:.1} ms | | ≤ 20 ms |\n"
    ));
    md.push_str(&match instr {
        Some(i) => format!(
            "| instructions per add-in call, no network (callgrind) | {i:.0} | | tracked |\n"
        ),
        None => "| callgrind | NOT RUN: valgrind missing | | |\n".into(),
    });
    md.push_str(&match sandbox_rps {
        Some(r) => format!("| sandbox capacity (wrk, 2 connections, getStateInstance) | {r:.0} requests/s | {:.1}× the add-in's call rate | the sandbox is not the bottleneck |\n", r / (1e6 / med[3])),
        None => "| sandbox capacity | NOT RUN: wrk missing (`apt-get install wrk`) | | |\n".into(),
    });
    std::fs::create_dir_all("target/bench").unwrap();
    std::fs::write("target/bench/report.md", &md).unwrap();
    println!("{md}");
    chart(&rows.iter().map(|r| r.0).collect::<Vec<_>>(), &med, python);
    // SAFETY: created above, freed once.
    unsafe { sdkwa1c::ffi::sdkwa_client_free(cclient) };
}

fn callgrind_per_call() -> Option<f64> {
    Command::new("valgrind").arg("--version").output().ok()?;
    let lib = common::cdylib_path();
    let count = |calls: usize| -> Option<f64> {
        let mut script = format!(
            "load\t{}\nnew\nset\tВызыватьИсключения\tb:0\n",
            lib.display()
        );
        for _ in 0..calls {
            script.push_str("call\tОтправитьТекст\tb:1\ts:x\n");
        }
        let out_file = tempfile::NamedTempFile::new().ok()?;
        let arg = format!("--callgrind-out-file={}", out_file.path().display());
        let (_, stderr) = common::host::run_with(&["valgrind", "--tool=callgrind", &arg], &script);
        let line = stderr.lines().find(|l| l.contains("Collected :"))?;
        line.rsplit(':')
            .next()?
            .trim()
            .replace(',', "")
            .parse()
            .ok()
    };
    let (base, many) = (count(0)?, count(1000)?);
    Some((many - base) / 1000.0)
}

fn wrk(sb: &Sandbox) -> Option<f64> {
    let out = Command::new("wrk")
        .args([
            "-t1",
            "-c2",
            "-d3s",
            "-H",
            &format!("Authorization: Bearer {DEFAULT_TOKEN}"),
        ])
        .arg(format!(
            "{}/whatsapp/{DEFAULT_ID}/getStateInstance",
            sb.url()
        ))
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find(|l| l.starts_with("Requests/sec:"))?
        .split(':')
        .nth(1)?
        .trim()
        .parse()
        .ok()
}

fn chart(names: &[&str], micros: &[f64], python: Option<f64>) {
    use plotters::prelude::*;
    let font = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"]
        .iter()
        .find_map(|p| std::fs::read(p).ok());
    let Some(font) = font else {
        println!("NOT RUN: the chart needs DejaVuSans.ttf (apt-get install fonts-dejavu-core)");
        return;
    };
    let font: &'static [u8] = Box::leak(font.into_boxed_slice());
    if plotters::style::register_font("sans-serif", FontStyle::Normal, font).is_err() {
        return;
    }
    let mut labels: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    let mut values = micros.to_vec();
    if let Some(p) = python {
        labels.push("Python client".into());
        values.push(p);
    }
    let max = values.iter().cloned().fold(0.0, f64::max) * 1.15;
    let root = BitMapBackend::new("target/bench/overhead.png", (900, 420)).into_drawing_area();
    root.fill(&WHITE).unwrap();
    let mut c = ChartBuilder::on(&root)
        .caption(
            "sendMessage, µs per call (median) — lower is better",
            ("sans-serif", 22),
        )
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(150)
        .build_cartesian_2d(0.0..max, (0..labels.len()).into_segmented())
        .unwrap();
    c.configure_mesh()
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .label_style(("sans-serif", 16))
        .draw()
        .unwrap();
    c.draw_series(values.iter().enumerate().map(|(i, v)| {
        let color = if i == 0 {
            RGBColor(150, 150, 150)
        } else {
            RGBColor(40, 110, 190)
        };
        Rectangle::new(
            [
                (0.0, SegmentValue::Exact(i)),
                (*v, SegmentValue::Exact(i + 1)),
            ],
            color.filled(),
        )
    }))
    .unwrap();
    c.draw_series(values.iter().enumerate().map(|(i, v)| {
        Text::new(
            format!("{v:.0} µs"),
            (*v + max * 0.01, SegmentValue::CenterOf(i)),
            ("sans-serif", 15),
        )
    }))
    .unwrap();
    root.present().unwrap();
    println!("chart: target/bench/overhead.png");
}
