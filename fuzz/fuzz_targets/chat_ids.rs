//! Any text as a phone number, chat id, group id or list: Ok or a named
//! InvalidArgument, and an accepted phone keeps only its digits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sdkwa1c::api::{chat, list_from_text, ErrorKind};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    match chat::chat_id(s, "chatId") {
        Ok(id) => assert!(id.contains('@')),
        Err(e) => assert_eq!(e.kind(), ErrorKind::InvalidArgument),
    }
    if let Ok(p) = chat::phone_number(s, "phone") {
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        assert_eq!(digits.parse::<u64>().ok(), Some(p));
    }
    let _ = chat::group_id(s, "groupId");
    let _ = list_from_text(s);
});
