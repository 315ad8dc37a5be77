//! Every method of the core client against the sandbox, with the answers
//! checked against the sandbox's state.

mod common;

use std::time::Duration;

use sdkwa1c::api::*;
use sdkwa_sandbox::{qr_png, Sandbox, SandboxConfig, DEFAULT_ID};

fn decode_qr(png_bytes: &[u8]) -> String {
    let decoder = png::Decoder::new(png_bytes);
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("a frame");
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "exactly one QR code in the image");
    grids[0].decode().expect("decodable").1
}

#[test]
fn qr_authorization_flow() {
    let sb = Sandbox::start(SandboxConfig {
        receive_wait: Duration::from_secs(1),
        ..SandboxConfig::default()
    })
    .unwrap();
    let c = common::client(&sb);
    assert_eq!(
        c.get_state_instance().unwrap().state_instance,
        "notAuthorized"
    );
    let qr = c.qr().unwrap();
    assert_eq!(qr.kind, "qrCode");
    let text = decode_qr(&c.qr_png().unwrap());
    assert!(
        text.starts_with(&format!("sdkwa-sandbox://link/{DEFAULT_ID}/")),
        "{text}"
    );
    // Sending before linking is refused by the service with a clear message.
    let e = c
        .send_message(&SendMessage::new("79001234567", "early"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert!(e.service_message().unwrap().contains("not authorized"));
    assert!(sb.scan(DEFAULT_ID));
    assert!(c.get_state_instance().unwrap().is_authorized());
    let qr = c.qr().unwrap();
    assert_eq!(qr.kind, "alreadyLogged");
    let e = c.qr_png().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    // The state change was queued as a notification.
    let n = c
        .receive_notification(Duration::from_secs(1))
        .unwrap()
        .unwrap();
    assert_eq!(n.body.type_webhook, "stateInstanceChanged");
    assert_eq!(n.body.extra["stateInstance"], "authorized");
    // logout → not authorized again.
    assert_eq!(c.logout().unwrap()["isLogout"], true);
    assert_eq!(
        c.get_state_instance().unwrap().state_instance,
        "notAuthorized"
    );
}

#[test]
fn qr_png_is_decodable_for_any_text() {
    for t in ["a", "sdkwa-sandbox://link/1/2", &"x".repeat(300)] {
        assert_eq!(decode_qr(&qr_png(t)), t);
    }
}

#[test]
fn registration_and_authorization_codes() {
    let sb = Sandbox::start(SandboxConfig::default()).unwrap();
    let c = common::client(&sb);
    let code = c.get_authorization_code("+7 900 123-45-67").unwrap();
    assert!(code.status && !code.code.is_empty());
    assert_eq!(
        c.request_registration_code("79001234567", "voice").unwrap()["method"],
        "voice"
    );
    let e = c
        .request_registration_code("79001234567", "pigeon")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    let e = c.send_registration_code("000000").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    c.send_registration_code(sdkwa_sandbox::SANDBOX_CODE)
        .unwrap();
    assert!(c.get_state_instance().unwrap().is_authorized());
    // The phone number went out as a JSON number, like the official client sends it.
    let logged = sb.requests();
    let req = logged
        .iter()
        .find(|r| r["method"] == "getAuthorizationCode")
        .unwrap();
    assert_eq!(
        req["body"]["phoneNumber"],
        serde_json::json!(79001234567u64)
    );
}

#[test]
fn settings_profile_and_account() {
    let sb = common::sandbox();
    let c = common::client(&sb);
    let s = c.get_settings().unwrap();
    assert_eq!(s.wid.as_deref(), Some("79990000000@c.us"));
    assert!(
        s.extra.contains_key("countryInstance"),
        "unknown fields are kept"
    );
    let new = Settings {
        webhook_url_token: Some("hook-secret".into()),
        delay_send_messages_milliseconds: Some(500),
        ..Default::default()
    };
    assert!(c.set_settings(&new).unwrap().save_settings);
    let s = c.get_settings().unwrap();
    assert_eq!(s.webhook_url_token.as_deref(), Some("hook-secret"));
    assert_eq!(s.delay_send_messages_milliseconds, Some(500));
    assert_eq!(
        s.incoming_webhook.as_deref(),
        Some("yes"),
        "untouched fields stay"
    );
    assert_eq!(c.reboot().unwrap()["isReboot"], true);
    assert!(c
        .get_warming_phone_status()
        .unwrap()
        .contains_key("warmingType"));
    assert_eq!(
        c.set_profile_name("Склад №1").unwrap()["setProfileName"],
        true
    );
    assert_eq!(
        c.set_profile_status("На связи").unwrap()["setProfileStatus"],
        true
    );
    let pic = c
        .set_profile_picture(FileSource::bytes(qr_png("me"), "me.png"))
        .unwrap();
    let url = pic["urlAvatar"].as_str().unwrap();
    assert!(url.starts_with(&sb.url()));
}

#[test]
fn sending_every_kind_and_reading_it_back() {
    let sb = common::sandbox();
    let c = common::client(&sb);
    let chat = "+7 (900) 123-45-67";
    let text = c
        .send_message(&SendMessage {
            link_preview: Some(false),
            ..SendMessage::new(chat, "Привет из 1С")
        })
        .unwrap();
    assert_eq!(text.id_message.len(), 32);
    let loc = c
        .send_location(&SendLocation {
            chat_id: chat.into(),
            latitude: 55.740930,
            longitude: 37.620508,
            name_location: Some("I'm here".into()),
            address: Some("Tretyakovskaya Galereya".into()),
            quoted_message_id: None,
        })
        .unwrap();
    let contact = c
        .send_contact(&SendContact {
            chat_id: chat.into(),
            contact: Contact {
                phone_contact: "79001234559".into(),
                first_name: "Ivan".into(),
                last_name: "Petrov".into(),
                company: "Acme".into(),
                ..Default::default()
            },
            quoted_message_id: None,
        })
        .unwrap();
    let by_url = c
        .send_file_by_url(&SendFileByUrl {
            chat_id: chat.into(),
            url_file: "https://example.invalid/wa.png".into(),
            file_name: "wa.png".into(),
            caption: Some("wa".into()),
            quoted_message_id: None,
            archive_chat: None,
        })
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("temp.zip");
    std::fs::write(&path, b"PK\x03\x04 zip bytes").unwrap();
    let upload = c
        .send_file_by_upload(chat, FileSource::path(&path), None, Some("архив"))
        .unwrap();
    let url = upload.extra["urlFile"].as_str().unwrap();
    assert!(url.ends_with("/temp.zip"), "{url}");
    let uploaded = c
        .upload_file(FileSource::bytes(b"raw".to_vec(), "x.bin"))
        .unwrap();
    assert!(uploaded.url_file.starts_with(&sb.url()));

    let history = c.get_chat_history("79001234567@c.us", 100).unwrap();
    let ids: Vec<&str> = history
        .iter()
        .map(|m| m["idMessage"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![
            &upload.id_message[..],
            &by_url.id_message,
            &contact.id_message,
            &loc.id_message,
            &text.id_message
        ]
    );
    assert_eq!(history[0]["typeMessage"], "documentMessage");
    assert_eq!(history[0]["caption"], "архив");
    assert_eq!(history[1]["typeMessage"], "imageMessage");
    assert_eq!(history[2]["typeMessage"], "contactMessage");
    assert!(history[2]["vcard"]
        .as_str()
        .unwrap()
        .contains("waid=79001234559"));
    assert_eq!(history[3]["latitude"], 55.74093);
    assert_eq!(history[4]["textMessage"], "Привет из 1С");
    assert_eq!(c.get_chat_history("79001234567", 2).unwrap().len(), 2);
    // downloadFile answers the file's bytes, as the service does.
    let dl = c.download_file("79001234567", &upload.id_message).unwrap();
    assert_eq!(dl, b"PK\x03\x04 zip bytes");
    let e = c.download_file("79001234567", "NOSUCHMESSAGE").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
    assert_eq!(c.last_outgoing_messages(5).unwrap().len(), 5);
    assert!(c.last_incoming_messages(1440).unwrap().is_empty());
    assert!(c.show_messages_queue().unwrap().is_empty());
    assert_eq!(c.clear_messages_queue().unwrap()["isCleared"], true);
    // The sandbox journal agrees with what the client saw.
    assert_eq!(sb.messages(DEFAULT_ID).len(), 5);
}

#[test]
fn receiving_is_loss_free_until_deleted() {
    let sb = common::sandbox();
    let c = common::client(&sb);
    assert!(c
        .receive_notification(Duration::from_secs(0))
        .unwrap()
        .is_none());
    let id = sb
        .incoming_text(DEFAULT_ID, "79001234567@c.us", "первое")
        .unwrap();
    sb.incoming_text(DEFAULT_ID, "79007654321@c.us", "второе")
        .unwrap();
    let n1 = c
        .receive_notification(Duration::from_secs(1))
        .unwrap()
        .unwrap();
    assert_eq!(n1.body.type_webhook, "incomingMessageReceived");
    assert_eq!(n1.body.id_message.as_deref(), Some(id.as_str()));
    assert_eq!(n1.body.text(), Some("первое"));
    assert_eq!(n1.body.chat_id(), Some("79001234567@c.us"));
    // Not deleted: handed out again.
    let again = c
        .receive_notification(Duration::from_secs(1))
        .unwrap()
        .unwrap();
    assert_eq!(again.receipt_id, n1.receipt_id);
    assert_eq!(
        c.delete_notification(n1.receipt_id).unwrap()["result"],
        true
    );
    let n2 = c
        .receive_notification(Duration::from_secs(1))
        .unwrap()
        .unwrap();
    assert_eq!(n2.body.text(), Some("второе"));
    c.delete_notification(n2.receipt_id).unwrap();
    assert_eq!(sb.queue_len(DEFAULT_ID), 0);
    assert_eq!(c.last_incoming_messages(60).unwrap().len(), 2);
}

#[test]
fn long_poll_wakes_when_a_message_arrives() {
    let sb = common::sandbox();
    let c = common::client(&sb);
    std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(300));
            sb.incoming_text(DEFAULT_ID, "79001234567@c.us", "late")
                .unwrap();
        });
        let t = std::time::Instant::now();
        let n = c
            .receive_notification(Duration::from_secs(10))
            .unwrap()
            .unwrap();
        assert_eq!(n.body.text(), Some("late"));
        assert!(
            t.elapsed() < Duration::from_secs(3),
            "woke at once, took {:?}",
            t.elapsed()
        );
    });
}

