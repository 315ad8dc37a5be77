//! The `Client` object's state and its dispatch: properties and methods are
//! looked up in the one table (`table.rs`), values converted, errors turned
//! into 1C exceptions or error JSON.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::convert::{self, Ctx};
use super::host::{Host, ADDIN_E_FAIL};
use super::memory::MemoryManager;
use super::messages;
use super::receiver::Receiver;
use super::table::{self, Action, Def, Method, Param};
use super::variant::{Arg, Ret};
use crate::api::{Client, Config, Error, Lang, Messenger, Op, Secret, Text};

/// What the properties hold.
#[derive(Clone)]
pub struct Settings {
    /// IdInstance.
    pub id: String,
    /// ApiToken.
    pub token: Secret,
    /// АдресAPI.
    pub url: String,
    /// Мессенджер.
    pub messenger: Messenger,
    /// ИдентификаторПользователя.
    pub user_id: String,
    /// ТокенПользователя.
    pub user_token: Secret,
    /// Таймаут, seconds.
    pub timeout: u32,
    /// Прокси.
    pub proxy: String,
    /// ВызыватьИсключения.
    pub throw_errors: bool,
    /// ПодтверждениеВручную.
    pub manual_ack: bool,
    /// РазрешитьНезащищенноеСоединение: `http://` to another machine allowed.
    pub allow_insecure_http: bool,
    /// ПараллельныхЗапросов: requests in flight for a batch.
    pub concurrency: u32,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // By hand: the proxy may carry a password (the tokens print as ****).
        f.debug_struct("Settings")
            .field("id", &self.id)
            .field("token", &self.token)
            .field("url", &crate::api::redact::mask_credentials(&self.url))
            .field("messenger", &self.messenger)
            .field("user_id", &self.user_id)
            .field("user_token", &self.user_token)
            .field("timeout", &self.timeout)
            .field("proxy", &crate::api::redact::mask_credentials(&self.proxy))
            .field("throw_errors", &self.throw_errors)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("manual_ack", &self.manual_ack)
            .field("concurrency", &self.concurrency)
            .finish()
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            id: String::new(),
            token: Secret::default(),
            url: crate::api::config::DEFAULT_API_URL.to_string(),
            messenger: Messenger::WhatsApp,
            user_id: String::new(),
            user_token: Secret::default(),
            timeout: crate::api::config::DEFAULT_TIMEOUT_SECS as u32,
            proxy: String::new(),
            throw_errors: true,
            manual_ack: false,
            allow_insecure_http: false,
            concurrency: crate::api::batch::DEFAULT_CONCURRENCY,
        }
    }
}

/// The state of one `AddIn.SDKWA.Client` object.
#[derive(Default)]
pub struct Component {
    /// The host's allocator (from `setMemManager`).
    pub mem: Option<MemoryManager>,
    /// The host's connection (from `Init`); absent in minimal hosts.
    pub host: Option<Host>,
    /// The language of messages (from `SetLocale`).
    pub lang: Lang,
    /// Property values.
    pub settings: Settings,
    client: Option<Arc<Client>>,
    /// ПоследняяОшибка, shared with the background receiver.
    pub last_error: Arc<Mutex<String>>,
    /// The background receiver, while it runs.
    pub receiver: Option<Receiver>,
    /// Batches started in the background (finished ones are pruned at the next start).
    pub batches: Vec<super::batcher::BackgroundBatch>,
}

impl Component {
    /// The client for the current settings, built on first use and rebuilt
    /// after a setting changed.
    pub fn client(&mut self) -> Result<Arc<Client>, Error> {
        if let Some(c) = &self.client {
            return Ok(c.clone());
        }
        let s = &self.settings;
        let mut cfg = Config::new(s.id.trim(), s.token.clone());
        cfg.api_url = s.url.clone();
        cfg.messenger = s.messenger;
        cfg.user_id = Some(s.user_id.clone()).filter(|v| !v.is_empty());
        cfg.user_token = Some(s.user_token.clone()).filter(|v| !v.is_empty());
        cfg.timeout = Duration::from_secs(u64::from(s.timeout.max(1)));
        cfg.proxy = Some(s.proxy.clone()).filter(|v| !v.is_empty());
        cfg.allow_insecure_http = s.allow_insecure_http;
        let c = Arc::new(Client::new(cfg)?);
        self.client = Some(c.clone());
        Ok(c)
    }

    /// Forgets the client so the next call uses the new settings; a running
    /// receiver restarts with them (it must not go on with the old account
    /// or address).
    pub fn settings_changed(&mut self) {
        self.client = None;
        super::receiving::restart_if_running(self);
    }

    /// Remembers the outcome of a call in ПоследняяОшибка.
    pub fn set_last_error(&self, text: String) {
        *self.last_error.lock().unwrap_or_else(|p| p.into_inner()) = text;
    }

    /// ПоследняяОшибка.
    pub fn last_error(&self) -> String {
        self.last_error
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// A method's name in the user's language.
    pub fn method_name(&self, m: &Method) -> &'static str {
        match self.lang {
            Lang::Ru => m.ru,
            Lang::En => m.en,
        }
    }

