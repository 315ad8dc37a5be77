//! The one redaction step: every text that leaves the library (error texts,
//! hence `ПоследняяОшибка`, AddError, the C error JSON, `Display`, `Debug`)
//! passes through [`scrub`] first.
//!
//! Why a process-wide register of live secrets rather than a secret handed
//! down to each error: errors are built in many places (the transport, typed
//! answers, the QR image, the webhook check), some of them outside the
//! client's own code; a register lets `Error` itself scrub every text the
//! moment it is stored, whoever builds it. A client registers its secrets
//! (ApiToken, UserToken, the proxy's and the address's credentials) for its
//! lifetime; a webhook check registers its token for the check's duration.
//! Texts are scrubbed when stored, so an error that outlives its client
//! stays clean, and once more when shown.
//!
//! What counts as a leak: any piece of a secret [`PIECE`] characters or
//! longer, not only the whole secret, because a text cut at a length limit
//! can end in the middle of a token. Cut texts are scrubbed before they are
//! cut ([`scrub_clip`]).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// The shortest piece of a secret that is redacted wherever it appears.
pub const PIECE: usize = 6;
/// Secrets shorter than this are not registered (they would match ordinary words).
const MIN_SECRET: usize = 4;
/// What a redacted piece becomes.
const MASK: &str = "****";

/// Live secrets, each with the number of holders that registered it.
static LIVE: Mutex<Option<HashMap<String, usize>>> = Mutex::new(None);

fn live() -> std::sync::MutexGuard<'static, Option<HashMap<String, usize>>> {
    LIVE.lock().unwrap_or_else(|p| p.into_inner())
}

/// Keeps secrets registered while it lives; dropping it forgets them.
#[derive(Default)]
pub(crate) struct Registration(Vec<String>);

impl std::fmt::Debug for Registration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Registration({} secrets)", self.0.len())
    }
}

/// Registers `secrets` (short and empty ones are skipped) until the result is dropped.
pub(crate) fn register<I, S>(secrets: I) -> Registration
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let kept: Vec<String> = secrets
        .into_iter()
        .map(Into::into)
        .map(|s| s.trim().to_string())
        .filter(|s| s.chars().count() >= MIN_SECRET)
        .collect();
    if !kept.is_empty() {
        let mut g = live();
        let map = g.get_or_insert_with(HashMap::new);
        for s in &kept {
            *map.entry(s.clone()).or_insert(0) += 1;
        }
    }
    Registration(kept)
}

impl Drop for Registration {
    fn drop(&mut self) {
        if self.0.is_empty() {
            return;
        }
        let mut g = live();
        if let Some(map) = g.as_mut() {
            for s in &self.0 {
                if let Some(n) = map.get_mut(s) {
                    *n -= 1;
                    if *n == 0 {
                        map.remove(s);
                    }
                }
            }
        }
    }
}

/// `text` without any piece of a live secret.
pub fn scrub(text: &str) -> Cow<'_, str> {
    if text.len() < MIN_SECRET {
        return Cow::Borrowed(text);
    }
    let g = live();
    match g.as_ref() {
        Some(map) if !map.is_empty() => {
            let secrets: Vec<&str> = map.keys().map(String::as_str).collect();
            match scrub_with(text, &secrets) {
                Cow::Borrowed(_) => Cow::Borrowed(text),
                Cow::Owned(s) => Cow::Owned(s),
            }
        }
        _ => Cow::Borrowed(text),
    }
}

/// The first `max_chars` characters of `text`, scrubbed *before* the cut:
/// a secret straddling the limit is removed whole, not cut into a piece.
pub fn scrub_clip(text: &str, max_chars: usize) -> String {
    let longest = {
        let g = live();
        g.as_ref()
            .and_then(|m| m.keys().map(|s| s.chars().count()).max())
            .unwrap_or(0)
    };
    // Enough of the text that every secret starting before the limit is whole in it.
    let window: String = text.chars().take(max_chars + longest).collect();
    scrub(&window).chars().take(max_chars).collect()
}

/// `text` with every piece of `secrets` of [`PIECE`] characters or more
/// (and every whole occurrence of a shorter secret) replaced by `****`.
pub fn scrub_with<'t>(text: &'t str, secrets: &[&str]) -> Cow<'t, str> {
    let chars: Vec<char> = text.chars().collect();
    let mut hit = vec![false; chars.len()];
    let mut windows: HashSet<&[char]> = HashSet::new();
    let secret_chars: Vec<Vec<char>> = secrets.iter().map(|s| s.chars().collect()).collect();
    for s in &secret_chars {
        if s.len() >= PIECE {
            windows.extend(s.windows(PIECE));
        } else if s.len() >= MIN_SECRET {
            // Short secrets: whole occurrences only.
            for (i, w) in chars.windows(s.len()).enumerate() {
                if w == s.as_slice() {
                    hit[i..i + s.len()].iter_mut().for_each(|h| *h = true);
                }
            }
        }
    }
    if !windows.is_empty() {
        for (i, w) in chars.windows(PIECE).enumerate() {
            if windows.contains(w) {
                hit[i..i + PIECE].iter_mut().for_each(|h| *h = true);
            }
        }
    }
    if !hit.contains(&true) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut in_hit = false;
    for (c, h) in chars.iter().zip(&hit) {
        if *h {
            if !in_hit {
                out.push_str(MASK);
            }
        } else {
            out.push(*c);
        }
        in_hit = *h;
    }
    Cow::Owned(out)
}