#[test]
fn echo_bot_and_outgoing_notifications() {
    let sb = common::sandbox();
    sb.set_echo(DEFAULT_ID, true);
    let c = common::client(&sb);
    let sent = c
        .send_message(&SendMessage::new("79007654321", "ping"))
        .unwrap();
    let first = c
        .receive_notification(Duration::from_secs(1))
        .unwrap()
        .unwrap();
    assert_eq!(first.body.type_webhook, "outgoingAPIMessageReceived");
    assert_eq!(
        first.body.id_message.as_deref(),
        Some(sent.id_message.as_str())
    );
    c.delete_notification(first.receipt_id).unwrap();
    let echo = c
        .receive_notification(Duration::from_secs(1))
        .unwrap()
        .unwrap();
    assert_eq!(echo.body.type_webhook, "incomingMessageReceived");
    assert_eq!(echo.body.text(), Some("Echo: ping"));
    c.delete_notification(echo.receipt_id).unwrap();
}

#[test]
fn contacts_chats_and_chat_service_methods() {
    let sb = common::sandbox();
    let c = common::client(&sb);
    let contacts = c.get_contacts().unwrap();
    assert!(contacts
        .iter()
        .any(|x| x.id == "79001234567@c.us" && x.name == "Иван Петров" && x.kind == "user"));
    c.send_message(&SendMessage::new("79005550000", "new chat"))
        .unwrap();
    let chats = c.get_chats().unwrap();
    assert_eq!(chats[0].id, "79005550000@c.us", "most recent chat first");
    let info = c.get_contact_info("79001234567").unwrap();
    assert_eq!(info["name"], "Иван Петров");
    assert_eq!(info["isArchive"], false);
    assert!(info.contains_key("isDisappearing"));
    assert!(c.check_whatsapp("79001234567").unwrap().exists_whatsapp);
    assert!(!c.check_whatsapp("79001234000").unwrap().exists_whatsapp);
    assert!(c
        .get_avatar("79001234567")
        .unwrap()
        .contains_key("urlAvatar"));
    assert_eq!(c.read_chat("79001234567", None).unwrap()["setRead"], true);
    c.archive_chat("79001234567").unwrap();
    assert_eq!(
        c.get_contact_info("79001234567").unwrap()["isArchive"],
        true
    );
    c.unarchive_chat("79001234567").unwrap();
    assert_eq!(
        c.get_contact_info("79001234567").unwrap()["isArchive"],
        false
    );
    let sent = c
        .send_message(&SendMessage::new("79001234567", "oops"))
        .unwrap();
    c.delete_message("79001234567", &sent.id_message).unwrap();
    let e = c
        .delete_message("79001234567", &sent.id_message)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
}

