//! Rendering one figure to SVG and PNG, and drawing helpers shared by the figures.

use std::io;
use std::path::Path;

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::PNG_SCALE;
use super::style::{GRID, INK, Scale, ensure_fonts};

/// Result of drawing a figure (plotters errors are boxed, then turned into `io::Error`).
pub(crate) type DrawResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// A plotters backend whose errors can be boxed.
pub(crate) trait Backend: DrawingBackend<ErrorType: 'static> {}

impl<T: DrawingBackend<ErrorType: 'static>> Backend for T {}

/// A figure that can be drawn on any plotters backend.
pub(crate) trait Figure {
    /// Size in design pixels (the SVG size; the PNG is [`PNG_SCALE`] times larger).
    fn size(&self) -> (u32, u32);

    /// Draw on `root` (already filled white), with every design size multiplied by `s`.
    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>, s: Scale) -> DrawResult;
}

/// The figure as an SVG document.
pub(crate) fn svg_string(fig: &impl Figure) -> io::Result<String> {
    ensure_fonts()?;
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, fig.size()).into_drawing_area();
        render(&root, fig, Scale(1.0)).map_err(io::Error::other)?;
    }
    Ok(buf)
}

/// Write `<stem>.svg` and `<stem>.png` into `dir`.
pub(crate) fn write_figure(dir: &Path, stem: &str, fig: &impl Figure) -> io::Result<()> {
    let svg = svg_string(fig)?;
    std::fs::write(dir.join(format!("{stem}.svg")), svg)?;
    let (w, h) = fig.size();
    let path = dir.join(format!("{stem}.png"));
    let root = BitMapBackend::new(&path, (w * PNG_SCALE, h * PNG_SCALE)).into_drawing_area();
    render(&root, fig, Scale(f64::from(PNG_SCALE))).map_err(io::Error::other)
}

fn render<DB: Backend>(root: &DrawingArea<DB, Shift>, fig: &impl Figure, s: Scale) -> DrawResult {
    root.fill(&WHITE)?;
    fig.draw(root, s)?;
    root.present()?;
    Ok(())
}

/// `text` shortened with an ellipsis so that it is at most `max_width` pixels wide.
pub(crate) fn fit_text<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
    max_width: u32,
) -> DrawResult<String> {
    if area.estimate_text_size(text, style)?.0 <= max_width {
        return Ok(text.to_string());
    }
    let chars: Vec<char> = text.chars().collect();
    let mut n = chars.len();
    while n > 0 {
        n -= 1;
        let candidate: String = chars[..n].iter().collect::<String>().trim_end().to_string() + "…";
        if area.estimate_text_size(&candidate, style)?.0 <= max_width {
            return Ok(candidate);
        }
    }
    Ok(String::new())
}

/// Draw the title (and an optional subtitle) at the top of `root`; returns the height used.
pub(crate) fn draw_title<DB: Backend>(
    root: &DrawingArea<DB, Shift>,
    s: Scale,
    title: &str,
    subtitle: &str,
) -> DrawResult<i32> {
    let (w, _) = root.dim_in_pixel();
    let max = w.saturating_sub(s.upx(32.0));
    let style = s.bold(20.0);
    let title = fit_text(root, title, &style, max)?;
    root.draw(&Text::new(title, (s.px(16.0), s.px(12.0)), style))?;
    let mut used = s.px(42.0);
    if !subtitle.is_empty() {
        let style = s.muted(14.0);
        let subtitle = fit_text(root, subtitle, &style, max)?;
        root.draw(&Text::new(subtitle, (s.px(16.0), s.px(40.0)), style))?;
        used = s.px(64.0);
    }
    Ok(used)
}

/// A centred grey message, for plots with nothing to show.
pub(crate) fn draw_message<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    message: &str,
) -> DrawResult {
    let (w, h) = area.dim_in_pixel();
    let style = s.muted(18.0).pos(Pos::new(HPos::Center, VPos::Center));
    area.draw(&Text::new(
        message.to_string(),
        (w as i32 / 2, h as i32 / 2),
        style,
    ))?;
    Ok(())
}

/// What a legend entry shows before its text.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch {
    /// A filled square with an outline.
    Fill(RGBColor, f64),
    /// A solid line.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
    /// Two filled squares side by side (e.g. the two parties of one trial).
    Pair(RGBColor, RGBColor),
    /// A ring marker.
    Ring(RGBColor),
    /// A line in two colours taking turns: several series drawn as one shared line.
    Shared(RGBColor, RGBColor),
    /// No swatch: a heading or a note.
    None,
}

