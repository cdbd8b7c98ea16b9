//! The briefing style shared by every plot: fonts, colours, sizes and number formats.

use std::io;
use std::sync::OnceLock;

use bargain_core::{Model, OutcomeKind};
use plotters::style::{FontStyle, IntoFont, RGBColor, TextStyle};

/// The font family every plot uses (DejaVu Sans, registered from embedded bytes).
pub(crate) const FONT: &str = "sans-serif";

/// Register the embedded DejaVu fonts once, so text renders without system font libraries.
pub(crate) fn ensure_fonts() -> io::Result<()> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            let fonts = [
                (FontStyle::Normal, dejavu::sans::regular()),
                (FontStyle::Bold, dejavu::sans::bold()),
                (FontStyle::Italic, dejavu::sans::oblique()),
            ];
            for (style, bytes) in fonts {
                plotters::style::register_font(FONT, style, bytes)
                    .map_err(|_| format!("cannot load the embedded {} font", style.as_str()))?;
            }
            Ok(())
        })
        .clone()
        .map_err(io::Error::other)
}

/// Near-black used for text and axes.
pub(crate) const INK: RGBColor = RGBColor(34, 34, 34);
/// Grey for secondary text.
pub(crate) const MUTED: RGBColor = RGBColor(110, 110, 110);
/// Light grey for grid lines.
pub(crate) const GRID: RGBColor = RGBColor(225, 225, 225);
/// Fill of the zone of agreement.
pub(crate) const ZONE: RGBColor = RGBColor(226, 240, 217);
/// Colour of the payee's offers in the dance plot.
pub(crate) const PAYEE: RGBColor = RGBColor(0, 114, 178);
/// Colour of the payer's offers in the dance plot.
pub(crate) const PAYER: RGBColor = RGBColor(213, 94, 0);

/// A model's colour: Okabe–Ito (distinguishable with colour-blindness; `attrition` takes
/// Dark2's purple, as black marks the calendar's end). The match is
/// exhaustive, so a new [`Model`] does not build until it has a colour.
pub(crate) fn color_of_model(model: Model) -> RGBColor {
    match model {
        Model::Agents => RGBColor(0, 114, 178),           // blue
        Model::Rubinstein => RGBColor(213, 94, 0),        // vermillion
        Model::Stahl => RGBColor(0, 158, 115),            // bluish green
        Model::Nash => RGBColor(204, 121, 167),           // reddish purple
        Model::KalaiSmorodinsky => RGBColor(230, 159, 0), // orange
        Model::Brw => RGBColor(86, 180, 233),             // sky blue
        Model::Attrition => RGBColor(117, 112, 179),      // slate purple (Dark2)
    }
}

/// The colour of a name that is no model (a report from a newer version).
const OTHER_MODEL: RGBColor = RGBColor(120, 120, 120);

/// The colour of a model by its report name, stable across plots and runs.
pub(crate) fn model_color(name: &str) -> RGBColor {
    Model::from_name(name).map_or(OTHER_MODEL, color_of_model)
}

/// An outcome kind's colour; exhaustive like [`color_of_model`].
pub(crate) fn color_of_kind(kind: OutcomeKind) -> RGBColor {
    match kind {
        OutcomeKind::Deal => RGBColor(77, 146, 33),
        OutcomeKind::Deadline => RGBColor(170, 170, 170),
        OutcomeKind::Breakdown => RGBColor(178, 24, 43),
        OutcomeKind::NotRatified => RGBColor(244, 165, 130),
        OutcomeKind::NoZone => RGBColor(118, 42, 131),
    }
}

/// The colour of a name that is no outcome kind.
const OTHER_KIND: RGBColor = RGBColor(90, 90, 90);

/// The colour of an outcome kind by its report name.
pub(crate) fn kind_color(kind: &str) -> RGBColor {
    OutcomeKind::ALL
        .into_iter()
        .find(|k| k.as_str() == kind)
        .map_or(OTHER_KIND, color_of_kind)
}

/// A colour mixed towards white by `t` (0: unchanged, 1: white).
pub(crate) fn lighten(c: RGBColor, t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let mix = |v: u8| (f64::from(v) + (255.0 - f64::from(v)) * t).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// A colour mixed towards black by `t` (for text in a model's colour on white).
pub(crate) fn darken(c: RGBColor, t: f64) -> RGBColor {
    let k = 1.0 - t.clamp(0.0, 1.0);
    let mix = |v: u8| (f64::from(v) * k).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// Pixel scaling of one rendering (1 for SVG, [`super::PNG_SCALE`] for PNG).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scale(pub(crate) f64);

impl Scale {
    /// `v` design pixels in backend pixels.
    pub(crate) fn px(self, v: f64) -> i32 {
        (v * self.0).round() as i32
    }

    /// `v` design pixels in backend pixels, unsigned.
    pub(crate) fn upx(self, v: f64) -> u32 {
        (v * self.0).round().max(0.0) as u32
    }

    /// Regular text of `size` design pixels.
    pub(crate) fn text(self, size: f64) -> TextStyle<'static> {
        (FONT, size * self.0).into_font().color(&INK)
    }

    /// Bold text of `size` design pixels.
    pub(crate) fn bold(self, size: f64) -> TextStyle<'static> {
        (FONT, size * self.0, FontStyle::Bold)
            .into_font()
            .color(&INK)
    }

    /// Secondary (grey) text of `size` design pixels.
    pub(crate) fn muted(self, size: f64) -> TextStyle<'static> {
        (FONT, size * self.0).into_font().color(&MUTED)
    }
}

