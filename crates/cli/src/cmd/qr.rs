//! `qr`: the service's QR image saved as it came (`--png`) or drawn in the
//! terminal. The service sends a picture, not the code's text; drawing the
//! picture's pixels would depend on its scale, so its text is read back
//! (rqrr) and drawn again with unicode half blocks, two modules a character.

use std::path::Path;

use qrcode::render::unicode::Dense1x2;
use qrcode::QrCode;
use sdkwa1c::api::{Error, ErrorKind, Result, Text};

use super::Ctx;
use crate::{exit, out};

/// Runs `qr`.
pub fn run(ctx: &Ctx, png: Option<&Path>, invert: bool) -> Result<u8> {
    let image = ctx.client.qr_png()?;
    if let Some(path) = png {
        out::save(path, &image)?;
        return Ok(exit::OK);
    }
    let text = read_back(&image)?;
    out::line(&draw(&text, invert)?)?;
    Ok(exit::OK)
}

/// The text of the QR code in a PNG.
pub fn read_back(png_bytes: &[u8]) -> Result<String> {
    let (w, h, luma) = greyscale(png_bytes).ok_or_else(|| unreadable("not a PNG image"))?;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| luma[y * w + x]);
    let grids = img.detect_grids();
    let grid = grids
        .first()
        .ok_or_else(|| unreadable("no QR code found in it"))?;
    let (_, text) = grid.decode().map_err(|e| unreadable(&e.to_string()))?;
    Ok(text)
}

/// `text` as a QR code of half blocks with its quiet zone. By default the
/// light modules are the blocks: on the usual dark terminal the code then
/// looks dark on light, as scanners expect; `invert` for light terminals.
pub fn draw(text: &str, invert: bool) -> Result<String> {
    let code = QrCode::new(text.as_bytes()).map_err(|e| unreadable(&e.to_string()))?;
    let (dark, light) = if invert {
        (Dense1x2::Dark, Dense1x2::Light)
    } else {
        (Dense1x2::Light, Dense1x2::Dark)
    };
    Ok(code
        .render::<Dense1x2>()
        .dark_color(dark)
        .light_color(light)
        .quiet_zone(true)
        .build())
}

/// The PNG's pixels as 8-bit grey (any colour type and depth).
fn greyscale(data: &[u8]) -> Option<(usize, usize, Vec<u8>)> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(data));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().ok()?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).ok()?;
    let (w, h) = (info.width as usize, info.height as usize);
    let channels = info.color_type.samples();
    let luma = buf[..info.buffer_size()]
        .chunks(channels)
        .take(w * h)
        .map(|px| match px.len() {
            1 | 2 => px[0],
            _ => ((u16::from(px[0]) + u16::from(px[1]) + u16::from(px[2])) / 3) as u8,
        })
        .collect::<Vec<u8>>();
    (luma.len() == w * h).then_some((w, h, luma))
}

fn unreadable(why: &str) -> Error {
    Error::new(
        ErrorKind::Decode,
        Text::new(
            format!("Cannot draw the service's QR code ({why}): save it with --png FILE and open the image"),
            format!("Не удалось нарисовать QR-код сервиса ({why}): сохраните его ключом --png ФАЙЛ и откройте изображение"),
        ),
    )
    .with_method("qr")
}