/// Draw a vertical legend with its top-left corner at `(x, y)` of `area`; returns the
/// height used. Text wider than `max_width` is shortened.
pub(crate) fn draw_legend<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    (x, y): (i32, i32),
    max_width: u32,
    entries: &[(Swatch, String)],
) -> DrawResult<i32> {
    let line = s.px(22.0);
    let sw = s.px(22.0);
    let mut top = y;
    for (swatch, text) in entries {
        let mid = top + line / 2;
        let x0 = x;
        let x1 = x + sw;
        match *swatch {
            Swatch::Fill(c, alpha) => {
                let r = [(x0, mid - s.px(6.0)), (x1, mid + s.px(6.0))];
                area.draw(&Rectangle::new(r, c.mix(alpha).filled()))?;
                area.draw(&Rectangle::new(r, c.stroke_width(s.upx(1.5))))?;
            }
            Swatch::Line(c) => {
                area.draw(&PathElement::new(
                    vec![(x0, mid), (x1, mid)],
                    c.stroke_width(s.upx(2.5)),
                ))?;
            }
            Swatch::Dashed(c) => {
                area.draw(&DashedPathElement::new(
                    vec![(x0, mid), (x1, mid)],
                    s.px(5.0),
                    s.px(3.0),
                    c.stroke_width(s.upx(2.0)),
                ))?;
            }
            Swatch::Pair(a, b) => {
                let half = sw / 2;
                let (t, bt) = (mid - s.px(6.0), mid + s.px(6.0));
                area.draw(&Rectangle::new([(x0, t), (x0 + half - 1, bt)], a.filled()))?;
                area.draw(&Rectangle::new([(x0 + half + 1, t), (x1, bt)], b.filled()))?;
            }
            Swatch::Shared(a, b) => {
                draw_shared_line(
                    area,
                    &[(x0, mid), (x1, mid)],
                    &[a, b],
                    s.px(5.5),
                    s.upx(2.5),
                )?;
            }
            Swatch::Ring(c) => {
                area.draw(&Circle::new(
                    (x0 + sw / 2, mid),
                    s.px(6.0),
                    c.stroke_width(s.upx(2.5)),
                ))?;
            }
            Swatch::None => {}
        }
        let (tx, style) = match swatch {
            Swatch::None => (x, s.muted(14.0)),
            _ => (x1 + s.px(8.0), s.text(14.0)),
        };
        let avail = max_width.saturating_sub((tx - x).max(0) as u32);
        let style = style.pos(Pos::new(HPos::Left, VPos::Center));
        // A text with line breaks takes one legend line per line of text.
        for (k, part) in text.split('\n').enumerate() {
            let part = fit_text(area, part, &style, avail)?;
            area.draw(&Text::new(part, (tx, mid + line * k as i32), style.clone()))?;
            top += line;
        }
    }
    Ok(top - y)
}

/// The legend text of series drawn as one shared line: the names, two to a line, and
/// "(same curve)" when there are several.
pub(crate) fn shared_label(names: &[&str]) -> String {
    if names.len() <= 1 {
        return names.concat();
    }
    let lines: Vec<String> = names.chunks(2).map(|c| c.join(", ")).collect();
    format!("{} (same curve)", lines.join(",\n"))
}

/// Draw the polyline `points` (pixel coordinates of `area`) with `colors` taking turns,
/// one dash of `dash` pixels each, so that series that coincide stay visible as one
/// line in all their colours. One colour draws a solid line.
pub(crate) fn draw_shared_line<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    points: &[(i32, i32)],
    colors: &[RGBColor],
    dash: i32,
    width: u32,
) -> DrawResult {
    if colors.len() <= 1 {
        let c = colors.first().copied().unwrap_or(INK);
        area.draw(&PathElement::new(points.to_vec(), c.stroke_width(width)))?;
        return Ok(());
    }
    let dash = f64::from(dash.max(1));
    let mut t0 = 0.0;
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let (dx, dy) = (f64::from(b.0 - a.0), f64::from(b.1 - a.1));
        let len = dx.hypot(dy);
        if len == 0.0 {
            continue;
        }
        let at = |t: f64| {
            let f = (t - t0) / len;
            (a.0 + (dx * f).round() as i32, a.1 + (dy * f).round() as i32)
        };
        let mut j = (t0 / dash).floor();
        while j * dash < t0 + len {
            let (p, q) = ((j * dash).max(t0), ((j + 1.0) * dash).min(t0 + len));
            let c = colors[(j as usize) % colors.len()];
            area.draw(&PathElement::new(vec![at(p), at(q)], c.stroke_width(width)))?;
            j += 1.0;
        }
        t0 += len;
    }
    Ok(())
}

/// The style of the axes and labels of every chart.
pub(crate) fn axis_color() -> ShapeStyle {
    INK.mix(0.8).stroke_width(1)
}

/// The mesh every chart starts from: grid lines only at the labelled ticks, in the light
/// grid colour, and muted axes. Callers add which grid lines to hide, tick counts,
/// formatters, label sizes and axis titles, then `draw()`.
pub(crate) fn house_mesh<'a, 'b, DB, XT, YT, X, Y>(
    chart: &'b mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    s: Scale,
) -> MeshStyle<'a, 'b, X, Y, DB>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = XT> + ValueFormatter<XT>,
    Y: Ranged<ValueType = YT> + ValueFormatter<YT>,
{
    let mut mesh = chart.configure_mesh();
    mesh.bold_line_style(GRID.stroke_width(s.upx(1.0)))
        .max_light_lines(0)
        .axis_style(axis_color());
    mesh
}