#[test]
fn groups_lifecycle() {
    let sb = common::sandbox();
    let c = common::client(&sb);
    let g = c
        .create_group("Моя тестовая группа", &["79001234559", "79001234567@c.us"])
        .unwrap();
    assert!(g.created && g.chat_id.ends_with("@g.us") && !g.group_invite_link.is_empty());
    let data = c.get_group_data(&g.chat_id).unwrap();
    assert_eq!(data.subject, "Моя тестовая группа");
    assert_eq!(data.participants.len(), 3, "two members and the owner");
    assert!(data
        .participants
        .iter()
        .any(|p| p.id == data.owner && p.is_super_admin));
    c.add_group_participant(&g.chat_id, "79001234551").unwrap();
    c.set_group_admin(&g.chat_id, "79001234551").unwrap();
    let p = c
        .get_group_data(&g.chat_id)
        .unwrap()
        .participants
        .into_iter()
        .find(|p| p.id == "79001234551@c.us")
        .unwrap();
    assert!(p.is_admin);
    c.remove_admin(&g.chat_id, "79001234551").unwrap();
    c.remove_group_participant(&g.chat_id, "79001234551")
        .unwrap();
    assert_eq!(c.get_group_data(&g.chat_id).unwrap().participants.len(), 3);
    assert_eq!(
        c.remove_group_participant(&g.chat_id, "79001234551")
            .unwrap_err()
            .kind(),
        ErrorKind::Validation
    );
    c.update_group_name(&g.chat_id, "Переименована").unwrap();
    assert_eq!(
        c.get_group_data(&g.chat_id).unwrap().subject,
        "Переименована"
    );
    let pic = c
        .set_group_picture(&g.chat_id, FileSource::bytes(qr_png("g"), "g.png"))
        .unwrap();
    assert_eq!(
        c.get_avatar(&g.chat_id).unwrap()["urlAvatar"],
        pic["urlAvatar"]
    );
    c.send_message(&SendMessage::new(g.chat_id.as_str(), "Привет всем!"))
        .unwrap();
    assert_eq!(
        c.get_chat_history(&g.chat_id, 10).unwrap()[0]["textMessage"],
        "Привет всем!"
    );
    c.leave_group(&g.chat_id).unwrap();
    assert_eq!(c.get_group_data(&g.chat_id).unwrap().participants.len(), 2);
    let e = c.get_group_data("120363999999999999@g.us").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    let e = c.get_group_data("79001234567").unwrap_err();
    assert_eq!(
        e.kind(),
        ErrorKind::InvalidArgument,
        "a phone number is not a group id"
    );
}

