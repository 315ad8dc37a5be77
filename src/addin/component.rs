//! The `Client` object's state: its settings, its client, ПоследняяОшибка,
//! the background receiver and batches; errors turned into 1C exceptions or
//! error JSON. What acts on it is in the table (`table.rs`), run by `dispatch.rs`.
#![forbid(unsafe_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::host::{Host, ADDIN_E_FAIL};
use super::memory::MemoryManager;
use super::receiver::Receiver;
use super::variant::Ret;
use crate::api::{Client, Config, Error, Lang, Messenger, Secret};

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

    /// Forgets the client so the next call builds one with the new settings.
    pub fn forget_client(&mut self) {
        self.client = None;
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
