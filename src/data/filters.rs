//! Deterministic image filters that turn a photo into each training domain.
//!
//! Every domain is made from the same photo, so held-out photos give exact
//! ground truth for every translation direction.

use image::{GrayImage, Luma, Rgb, RgbImage};
use imageproc::filter::{gaussian_blur_f32, median_filter};
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
    /// Painterly: median smoothing followed by colour quantisation.
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
            Self::Paint => quantise(&median_filter(photo, 2, 2), 5),
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
            UfdnError::Input(format!(
                "unknown domain filter '{s}': choose from photo, sketch, paint, cartoon"
            ))
        })
    }
}

/// Luma of an RGB image (ITU-R 601 weights, as `image` computes it).
fn luma(photo: &RgbImage) -> GrayImage {
    image::imageops::grayscale(photo)
}

/// Pencil sketch: colour-dodge the grey image with its blurred negative.
fn pencil_sketch(photo: &RgbImage) -> GrayImage {
    let gray = luma(photo);
    let mut inverted = gray.clone();
    image::imageops::invert(&mut inverted);
    // Blur radius scales with the image so sketches look alike at every size.
    let sigma = (gray.width().min(gray.height()) as f32 / 32.0).max(1.0);
    let blurred = gaussian_blur_f32(&inverted, sigma);
    GrayImage::from_fn(gray.width(), gray.height(), |x, y| {
        let base = gray.get_pixel(x, y)[0] as f32;
        let blend = blurred.get_pixel(x, y)[0] as f32;
        let dodged = if blend >= 255.0 { 255.0 } else { (base * 255.0 / (255.0 - blend)).min(255.0) };
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
    let mut out = image.clone();
    for pixel in out.pixels_mut() {
        for c in pixel.0.iter_mut() {
            *c = ((f32::from(*c) / step).round() * step).round() as u8;
        }
    }
    out
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
