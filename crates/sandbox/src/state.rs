//! The sandbox's state: instances with their accounts, chats, groups,
//! notification queues and stored files.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Map, Value};
use tokio::sync::Notify;

use super::faults::Faults;

/// The registration / confirmation code the sandbox accepts.
pub const SANDBOX_CODE: &str = "123456";
/// The most API requests kept in the request log (enough for the journal
/// checks of the receiving tests: thousands of polls and deletes).
const LOG_LIMIT: usize = 10_000;

/// A group chat.
#[derive(Debug, Clone)]
pub struct Group {
    /// `120363…@g.us`.
    pub id: String,
    /// The group's name.
    pub subject: String,
    /// The creator's chat id.
    pub owner: String,
    /// Members: chat id → admin flag.
    pub participants: BTreeMap<String, bool>,
    /// Unix time of creation.
    pub creation: i64,
    /// Invite link.
    pub invite: String,
    /// Picture URL, once set.
    pub picture: Option<String>,
}

/// One emulated account.
#[derive(Debug)]
pub struct Instance {
    /// `idInstance`.
    pub id: String,
    /// `apiTokenInstance`.
    pub token: String,
    /// `notAuthorized`, `authorized`, `starting`, ….
    pub state: String,
    /// The account's own chat id.
    pub wid: String,
    /// `getSettings` fields.
    pub settings: Map<String, Value>,
    /// Notifications waiting to be received: (receiptId, body), oldest first.
    pub queue: VecDeque<(i64, Value)>,
    /// The next receiptId.
    pub next_receipt: i64,
    /// Queue items served verbatim instead of `{receiptId, body}`: broken
    /// notifications for the receivers' robustness tests (by receiptId).
    pub raw: HashMap<i64, String>,
    /// Every message sent and received, oldest first (the journal).
    pub messages: Vec<Value>,
    /// Address book: chat id → name.
    pub contacts: BTreeMap<String, String>,
    /// Groups by id.
    pub groups: BTreeMap<String, Group>,
    /// Archived chats.
    pub archived: BTreeSet<String>,
    /// Profile name, status and picture.
    pub profile: Map<String, Value>,
    /// Answer every text sent with an incoming "Echo: …" from the same chat.
    pub echo: bool,
    /// Wakes long polls when a notification is queued.
    pub notify: Arc<Notify>,
}

impl Instance {
    /// A new instance with a seeded address book.
    pub fn new(id: &str, token: &str, authorized: bool, echo: bool) -> Instance {
        let mut contacts = BTreeMap::new();
        contacts.insert("79001234567@c.us".to_string(), "Иван Петров".to_string());
        contacts.insert("79007654321@c.us".to_string(), "SDKWA Echo Bot".to_string());
        contacts.insert("79005550101@c.us".to_string(), "Мария Склад".to_string());
        let wid = "79990000000@c.us".to_string();
        let settings = json!({
            "wid": wid,
            "countryInstance": "ru",
            "typeAccount": "trial",
            "webhookUrl": "",
            "webhookUrlToken": "",
            "releaseType": "STABLE",
            "delaySendMessagesMilliseconds": 1000,
            "delaySendMessagesMaxMs": 1500,
            "sendFromUTC": "",
            "sendToUTC": "",
            "markIncomingMessagesReaded": "no",
            "markIncomingMessagesReadedOnReply": "no",
            "outgoingWebhook": "no",
            "outgoingMessageWebhook": "no",
            "outgoingAPIMessageWebhook": "yes",
            "incomingWebhook": "yes",
            "deviceWebhook": "no",
            "statusInstanceWebhook": "no",
            "stateWebhook": "yes",
            "keepOnlineStatus": "no",
        });
        Instance {
            id: id.to_string(),
            token: token.to_string(),
            state: if authorized {
                "authorized"
            } else {
                "notAuthorized"
            }
            .to_string(),
            wid,
            settings: settings.as_object().cloned().unwrap_or_default(),
            queue: VecDeque::new(),
            next_receipt: 1,
            raw: HashMap::new(),
            messages: Vec::new(),
            contacts,
            groups: BTreeMap::new(),
            archived: BTreeSet::new(),
            profile: Map::new(),
            echo,
            notify: Arc::new(Notify::new()),
        }
    }