    /// Runs method `num` with the parameters 1C passed. Returns what to give
    /// back to 1C, or `None` when 1C must raise an exception (the text was
    /// reported with `AddError`).
    pub fn call(&mut self, num: usize, args: Vec<Arg>) -> Option<Ret> {
        let m = table::METHODS.get(num)?;
        let result = self.prepare_args(m, args).and_then(|args| match m.action {
            Action::Service { op, keys } => self.service(m, op, keys, &args),
            Action::Custom(f) => f(
                self,
                &Call {
                    method: m,
                    args,
                    lang: self.lang,
                },
            ),
        });
        self.outcome(m, result)
    }

    /// Applies defaults and checks the count.
    fn prepare_args(&self, m: &Method, mut args: Vec<Arg>) -> Result<Vec<Arg>, Error> {
        if args.len() > m.params.len() {
            return Err(messages::too_many(
                self.method_name(m),
                m.params.len(),
                args.len(),
            ));
        }
        args.resize(m.params.len(), Arg::Empty);
        for (i, (a, p)) in args.iter_mut().zip(m.params).enumerate() {
            if *a == Arg::Empty {
                *a = match p.default {
                    Def::Required => {
                        return Err(messages::missing(self.method_name(m), i + 1, &p.text()))
                    }
                    Def::Str(s) => Arg::Str(s.to_string()),
                    Def::Int(n) => Arg::Int(i64::from(n)),
                    Def::Bool(b) => Arg::Bool(b),
                };
            }
        }
        Ok(args)
    }

    /// A table row that maps parameters one to one onto service fields.
    fn service(&mut self, m: &Method, op: Op, keys: &[&str], args: &[Arg]) -> Result<Ret, Error> {
        let mut map = serde_json::Map::new();
        for (i, ((a, p), key)) in args.iter().zip(m.params).zip(keys).enumerate() {
            // An empty optional text is "not given" for the service.
            if key.is_empty() || matches!(p.default, Def::Str("")) && *a == Arg::Str(String::new())
            {
                continue;
            }
            let ctx = Ctx {
                method: self.method_name(m),
                n: i + 1,
                param: &p.text(),
            };
            map.insert((*key).to_string(), convert::to_json(p.kind, a, &ctx)?);
        }
        let client = self.client()?;
        client.call_op(op, map, None).map(Ret::Str)
    }

    /// Success clears ПоследняяОшибка; an error is stored there and raised
    /// (ВызыватьИсключения) or returned as JSON.
    fn outcome(&mut self, m: &Method, result: Result<Ret, Error>) -> Option<Ret> {
        match result {
            Ok(r) => {
                self.set_last_error(String::new());
                Some(r)
            }
            Err(e) => self.fail(m.returns_text(), e),
        }
    }

    /// Reports an error; `None` = raise a 1C exception.
    pub fn fail(&mut self, returns_text: bool, e: Error) -> Option<Ret> {
        if self.settings.throw_errors {
            self.raise(&e);
            return None;
        }
        let json = e.to_json(self.lang);
        self.set_last_error(json.clone());
        Some(if returns_text {
            Ret::Str(json)
        } else {
            Ret::Empty
        })
    }

    /// Stores the error in ПоследняяОшибка and reports it with `AddError`, so
    /// that the `false` the entry returns next becomes a 1C exception with this text.
    pub fn raise(&mut self, e: &Error) {
        self.set_last_error(e.to_json(self.lang));
        if let Some(h) = self.host {
            h.add_error(ADDIN_E_FAIL, "SDKWA", &e.message(self.lang));
        }
    }

    /// Stops the receiver and waits for its thread.
    pub fn stop_receiver(&mut self) {
        if let Some(r) = self.receiver.take() {
            r.stop();
        }
    }
}

impl Drop for Component {
    fn drop(&mut self) {
        // No thread may outlive the object: 1C may unload the library next.
        self.stop_receiver();
        for b in self.batches.drain(..) {
            b.stop();
        }
    }
}

/// A custom method's call: its row and its parameters (defaults applied).
pub struct Call<'a> {
    /// The table row.
    pub method: &'a Method,
    /// One value per parameter.
    pub args: Vec<Arg>,
    /// The user's language.
    pub lang: Lang,
}

impl Call<'_> {
    fn ctx<'p>(&self, i: usize, param: &'p Text) -> Ctx<'p>
    where
        Self: 'p,
    {
        Ctx {
            method: match self.lang {
                Lang::Ru => self.method.ru,
                Lang::En => self.method.en,
            },
            n: i + 1,
            param,
        }
    }

    /// The method's name in the user's language.
    pub fn method_name(&self) -> &'static str {
        match self.lang {
            Lang::Ru => self.method.ru,
            Lang::En => self.method.en,
        }
    }

    fn param(&self, i: usize) -> &Param {
        &self.method.params[i]
    }

    /// Parameter `i` as JSON for the service, by its kind.
    pub fn json(&self, i: usize) -> Result<serde_json::Value, Error> {
        let t = self.param(i).text();
        convert::to_json(self.param(i).kind, &self.args[i], &self.ctx(i, &t))
    }

    /// Parameter `i` as text.
    pub fn text(&self, i: usize) -> Result<String, Error> {
        Ok(match self.json(i)? {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        })
    }

    /// Parameter `i` as a file; `name` names bytes.
    pub fn file(&self, i: usize, name: &str) -> Result<crate::api::FileSource, Error> {
        let t = self.param(i).text();
        convert::to_file(&self.args[i], name, &self.ctx(i, &t))
    }
}
