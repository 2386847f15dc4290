//! Deterministic image filters that turn a photo into each training domain.
//!
//! Every domain is made from the same photo, so held-out photos give exact
//! ground truth for every translation direction.

use image::{GrayImage, Luma, Rgb, RgbImage};
use imageproc::filter::{gaussian_blur_f32, median_filter};
use imageproc::gradients::sobel_gradients;
use imageproc::map::{map_colors, map_subpixels};
use std::fmt;
use std::str::FromStr;

use crate::error::UfdnError;

/// A filter that renders a photo in one visual domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DomainFilter {
    /// The photo itself.
    Photo,
    /// Pencil sketch: greyscale colour-dodge of the inverted, blurred image.
    Sketch,
    /// Painterly: broad Kuwahara strokes (flat colour with crisp borders), vivid colour and
    /// soft dark contours along the strokes' borders.
    Paint,
    /// Cartoon: flat quantised colours with dark edge lines.
    Cartoon,
}

impl DomainFilter {
    /// All filters, in their canonical order.
    pub const ALL: [DomainFilter; 4] = [Self::Photo, Self::Sketch, Self::Paint, Self::Cartoon];

    /// The domain's folder name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Photo => "photo",
            Self::Sketch => "sketch",
            Self::Paint => "paint",
            Self::Cartoon => "cartoon",
        }
    }

    /// Renders `photo` in this domain; the output has the input's size.
    pub fn apply(self, photo: &RgbImage) -> RgbImage {
        match self {
            Self::Photo => photo.clone(),
            Self::Sketch => gray_to_rgb(&pencil_sketch(photo)),
            Self::Paint => paint(photo),
            Self::Cartoon => cartoon(photo),
        }
    }
}

impl fmt::Display for DomainFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DomainFilter {
    type Err = UfdnError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|f| f.name() == s).ok_or_else(|| {
            UfdnError::Input(format!("unknown domain filter '{s}': choose from photo, sketch, paint, cartoon"))
        })
    }
}

/// Quadrant side minus one of the paint filter's Kuwahara windows, in pixels.
const PAINT_RADIUS: u32 = 5;
/// Colour gain of the paint filter around each pixel's grey value.
const PAINT_SATURATION: f32 = 1.6;
/// Contrast of the paint filter, in `image::imageops::contrast`'s percent: a gain of
/// ((100 + c) / 100)² = 1.1 around mid-grey.
const PAINT_CONTRAST: f32 = 4.88;
/// Blur σ, in pixels, of the grey strokes whose gradient draws the paint's contours: it
/// widens a contour to about 3 px.
const CONTOUR_SIGMA: f32 = 2.0;
/// Sobel gradient magnitudes (imageproc's scale, 4× a grey-level step) where contours
/// start and reach full strength.
const CONTOUR_RAMP: (f32, f32) = (32.0, 160.0);
/// How much a full-strength contour darkens the colour under it.
const CONTOUR_DARKNESS: f32 = 0.35;
/// Blur σ of the pencil sketch, in pixels: fixed, so the filter is the same local operation
/// at every frame size (a network learns it once, from crops, and applies it to full frames).
const SKETCH_SIGMA: f32 = 4.0;

/// Grey levels added to both sides of the sketch's dodge division. Without them a
/// near-black area divides noise by noise, and came out black or white by chance: a dark
/// background is now light paper, as every other flat area is.
const SKETCH_FLOOR: f32 = 16.0;

/// Luma of an RGB image (ITU-R 601 weights, as `image` computes it).
fn luma(photo: &RgbImage) -> GrayImage {
    image::imageops::grayscale(photo)
}

/// Pencil sketch: colour-dodge the grey image with its blurred negative.
fn pencil_sketch(photo: &RgbImage) -> GrayImage {
    let gray = luma(photo);
    let mut inverted = gray.clone();
    image::imageops::invert(&mut inverted);
    let blurred = gaussian_blur_f32(&inverted, SKETCH_SIGMA);
    GrayImage::from_fn(gray.width(), gray.height(), |x, y| {
        let base = f32::from(gray.get_pixel(x, y)[0]) + SKETCH_FLOOR;
        let room = 255.0 - f32::from(blurred.get_pixel(x, y)[0]) + SKETCH_FLOOR;
        let dodged = (base * 255.0 / room).min(255.0);
        // A power curve deepens the faint dodge strokes into pencil lines.
        Luma([(255.0 * (dodged / 255.0).powi(3)).round() as u8])
    })
}