/// The secrets inside a proxy or service address (`scheme://user:password@host`):
/// the password, raw and percent-decoded, and the Basic credentials reqwest
/// builds from it (an echoing proxy may show that header). The user name is
/// not a secret: `Прокси` reads back with it.
pub(crate) fn url_credentials(address: &str) -> Vec<String> {
    let Some((userinfo, _)) = split_userinfo(address) else {
        return Vec::new();
    };
    let Some((user, password)) = userinfo.split_once(':') else {
        return Vec::new();
    };
    let decode = |s: &str| percent_decode(s).unwrap_or_else(|| s.to_string());
    let (du, dp) = (decode(user), decode(password));
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{du}:{dp}"));
    vec![password.to_string(), dp, basic]
}

/// An address with its credentials masked, for read-back and error texts:
/// `http://user:pass@host:3128` → `http://user:****@host:3128`; without a
/// scheme, everything before `@` is masked.
pub fn mask_credentials(address: &str) -> String {
    let Some((userinfo, rest)) = split_userinfo(address) else {
        return address.to_string();
    };
    match address.find("://") {
        Some(i) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            format!("{}{user}:{MASK}@{rest}", &address[..i + 3])
        }
        None => format!("{MASK}@{rest}"),
    }
}

/// `(userinfo, after @)` of an address that has credentials.
fn split_userinfo(address: &str) -> Option<(&str, &str)> {
    let after_scheme = address.find("://").map_or(address, |i| &address[i + 3..]);
    // The authority ends at the first '/', '?' or '#'; its last '@' ends the userinfo.
    let end = after_scheme
        .find(['/', '?', '#'])
        .unwrap_or(after_scheme.len());
    let at = after_scheme[..end].rfind('@')?;
    Some((&after_scheme[..at], &after_scheme[at + 1..]))
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_whole_and_cut() {
        let s = "k9Qz7Xw2Lp4Rt8Vb";
        assert_eq!(scrub_with("a k9Qz7Xw2Lp4Rt8Vb b", &[s]), "a **** b");
        // A piece cut at a limit, at either end.
        assert_eq!(scrub_with("…tail 4Rt8Vb", &[s]), "…tail ****");
        assert_eq!(scrub_with("k9Qz7X…", &[s]), "****…");
        // Five characters are not a piece.
        assert_eq!(scrub_with("k9Qz7 ok", &[s]), "k9Qz7 ok");
        // Short secrets: whole occurrences only.
        assert_eq!(scrub_with("x abcd y abc", &["abcd"]), "x **** y abc");
        assert!(matches!(scrub_with("nothing", &[s]), Cow::Borrowed(_)));
        // Non-ASCII text and secrets.
        assert_eq!(scrub_with("ключ=пароль123!", &["пароль123"]), "ключ=****!");
    }

    #[test]
    fn clip_scrubs_before_cutting() {
        let _r = register(["Zx81Qm77Tt5Kp0Ww"]);
        let text = format!("{}Zx81Qm77Tt5Kp0Ww tail", "a".repeat(10));
        // A cut after 14 characters would leave "Zx81" alone; the whole token goes first.
        assert_eq!(scrub_clip(&text, 14), "aaaaaaaaaa****");
        assert_eq!(scrub_clip(&text, 12), "aaaaaaaaaa**");
    }

    #[test]
    fn registration_is_counted() {
        let a = register(["Pq0Lm9Nb8Vc7"]);
        let b = register(["Pq0Lm9Nb8Vc7"]);
        drop(a);
        assert_eq!(scrub("x Pq0Lm9Nb8Vc7"), "x ****");
        drop(b);
        assert_eq!(scrub("x Pq0Lm9Nb8Vc7"), "x Pq0Lm9Nb8Vc7");
    }

    #[test]
    fn credentials_in_addresses() {
        assert_eq!(
            mask_credentials("http://bob:s3cr%40t@proxy:3128"),
            "http://bob:****@proxy:3128"
        );
        assert_eq!(mask_credentials("bob:secret@proxy:3128"), "****@proxy:3128");
        assert_eq!(mask_credentials("http://proxy:3128"), "http://proxy:3128");
        let c = url_credentials("socks5://bob:s3cr%40t@proxy:1080");
        assert!(c.contains(&"s3cr@t".to_string()) && c.contains(&"s3cr%40t".to_string()));
        assert!(!c.contains(&"bob".to_string()));
        assert!(url_credentials("http://proxy:3128/a@b").is_empty());
    }
}
