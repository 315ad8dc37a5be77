//! The add-in's side of background receiving: starting it where 1C can
//! deliver events, restarting it when the settings change, the manual
//! acknowledgement property and method.
#![forbid(unsafe_code)]

use super::component::Component;
use super::host::AppType;
use super::messages;
use super::receiver::Receiver;
use super::schema::Call;
use super::variant::{Arg, Ret};
use crate::api::{Error, ErrorKind, Text};

type R = Result<Ret, Error>;

fn refused_here(app: AppType) -> Error {
    let (en, ru) = match app {
        AppType::ExternalConnection => ("an external connection", "во внешнем соединении"),
        _ => ("the 1C server", "на сервере 1С"),
    };
    Error::new(
        ErrorKind::InvalidArgument,
        Text::new(
            format!(
                "Background receiving (StartNotifications) works only in a client application: \
                 {en} has no external event handler, so notifications would be deleted unhandled. \
                 Here use the service's webhook into a 1C HTTP service (check each request with \
                 ParseWebhook), or poll with ReceiveNotification and DeleteNotification"
            ),
            format!(
                "Фоновое получение (НачатьПолучениеУведомлений) работает только в клиентском приложении: \
                 {ru} нет обработчика внешних событий, и уведомления удалялись бы необработанными. \
                 Здесь используйте webhook сервиса в HTTP-сервис 1С (проверяя каждый запрос методом \
                 РазобратьУведомление) или опрос методами ПолучитьУведомление и УдалитьУведомление"
            ),
        ),
    )
}

/// Starts the receiver for the current settings (stopping a finished one).
pub fn start(c: &mut Component) -> Result<(), Error> {
    if c.receiver.as_ref().is_some_and(Receiver::is_running) {
        return Ok(());
    }
    c.stop_receiver();
    let host = c.host.ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidArgument,
            Text::new(
                "Background receiving needs the 1C connection (Init was not called by the host)",
                "Фоновое получение требует подключения 1С (хост не вызвал Init)",
            ),
        )
    })?;
    let app = host.app_type();
    if matches!(app, AppType::Server | AppType::ExternalConnection) {
        return Err(refused_here(app));
    }
    let client = c.client()?;
    c.receiver = Some(Receiver::start(
        client,
        host,
        c.last_error.clone(),
        c.lang,
        c.settings.manual_ack,
    ));
    Ok(())
}

/// After a setting changed: a running receiver goes on with the new client
/// (new credentials, address, mode). A setting that cannot make a client
/// leaves it stopped, with the reason in ПоследняяОшибка.
pub fn restart_if_running(c: &mut Component) {
    if !c.receiver.as_ref().is_some_and(Receiver::is_running) {
        return;
    }
    c.stop_receiver();
    if let Err(e) = start(c) {
        c.set_last_error(e.to_json(c.lang));
    }
}

/// ПодтверждениеВручную.
pub fn get_manual_ack(c: &Component) -> Ret {
    Ret::Bool(c.settings.manual_ack)
}

/// ПодтверждениеВручную = …: a running receiver restarts in the new mode.
pub fn set_manual_ack(c: &mut Component, a: &Arg) -> Result<(), Error> {
    let on = match a {
        Arg::Bool(b) => *b,
        Arg::Int(i) => *i != 0,
        _ => return Err(messages::bad_property("ManualAck", "Boolean", "Булево")),
    };
    if on != c.settings.manual_ack {
        c.settings.manual_ack = on;
        restart_if_running(c);
    }
    Ok(())
}

/// ПодтвердитьУведомление(ИдУведомления): only a flag for the receiver
/// thread, which deletes the notification; no HTTP on 1C's thread.
pub fn ack_notification(c: &mut Component, call: &Call) -> R {
    let receipt = call.json(0)?.as_i64().unwrap_or_default();
    let awaited = match c.receiver.as_ref().filter(|r| r.manual_ack()) {
        Some(r) => match r.acknowledge(receipt) {
            Ok(()) => return Ok(Ret::Empty),
            Err(awaited) => awaited,
        },
        None => {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                Text::new(
                    "AckNotification: no background receiving with ManualAck = True runs, so nothing awaits an acknowledgement",
                    "ПодтвердитьУведомление: фоновое получение с ПодтверждениеВручную = Истина не запущено, подтверждать нечего",
                ),
            ))
        }
    };
    let (en, ru) = match awaited {
        Some(id) => (
            format!("the one awaiting it is {id}"),
            format!("ожидается подтверждение {id}"),
        ),
        None => (
            "none awaits one now".to_string(),
            "сейчас подтверждения не ожидает ни одно".to_string(),
        ),
    };
    Err(Error::new(
        ErrorKind::InvalidArgument,
        Text::new(
            format!("AckNotification: notification {receipt} was not handed over or is already deleted; {en}"),
            format!("ПодтвердитьУведомление: уведомление {receipt} не передавалось или уже удалено; {ru}"),
        ),
    ))
}