fn gray_to_rgb(gray: &GrayImage) -> RgbImage {
    RgbImage::from_fn(gray.width(), gray.height(), |x, y| {
        let v = gray.get_pixel(x, y)[0];
        Rgb([v, v, v])
    })
}

/// Snaps every channel to one of `levels` evenly spaced values.
fn quantise(image: &RgbImage, levels: u8) -> RgbImage {
    let step = 255.0 / f32::from(levels - 1);
    map_subpixels(image, |c: u8| ((f32::from(c) / step).round() * step).round() as u8)
}

/// Running sums of every channel and of the squared channels, with a zero first row and
/// column: the sum over any rectangle costs four look-ups.
struct Integrals {
    width: usize,
    /// Per pixel corner: sums of R, G, B and of R² + G² + B².
    sums: Vec<[f64; 4]>,
}

impl Integrals {
    fn new(image: &RgbImage) -> Self {
        let (w, h) = (image.width() as usize, image.height() as usize);
        let width = w + 1;
        let mut sums = vec![[0.0f64; 4]; width * (h + 1)];
        for y in 0..h {
            let mut row = [0.0f64; 4];
            for x in 0..w {
                let p = image.get_pixel(x as u32, y as u32).0.map(f64::from);
                let cell = [p[0], p[1], p[2], p[0] * p[0] + p[1] * p[1] + p[2] * p[2]];
                for (r, c) in row.iter_mut().zip(cell) {
                    *r += c;
                }
                let above = sums[y * width + x + 1];
                sums[(y + 1) * width + x + 1] = std::array::from_fn(|i| above[i] + row[i]);
            }
        }
        Self { width, sums }
    }

    /// Sums over pixels `x0..x1` × `y0..y1` (end exclusive).
    fn rect(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> [f64; 4] {
        let at = |x: usize, y: usize| self.sums[y * self.width + x];
        let (a, b, c, d) = (at(x1, y1), at(x0, y1), at(x1, y0), at(x0, y0));
        std::array::from_fn(|i| a[i] - b[i] - c[i] + d[i])
    }
}

/// Kuwahara filter: every pixel takes the mean colour of whichever of its four
/// (`radius` + 1)-square quadrant windows varies least, which flattens texture into strokes
/// while keeping edges sharp (windows are clipped at the border).
fn kuwahara(photo: &RgbImage, radius: u32) -> RgbImage {
    let sums = Integrals::new(photo);
    let (w, h, r) = (photo.width() as usize, photo.height() as usize, radius as usize);
    RgbImage::from_fn(photo.width(), photo.height(), |x, y| {
        let (x, y) = (x as usize, y as usize);
        let spans_x = [(x.saturating_sub(r), x + 1), (x, (x + r + 1).min(w))];
        let spans_y = [(y.saturating_sub(r), y + 1), (y, (y + r + 1).min(h))];
        let mut best = (f64::INFINITY, [0u8; 3]);
        for &(x0, x1) in &spans_x {
            for &(y0, y1) in &spans_y {
                let s = sums.rect(x0, y0, x1, y1);
                let n = ((x1 - x0) * (y1 - y0)) as f64;
                let mean = [s[0] / n, s[1] / n, s[2] / n];
                let variance = s[3] / n - mean.iter().map(|m| m * m).sum::<f64>();
                if variance < best.0 {
                    best = (variance, mean.map(|m| m.round().clamp(0.0, 255.0) as u8));
                }
            }
        }
        Rgb(best.1)
    })
}

/// The paint look: Kuwahara strokes, richer colour and contrast, then dark contours along
/// the strokes' borders (the photo's own edges, since Kuwahara keeps them).
fn paint(photo: &RgbImage) -> RgbImage {
    let strokes =
        image::imageops::contrast(&saturate(&kuwahara(photo, PAINT_RADIUS), PAINT_SATURATION), PAINT_CONTRAST);
    let gradient = sobel_gradients(&gaussian_blur_f32(&luma(&strokes), CONTOUR_SIGMA));
    let mut out = strokes;
    let (low, high) = CONTOUR_RAMP;
    for (pixel, magnitude) in out.pixels_mut().zip(gradient.pixels()) {
        let t = ((f32::from(magnitude[0]) - low) / (high - low)).clamp(0.0, 1.0);
        let shade = 1.0 - CONTOUR_DARKNESS * t * t * (3.0 - 2.0 * t);
        pixel.0 = pixel.0.map(|c| (f32::from(c) * shade).round() as u8);
    }
    out
}

/// Scales every pixel's colour away from its grey value by `gain`.
fn saturate(image: &RgbImage, gain: f32) -> RgbImage {
    map_colors(image, |Rgb(rgb)| {
        let [r, g, b] = rgb.map(f32::from);
        let grey = 0.299 * r + 0.587 * g + 0.114 * b;
        Rgb([r, g, b].map(|c| (grey + gain * (c - grey)).round().clamp(0.0, 255.0) as u8))
    })
}

/// Flat colours from a strong median plus quantisation, with Canny edges drawn dark.
fn cartoon(photo: &RgbImage) -> RgbImage {
    let mut flat = quantise(&median_filter(photo, 3, 3), 4);
    let edges = imageproc::edges::canny(&luma(photo), 40.0, 100.0);
    for (x, y, edge) in edges.enumerate_pixels() {
        if edge[0] > 0 {
            flat.put_pixel(x, y, Rgb([20, 20, 20]));
        }
    }
    flat
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Standard deviation of the red channel over columns `xs` of every row.
    fn spread(image: &RgbImage, xs: std::ops::Range<u32>) -> f64 {
        let values: Vec<f64> = xs
            .flat_map(|x| (0..image.height()).map(move |y| (x, y)))
            .map(|(x, y)| f64::from(image.get_pixel(x, y)[0]))
            .collect();
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64).sqrt()
    }

