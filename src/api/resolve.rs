//! Name resolution that never makes a client's drop wait (issue 16, item 1).
//!
//! reqwest's default resolver runs the system's `getaddrinfo` on tokio's
//! blocking pool, and dropping the runtime joins that pool: with a hung DNS
//! server, every property write, Done/DestroyObject and `sdkwa_client_free`
//! froze 1C for up to ~30 s after the call itself had timed out.
//!
//! Here each lookup runs `getaddrinfo` on a short-lived thread of its own,
//! outside the runtime; the call awaits its answer within its deadline, and
//! a call that gives up simply stops listening. Dropping the client joins the
//! lookups that already ended and never waits for one still running. Such a
//! lookup thread would return into this library's code, which 1C may have
//! unloaded by then; so if any is still running when a client is dropped,
//! the library is pinned in memory for the rest of the process
//! ([`crate::pin::pin_library`]) and the thread ends harmlessly later.
//!
//! Why not an asynchronous resolver (reqwest's `hickory-dns`): measured, it
//! grows the Linux release library from 3.88 MB to 5.04 MB (a DNS protocol
//! stack and a cache), past the 4 MB budget of the add-in; and it reads the
//! resolver configuration itself instead of using the system's (hosts files,
//! corporate split DNS, Windows policies), where `getaddrinfo` is what every
//! other program on the 1C server uses.

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Mutex;
use std::thread::JoinHandle;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// A resolver whose lookups run on threads of their own (see the module doc).
#[derive(Default)]
pub(crate) struct ThreadResolver {
    /// Lookup threads not joined yet.
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl ThreadResolver {
    fn threads(&self) -> std::sync::MutexGuard<'_, Vec<JoinHandle<()>>> {
        self.threads.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Joins the lookups that ended (instant); keeps the others.
    fn reap(threads: &mut Vec<JoinHandle<()>>) {
        let (done, running): (Vec<_>, Vec<_>) =
            threads.drain(..).partition(JoinHandle::is_finished);
        for t in done {
            let _ = t.join();
        }
        *threads = running;
    }

    /// Called when the client goes: never waits for a running lookup; if one
    /// is still running, the library stays loaded so that the thread can end.
    pub(crate) fn release(&self) {
        let mut threads = self.threads();
        Self::reap(&mut threads);
        if !threads.is_empty() {
            crate::pin::pin_library();
            threads.clear();
        }
    }
}

impl Resolve for ThreadResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        let (tx, rx) = tokio::sync::oneshot::channel::<std::io::Result<Vec<SocketAddr>>>();
        let spawned = std::thread::Builder::new()
            .name("sdkwa-dns".into())
            .spawn(move || {
                let found = (host.as_str(), 0).to_socket_addrs().map(Iterator::collect);
                // The call may have given up already: nobody listens then.
                let _ = tx.send(found);
            });
        match spawned {
            Ok(t) => {
                let mut threads = self.threads();
                Self::reap(&mut threads);
                threads.push(t);
            }
            Err(e) => return Box::pin(async move { Err(e.into()) }),
        }
        Box::pin(async move {
            let addrs = rx
                .await
                .map_err(|_| std::io::Error::other("the name lookup ended without an answer"))??;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}
