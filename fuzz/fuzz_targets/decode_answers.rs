//! Any bytes as a service answer: decoding into every typed answer must
//! return Ok or Err, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sdkwa1c::api::*;

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<Settings>(data);
    let _ = serde_json::from_slice::<StateInstance>(data);
    let _ = serde_json::from_slice::<QrCode>(data);
    let _ = serde_json::from_slice::<SentMessage>(data);
    let _ = serde_json::from_slice::<UploadedFile>(data);
    let _ = serde_json::from_slice::<Option<Notification>>(data).map(|n| n.map(|n| (n.body.text().map(str::len), n.body.chat_id().map(str::len))));
    let _ = serde_json::from_slice::<Vec<ChatEntry>>(data);
    let _ = serde_json::from_slice::<GroupData>(data);
    let _ = serde_json::from_slice::<CreatedGroup>(data);
    let _ = serde_json::from_slice::<WhatsappCheck>(data);
    let _ = serde_json::from_slice::<AuthorizationCode>(data);
    let _ = serde_json::from_slice::<Instances>(data);
});
