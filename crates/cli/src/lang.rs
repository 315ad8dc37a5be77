//! The language of error texts: `--lang`, else the locale variables.

use sdkwa1c::Lang;

/// `--lang ru|en` when given (any case, `ru_RU` too), else `LC_ALL`,
/// `LC_MESSAGES`, `LANG` in POSIX order, else the system's UI language on
/// Windows (it has no such variables), else English.
pub fn pick(flag: Option<&str>) -> Lang {
    if let Some(f) = flag.filter(|f| !f.trim().is_empty()) {
        return Lang::from_locale(f);
    }
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Ok(v) = std::env::var(var) {
            if !v.trim().is_empty() {
                return Lang::from_locale(&v);
            }
        }
    }
    system().unwrap_or(Lang::En)
}

#[cfg(windows)]
fn system() -> Option<Lang> {
    sys_locale::get_locale().map(|l| Lang::from_locale(&l))
}

#[cfg(not(windows))]
fn system() -> Option<Lang> {
    None
}

/// `--lang` as typed on the command line, found before clap parses it, so
/// that clap's own usage errors get the right language too.
pub fn from_args(args: &[std::ffi::OsString]) -> Option<String> {
    let mut it = args.iter().filter_map(|a| a.to_str());
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        if a == "--lang" {
            return it.next().map(str::to_string);
        }
        if let Some(v) = a.strip_prefix("--lang=") {
            return Some(v.to_string());
        }
    }
    None
}