/// `x` with `digits` significant digits, without trailing zeros (`1.0389` → `1.04`).
pub(crate) fn sig(x: f64, digits: u32) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let magnitude = x.abs().log10().floor() as i32;
    if !(-4..9).contains(&magnitude) {
        let s = format!("{:.*e}", (digits.max(1) - 1) as usize, x);
        return trim_exp(&s);
    }
    let decimals = (digits as i32 - 1 - magnitude).max(0) as usize;
    let s = format!("{x:.decimals$}");
    trim_zeros(&s)
}

fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

fn trim_exp(s: &str) -> String {
    match s.split_once('e') {
        Some((m, e)) => format!("{}e{e}", trim_zeros(m)),
        None => s.to_string(),
    }
}

/// A share (0–1) as a percentage with sensible precision (`0.623` → `62.3%`).
pub(crate) fn pct(x: f64) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    let p = x * 100.0;
    if p == 0.0 || p == 100.0 {
        format!("{p:.0}%")
    } else if p.abs() < 1.0 {
        format!("{p:.2}%")
    } else {
        format!("{p:.1}%")
    }
}

/// A tick formatter for an axis spanning `lo..hi`: the same number of decimals on every
/// tick, enough to tell ticks apart (about 3 significant digits).
pub(crate) fn tick_format(lo: f64, hi: f64) -> impl Fn(&f64) -> String {
    let span = (hi - lo).abs();
    let decimals = if span > 0.0 && span.is_finite() {
        (-(span / 8.0).log10().floor()).clamp(0.0, 10.0) as usize
    } else {
        3
    };
    let big = lo.abs().max(hi.abs()) >= 1e7;
    move |v: &f64| {
        if big {
            sig(*v, 3)
        } else {
            let v = if v.abs() < 1e-12 { 0.0 } else { *v };
            format!("{v:.decimals$}")
        }
    }
}

/// Tick labels for an axis of whole numbers (rounds): ticks between them stay blank.
pub(crate) fn integer_ticks(v: &f64) -> String {
    if (v - v.round()).abs() < 1e-6 && *v >= 0.0 {
        format!("{v:.0}")
    } else {
        String::new()
    }
}

/// A percentage tick formatter for shares on an axis whose top is `hi`.
pub(crate) fn pct_tick_format(hi: f64) -> impl Fn(&f64) -> String {
    // About six ticks: enough decimals to resolve a sixth of the axis.
    let step = hi * 100.0 / 6.0;
    let decimals = if step.is_finite() && step > 0.0 {
        (-step.log10().floor()).clamp(0.0, 4.0) as usize
    } else {
        0
    };
    move |v: &f64| format!("{:.*}%", decimals, v * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each item's colour differs from the fallback and from every other item's.
    fn own_colours<T: std::fmt::Debug>(
        items: &[T],
        colour: impl Fn(&T) -> RGBColor,
        other: RGBColor,
    ) {
        let rgb = |c: RGBColor| (c.0, c.1, c.2);
        let seen: Vec<_> = items.iter().map(|x| rgb(colour(x))).collect();
        for (i, c) in seen.iter().enumerate() {
            assert_ne!(*c, rgb(other), "{:?} has the fallback colour", items[i]);
            assert!(!seen[..i].contains(c), "{:?} shares a colour", items[i]);
        }
    }

    #[test]
    fn every_model_and_outcome_kind_has_its_own_colour() {
        own_colours(&Model::ALL, |m| model_color(m.as_str()), OTHER_MODEL);
        own_colours(&OutcomeKind::ALL, |k| kind_color(k.as_str()), OTHER_KIND);
        let rgb = |c: RGBColor| (c.0, c.1, c.2);
        assert_eq!(rgb(model_color("no-such-model")), rgb(OTHER_MODEL));
        assert_eq!(rgb(kind_color("no-such-kind")), rgb(OTHER_KIND));
    }

    #[test]
    fn the_colour_check_fails_on_a_shared_colour() {
        let shared = std::panic::catch_unwind(|| {
            own_colours(&[1, 2], |_| RGBColor(1, 2, 3), OTHER_MODEL);
        });
        assert!(shared.is_err());
        let fallback = std::panic::catch_unwind(|| {
            own_colours(&[1], |_| OTHER_MODEL, OTHER_MODEL);
        });
        assert!(fallback.is_err());
    }

    #[test]
    fn significant_digits() {
        assert_eq!(sig(1.0389, 3), "1.04");
        assert_eq!(sig(0.96, 3), "0.96");
        assert_eq!(sig(1400.0, 3), "1400");
        assert_eq!(sig(-0.012345, 3), "-0.0123");
        assert_eq!(sig(1.4e12, 3), "1.4e12");
        assert_eq!(sig(0.0, 3), "0");
        assert_eq!(sig(f64::NAN, 3), "–");
    }

    #[test]
    fn ticks_share_decimals() {
        let f = tick_format(0.9, 1.35);
        assert_eq!(f(&1.0), "1.00");
        assert_eq!(f(&1.05), "1.05");
        let g = tick_format(0.0, 200.0);
        assert_eq!(g(&50.0), "50");
    }

    #[test]
    fn percentages() {
        assert_eq!(pct(0.623), "62.3%");
        assert_eq!(pct(1.0), "100%");
        assert_eq!(pct(0.0), "0%");
        assert_eq!(pct(0.001), "0.10%");
    }
}
