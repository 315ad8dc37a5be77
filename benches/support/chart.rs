//! The per-call chart: wall-clock and client CPU per sendMessage, side by
//! side, each bar labelled with its ratio to bare reqwest (the orange bars:
//! in the benchmark's process, and in a process of its own).

use plotters::prelude::*;

/// One bar pair.
pub struct Bar {
    /// The variant.
    pub name: String,
    /// Wall-clock µs per call (median).
    pub wall: f64,
    /// Client CPU µs per call (median).
    pub cpu: f64,
    /// `wall` / bare reqwest's, within the same rounds.
    pub wall_ratio: f64,
    /// `cpu` / bare reqwest's.
    pub cpu_ratio: f64,
}

/// Draws `bars` into `path`; `references` are the indices of bare reqwest
/// (each the reference of the rows after it) and `floor` of the raw floor.
/// Returns false when no font is available.
pub fn draw(path: &str, title: &str, bars: &[Bar], references: &[usize], floor: usize) -> bool {
    let font = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"]
        .iter()
        .find_map(|p| std::fs::read(p).ok());
    let Some(font) = font else {
        println!("NOT RUN: the chart needs DejaVuSans.ttf (apt-get install fonts-dejavu-core)");
        return false;
    };
    let font: &'static [u8] = Box::leak(font.into_boxed_slice());
    if plotters::style::register_font("sans-serif", FontStyle::Normal, font).is_err() {
        return false;
    }
    let root = BitMapBackend::new(path, (1200, 460)).into_drawing_area();
    root.fill(&WHITE).unwrap();
    let root = root.titled(title, ("sans-serif", 22)).unwrap();
    let (left, right) = root.split_horizontally(700);
    panel(
        &left,
        "wall-clock µs per call (median)",
        bars,
        |b| (b.wall, b.wall_ratio),
        true,
        references,
        floor,
    );
    panel(
        &right,
        "client CPU µs per call",
        bars,
        |b| (b.cpu, b.cpu_ratio),
        false,
        references,
        floor,
    );
    root.present().unwrap();
    true
}

fn panel(
    area: &DrawingArea<BitMapBackend, plotters::coord::Shift>,
    caption: &str,
    bars: &[Bar],
    value: impl Fn(&Bar) -> (f64, f64),
    names: bool,
    references: &[usize],
    floor: usize,
) {
    let max = bars.iter().map(|b| value(b).0).fold(0.0, f64::max) * 1.45;
    // Segment 0 is drawn at the bottom: the first row goes to the top.
    let n = bars.len();
    let at = |i: usize| n - 1 - i;
    let labels: Vec<String> = bars.iter().rev().map(|b| b.name.clone()).collect();
    let mut c = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 17))
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(if names { 200 } else { 10 })
        .build_cartesian_2d(0.0..max, (0..n - 1).into_segmented())
        .unwrap();
    c.configure_mesh()
        .disable_y_mesh()
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) if names => labels.get(*i).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .label_style(("sans-serif", 14))
        .draw()
        .unwrap();
    c.draw_series(bars.iter().enumerate().map(|(i, b)| {
        let color = if references.contains(&i) {
            RGBColor(230, 130, 30)
        } else if i == floor {
            RGBColor(150, 150, 150)
        } else {
            RGBColor(40, 110, 190)
        };
        let mut r = Rectangle::new(
            [
                (0.0, SegmentValue::Exact(at(i))),
                (value(b).0, SegmentValue::Exact(at(i) + 1)),
            ],
            color.filled(),
        );
        r.set_margin(4, 4, 0, 0);
        r
    }))
    .unwrap();
    c.draw_series(bars.iter().enumerate().map(|(i, b)| {
        let (v, ratio) = value(b);
        let text = if references.contains(&i) {
            format!("{v:.0} µs = 1.00× (reference)")
        } else {
            format!("{v:.0} µs · {ratio:.2}×")
        };
        Text::new(
            text,
            (v + max * 0.01, SegmentValue::CenterOf(at(i))),
            ("sans-serif", 14),
        )
    }))
    .unwrap();
}
