//! A real, scannable QR code as PNG.

use qrcode::{Color, QrCode};

/// Pixels per QR module.
const SCALE: usize = 6;
/// White border in modules, as the QR standard asks.
const QUIET: usize = 4;

/// Encodes `text` as a QR code and renders it into a grayscale PNG.
pub fn qr_png(text: &str) -> Vec<u8> {
    let code = QrCode::new(text.as_bytes()).unwrap_or_else(|_| {
        // Cannot fail for the short texts the sandbox encodes; keep a valid image anyway.
        QrCode::new(b"sdkwa-sandbox").expect("a constant fits into a QR code")
    });
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, c) in colors.iter().enumerate() {
        if *c == Color::Dark {
            let (mx, my) = (i % modules + QUIET, i / modules + QUIET);
            for dy in 0..SCALE {
                let row = (my * SCALE + dy) * side;
                pixels[row + mx * SCALE..row + mx * SCALE + SCALE].fill(0);
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, side as u32, side as u32);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        // Writing into a Vec cannot fail; fall back to an empty image only on a png bug.
        if let Ok(mut w) = enc.write_header() {
            let _ = w.write_image_data(&pixels);
        }
    }
    out
}