#[test]
fn telegram_instance_methods() {
    let sb = Sandbox::start(SandboxConfig::default()).unwrap();
    let mut cfg = common::config(&sb);
    cfg.messenger = Messenger::Telegram;
    let c = Client::new(cfg).unwrap();
    let app = c
        .create_app(&CreateApp {
            title: "Shop".into(),
            short_name: "shop".into(),
            url: "https://shop.example".into(),
            description: "d".into(),
        })
        .unwrap();
    assert_eq!(app["result"], true);
    assert_eq!(
        c.send_confirmation_code("79001234567").unwrap()["result"],
        true
    );
    assert!(c.sign_in_with_confirmation_code("1").is_err());
    c.sign_in_with_confirmation_code(sdkwa_sandbox::SANDBOX_CODE)
        .unwrap();
    assert!(c.get_state_instance().unwrap().is_authorized());
    assert!(sb.requests().iter().all(|r| r["messenger"] == "telegram"));
}

#[test]
fn generic_call_passes_json_through_and_normalizes() {
    let sb = common::sandbox();
    let c = common::client(&sb);
    let out = c
        .call(
            "SendMessage",
            Some(r#"{"chatId": 79001234567, "message": "через call"}"#),
        )
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["idMessage"].as_str().unwrap().len(), 32);
    assert_eq!(
        c.call("getStateInstance", None).unwrap(),
        r#"{"stateInstance":"authorized"}"#
    );
    // A misspelled method is refused before any request.
    let e = c.call("sendMesage", Some("{}")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.to_string().contains("sendMesage"), "{e}");
    // The escape hatch sends an unknown method as asked: the service's 404 comes back as NotFound.
    let e = c
        .call_raw("someFutureMethod", HttpMethod::Get, Default::default())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.status(), Some(404));
    let e = c.call("sendMessage", Some("[1,2]")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.to_string().contains("'params'"));
    // Text pass-through: a history answer is returned byte for byte as the service sent it.
    let text = c.get_chat_history_text("79001234567", 10).unwrap();
    assert!(text.starts_with('[') && text.contains("через call"));
}

#[test]
fn wrong_credentials_are_unauthorized() {
    let sb = common::sandbox();
    let mut cfg = common::config(&sb);
    cfg.api_token = Secret::new("wrong-token-1234567890");
    let c = Client::new(cfg).unwrap();
    let e = c.get_state_instance().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert_eq!(e.status(), Some(401));
    assert!(e
        .message(Lang::Ru)
        .contains("Сервис отклонил токен (401): проверьте IdInstance и ApiToken"));
    assert!(!format!("{e:?}{e}").contains("wrong-token-1234567890"));
}