    #[test]
    fn kuwahara_smooths_noise_but_keeps_edges_sharp() {
        // A dark left half and a light right half, both with a fixed pseudo-random grain.
        let grain = |x: u32, y: u32| ((x * 7919 + y * 104_729) % 41) as i32 - 20;
        let photo = RgbImage::from_fn(32, 32, |x, y| {
            let base = if x < 16 { 60 } else { 190 };
            let v = (base + grain(x, y)).clamp(0, 255) as u8;
            Rgb([v, v, v])
        });
        let painted = kuwahara(&photo, PAINT_RADIUS);
        for half in [0..14, 18..32] {
            let (before, after) = (spread(&photo, half.clone()), spread(&painted, half));
            assert!(after < 0.5 * before, "grain {before:.1} -> {after:.1}");
        }
        let step = |image: &RgbImage| spread(image, 15..17);
        assert!(step(&painted) > 0.8 * step(&photo), "edge {:.1} -> {:.1}", step(&photo), step(&painted));
    }

    #[test]
    fn sketch_draws_a_black_background_as_paper_around_a_dark_contour() {
        let photo = RgbImage::from_fn(64, 64, |x, y| {
            let inside = (24..40).contains(&x) && (24..40).contains(&y);
            if inside { Rgb([230, 230, 230]) } else { Rgb([0, 0, 0]) }
        });
        let sketch = pencil_sketch(&photo);
        let (corner, near) = (sketch.get_pixel(2, 2)[0], sketch.get_pixel(21, 32)[0]);
        assert!(corner >= 180, "a black background is paper, not ink: {corner}");
        assert!(near < corner / 2, "the object's outline is dark: {near} against {corner}");
    }

    #[test]
    fn paint_draws_a_dark_contour_along_an_edge_and_none_on_flat_colour() {
        let photo = RgbImage::from_fn(32, 32, |x, _| if x < 16 { Rgb([60, 60, 60]) } else { Rgb([190, 190, 190]) });
        let painted = paint(&photo);
        let flat = f32::from(painted.get_pixel(2, 16)[0]);
        let gain = ((100.0 + PAINT_CONTRAST) / 100.0).powi(2);
        let expected = 127.5 + gain * (60.0 - 127.5);
        assert!((flat - expected).abs() <= 1.0, "flat dark half {flat}, expected {expected}");
        let darkest = (12..20).map(|x| f32::from(painted.get_pixel(x, 16)[0])).fold(f32::INFINITY, f32::min);
        assert!(darkest < 0.8 * flat, "contour {darkest} against flat {flat}");
    }
}
