//! The add-in's side of bulk sending: `ПараллельныхЗапросов`,
//! `ОтправитьПакет` (synchronous), `НачатьОтправкуПакета` (in the
//! background, see `batcher.rs`) and `ОстановитьОтправкуПакета`.
#![forbid(unsafe_code)]

use super::batcher::BackgroundBatch;
use super::component::Component;
use super::host::AppType;
use super::messages;
use super::schema::Call;
use super::variant::{Arg, Ret};
use crate::api::batch::{check_concurrency, parse_batch, MAX_CONCURRENCY};
use crate::api::{Error, ErrorKind, Text};

type R = Result<Ret, Error>;

/// ПараллельныхЗапросов.
pub fn get_concurrency(c: &Component) -> Ret {
    Ret::Int(c.settings.concurrency as i32)
}

/// ПараллельныхЗапросов = …: a whole number from 1 to 64.
pub fn set_concurrency(c: &mut Component, a: &Arg) -> Result<(), Error> {
    let n = super::actions::number_prop(a);
    if !(1.0..=f64::from(MAX_CONCURRENCY)).contains(&n) || n.fract() != 0.0 {
        return Err(messages::bad_property(
            "ПараллельныхЗапросов/Concurrency",
            &format!("a whole number of requests in flight from 1 to {MAX_CONCURRENCY}"),
            &format!("целое число одновременных запросов от 1 до {MAX_CONCURRENCY}"),
        ));
    }
    c.settings.concurrency = n as u32;
    Ok(())
}

/// The `Параллельно` parameter (index `i`): 0 = the property.
fn concurrency_arg(c: &Component, call: &Call, i: usize) -> Result<u32, Error> {
    let n = call.json(i)?.as_i64().unwrap_or(-1);
    if n == 0 {
        return Ok(c.settings.concurrency);
    }
    let p = &call.method.params[i];
    let name = format!("{}/{}", p.ru, p.en);
    check_concurrency(u32::try_from(n).unwrap_or(u32::MAX), &name)
        .map_err(|e| e.with_method(call.method_name()))
}

/// ОтправитьПакет(ПакетJSON, Параллельно = 0): the results in input order as JSON.
pub fn send_batch(c: &mut Component, call: &Call) -> R {
    let batch = call.text(0)?;
    let n = concurrency_arg(c, call, 1)?;
    let client = c.client()?;
    client.call_batch(&batch, n, c.lang).map(Ret::Str)
}

/// НачатьОтправкуПакета(ПакетJSON, Параллельно = 0): starts the batch in the
/// background and returns its id at once.
pub fn start_batch(c: &mut Component, call: &Call) -> R {
    let batch = call.text(0)?;
    let n = concurrency_arg(c, call, 1)?;
    let host = c.host.ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidArgument,
            Text::new(
                "Background sending needs the 1C connection (Init was not called by the host)",
                "Фоновая отправка требует подключения 1С (хост не вызвал Init)",
            ),
        )
    })?;
    if matches!(
        host.app_type(),
        AppType::Server | AppType::ExternalConnection
    ) {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            Text::new(
                "StartBatch works only in a client application: here there is no external event handler to receive the results; use SendBatch",
                "НачатьОтправкуПакета работает только в клиентском приложении: здесь нет обработчика внешних событий для результатов; используйте ОтправитьПакет",
            ),
        ));
    }
    // A malformed array is refused now, on 1C's thread; bad items fail alone later.
    let items = parse_batch(&batch)?;
    let client = c.client()?;
    c.batches.retain(BackgroundBatch::is_running);
    let b = BackgroundBatch::start(client, host, items, n, c.lang).map_err(|e| {
        Error::new(
            ErrorKind::Internal,
            Text::new(
                "Cannot start the batch thread",
                "Не удалось запустить поток пакета",
            ),
        )
        .with_source(e)
    })?;
    let id = b.id().to_string();
    c.batches.push(b);
    Ok(Ret::Str(id))
}

/// ОстановитьОтправкуПакета(ИдПакета = ""): stops that batch (every running
/// batch when empty), waits for it, and returns a JSON array of the counts
/// (`ok`, `failed`, `notSent`, `total`, `stopped`). With no id, a batch that
/// had already run to its end is not listed: it was not stopped. Named, it
/// is listed with `"stopped": false`.
pub fn stop_batch(c: &mut Component, call: &Call) -> R {
    let id = call.text(0)?;
    let id = id.trim();
    let (stop, keep): (Vec<_>, Vec<_>) = std::mem::take(&mut c.batches)
        .into_iter()
        .partition(|b| id.is_empty() || b.id() == id);
    c.batches = keep;
    if !id.is_empty() && stop.is_empty() {
        return Err(Error::invalid_argument(
            "ИдПакета/BatchId",
            &format!("no batch \"{id}\" was started by this object"),
            &format!("пакет \"{id}\" этим объектом не запускался"),
        ));
    }
    let counts: Vec<String> = stop
        .into_iter()
        .map(BackgroundBatch::stop)
        .filter(|(stopped, _)| *stopped || !id.is_empty())
        .map(|(_, counts)| counts)
        .collect();
    Ok(Ret::Str(format!("[{}]", counts.join(","))))
}
