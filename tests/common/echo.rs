//! A hostile little HTTP server on 127.0.0.1 for the hardening tests: it
//! answers what a responder decides, typically the request's own head echoed
//! back (as a misconfigured proxy or a WAF page does), headers and all.
//! It also serves as an HTTP proxy: a request in absolute form reaches it too.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// What the server answers: status, extra headers, body.
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

impl Answer {
    /// An answer with a status and a body.
    pub fn new(status: u16, body: impl Into<String>) -> Answer {
        Answer {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }
}

type Responder = dyn Fn(&str) -> Answer + Send + Sync;

/// The running server; it stops with the test process.
pub struct Echo {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    responder: Arc<Mutex<Arc<Responder>>>,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Echo {
    /// Starts a server that answers with `responder(request head)`.
    pub fn start(responder: impl Fn(&str) -> Answer + Send + Sync + 'static) -> Echo {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let responder: Arc<Mutex<Arc<Responder>>> = Arc::new(Mutex::new(Arc::new(responder)));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let (r, h) = (responder.clone(), heads.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let (r, h) = (r.clone(), h.clone());
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut head = String::new();
                    let mut len = 0usize;
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                            len = v.trim().parse().unwrap_or(0);
                        }
                        head.push_str(&line);
                        if line == "\r\n" {
                            break;
                        }
                    }
                    let mut body = vec![0u8; len];
                    let _ = reader.read_exact(&mut body);
                    h.lock().unwrap().push(head.clone());
                    let respond = r.lock().unwrap().clone();
                    let a = respond(&head);
                    let mut out = format!(
                        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                        a.status,
                        a.body.len()
                    );
                    for (k, v) in &a.headers {
                        out.push_str(&format!("{k}: {v}\r\n"));
                    }
                    out.push_str("\r\n");
                    out.push_str(&a.body);
                    let _ = stream.write_all(out.as_bytes());
                });
            }
        });
        Echo {
            url,
            responder,
            heads,
        }
    }

    /// Replaces the responder.
    pub fn respond(&self, responder: impl Fn(&str) -> Answer + Send + Sync + 'static) {
        *self.responder.lock().unwrap() = Arc::new(responder);
    }

    /// The heads of the requests received so far.
    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}