    /// `instanceData` of every notification.
    pub fn instance_data(&self) -> Value {
        json!({
            "idInstance": self.id.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::from(self.id.clone())),
            "wid": self.wid,
            "typeInstance": "whatsapp",
        })
    }

    /// Queues a notification if the matching setting is on; returns its receiptId.
    pub fn notify_webhook(&mut self, body: Value) -> Option<i64> {
        let setting = match body["typeWebhook"].as_str().unwrap_or("") {
            "incomingMessageReceived" => "incomingWebhook",
            "outgoingAPIMessageReceived" => "outgoingAPIMessageWebhook",
            "outgoingMessageReceived" => "outgoingMessageWebhook",
            "outgoingMessageStatus" => "outgoingWebhook",
            "stateInstanceChanged" => "stateWebhook",
            "deviceInfo" => "deviceWebhook",
            "statusInstanceChanged" => "statusInstanceWebhook",
            _ => "",
        };
        let on = self.settings.get(setting).and_then(Value::as_str) == Some("yes");
        if !on {
            return None;
        }
        Some(self.enqueue(body))
    }

    /// Queues a notification unconditionally.
    pub fn enqueue(&mut self, body: Value) -> i64 {
        let id = self.next_receipt;
        self.next_receipt += 1;
        self.queue.push_back((id, body));
        self.notify.notify_waiters();
        id
    }

    /// Queues a text served verbatim as the `receiveNotification` answer,
    /// with `{receiptId}` in it replaced by the item's receiptId; returns it.
    pub fn enqueue_raw(&mut self, text: &str) -> i64 {
        let id = self.next_receipt;
        self.raw
            .insert(id, text.replace("{receiptId}", &id.to_string()));
        self.enqueue(Value::Null)
    }

    /// Changes the state and tells subscribers.
    pub fn set_state(&mut self, state: &str) {
        if self.state != state {
            self.state = state.to_string();
            let body = json!({
                "typeWebhook": "stateInstanceChanged",
                "instanceData": self.instance_data(),
                "timestamp": now(),
                "stateInstance": state,
            });
            self.notify_webhook(body);
        }
    }

    /// The display name of a chat.
    pub fn chat_name(&self, chat: &str) -> String {
        if let Some(g) = self.groups.get(chat) {
            return g.subject.clone();
        }
        self.contacts
            .get(chat)
            .cloned()
            .unwrap_or_else(|| chat.trim_end_matches("@c.us").to_string())
    }
}

/// A file stored by an upload.
#[derive(Debug, Clone)]
pub struct StoredFile {
    /// Name it was sent under.
    pub name: String,
    /// MIME type.
    pub mime: String,
    /// Content.
    pub data: Vec<u8>,
}

/// Everything the sandbox's handlers share.
#[derive(Debug)]
pub struct Shared {
    /// Instances by id.
    pub instances: Mutex<HashMap<String, Instance>>,
    /// Active faults.
    pub faults: Mutex<Faults>,
    /// Uploaded files by key.
    pub files: Mutex<HashMap<String, StoredFile>>,
    /// The account API's users by user id.
    pub accounts: Mutex<HashMap<String, super::users::Account>>,
    /// The last API requests, oldest first.
    pub log: Mutex<VecDeque<Value>>,
    /// Simulated latency and rate limit.
    pub pace: Mutex<super::pace::Pace>,
    /// `http://127.0.0.1:PORT`, for file URLs.
    pub base_url: String,
    /// How long `receiveNotification` holds a request while the queue is empty
    /// (the service: up to 5 s).
    pub default_wait: Duration,
    /// Source of unique ids.
    counter: AtomicU64,
}

impl Shared {
    /// Empty state serving at `base_url`.
    pub fn new(base_url: String, default_wait: Duration) -> Shared {
        Shared {
            instances: Mutex::new(HashMap::new()),
            faults: Mutex::new(Faults::default()),
            files: Mutex::new(HashMap::new()),
            accounts: Mutex::new(HashMap::new()),
            log: Mutex::new(VecDeque::new()),
            pace: Mutex::new(super::pace::Pace::default()),
            base_url,
            default_wait,
            counter: AtomicU64::new(1),
        }
    }

    /// The instances, locked. A panic in another handler must not wedge
    /// the sandbox, so a poisoned lock is taken over.
    pub fn instances(&self) -> MutexGuard<'_, HashMap<String, Instance>> {
        self.instances.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The latency and rate limit, locked.
    pub fn pace(&self) -> MutexGuard<'_, super::pace::Pace> {
        self.pace.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The fault queue, locked.
    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The account API's users, locked.
    pub fn accounts(&self) -> MutexGuard<'_, HashMap<String, super::users::Account>> {
        self.accounts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stored files, locked.
    pub fn files(&self) -> MutexGuard<'_, HashMap<String, StoredFile>> {
        self.files.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The request log, locked.
    pub fn log(&self) -> MutexGuard<'_, VecDeque<Value>> {
        self.log.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Appends an entry to the request log.
    pub fn record(&self, entry: Value) {
        let mut log = self.log();
        if log.len() >= LOG_LIMIT {
            log.pop_front();
        }
        log.push_back(entry);
    }

    /// A new unique number.
    pub fn next_id(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }

    /// A new message id: 32 upper-case hex digits, like the service's.
    pub fn message_id(&self) -> String {
        let n = self.next_id();
        let t = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        format!(
            "{:016X}{:016X}",
            t.rotate_left(17) ^ 0x5D4B_7A11_C0DE_0000,
            n
        )
    }

    /// Stores a file and returns its download URL.
    pub fn store_file(&self, name: &str, mime: &str, data: Vec<u8>) -> String {
        let key = format!("{:08x}", self.next_id());
        let safe: String = name
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '.' || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.files().insert(
            key.clone(),
            StoredFile {
                name: name.to_string(),
                mime: mime.to_string(),
                data,
            },
        );
        format!("{}/files/{key}/{safe}", self.base_url)
    }
}

impl Shared {
    /// The stored file behind a URL made by [`Shared::store_file`].
    pub fn file_by_url(&self, url: &str) -> Option<StoredFile> {
        let rest = url.strip_prefix(&format!("{}/files/", self.base_url))?;
        let key = rest.split('/').next()?;
        self.files().get(key).cloned()
    }
}

/// Unix time in seconds.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
