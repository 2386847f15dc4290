//! Image quality metrics: PSNR and SSIM on 8-bit RGB images.

use image::{ImageBuffer, Luma, RgbImage};
use imageproc::filter::separable_filter_equal;

type Plane = ImageBuffer<Luma<f32>, Vec<f32>>;

/// Peak signal-to-noise ratio in dB over all RGB values (infinite for identical images).
pub fn psnr(a: &RgbImage, b: &RgbImage) -> f64 {
    let se: f64 = a.as_raw().iter().zip(b.as_raw()).map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2)).sum();
    let mse = se / a.as_raw().len() as f64;
    if mse == 0.0 { f64::INFINITY } else { 10.0 * (255.0f64 * 255.0 / mse).log10() }
}

fn plane(image: &RgbImage, channel: usize) -> Plane {
    ImageBuffer::from_fn(image.width(), image.height(), |x, y| Luma([f32::from(image.get_pixel(x, y)[channel])]))
}

fn product(a: &Plane, b: &Plane) -> Plane {
    ImageBuffer::from_fn(a.width(), a.height(), |x, y| Luma([a.get_pixel(x, y)[0] * b.get_pixel(x, y)[0]]))
}

/// The normalised 11-tap Gaussian of σ = 1.5 that SSIM windows with (Wang et al. 2004).
/// imageproc's `gaussian_blur_f32` would cut it at 2σ (7 taps).
fn ssim_window() -> Vec<f32> {
    const SIGMA: f32 = 1.5;
    let taps: Vec<f32> = (-5i32..=5).map(|d| (-((d * d) as f32) / (2.0 * SIGMA * SIGMA)).exp()).collect();
    let sum: f32 = taps.iter().sum();
    taps.iter().map(|t| t / sum).collect()
}

/// Structural similarity (Wang et al. 2004: 11×11 Gaussian window of σ = 1.5, edges
/// repeated, K1 = 0.01, K2 = 0.03), averaged over pixels and the three channels.
pub fn ssim(a: &RgbImage, b: &RgbImage) -> f64 {
    let window = ssim_window();
    let blur = |p: &Plane| separable_filter_equal(p, &window);
    let (c1, c2) = ((0.01f32 * 255.0).powi(2), (0.03f32 * 255.0).powi(2));
    let mut total = 0.0f64;
    for channel in 0..3 {
        let (x, y) = (plane(a, channel), plane(b, channel));
        let (mx, my) = (blur(&x), blur(&y));
        let (xx, yy, xy) = (blur(&product(&x, &x)), blur(&product(&y, &y)), blur(&product(&x, &y)));
        let mut sum = 0.0f64;
        for ((((mx, my), xx), yy), xy) in mx.iter().zip(my.iter()).zip(xx.iter()).zip(yy.iter()).zip(xy.iter()) {
            let (vx, vy, cov) = (xx - mx * mx, yy - my * my, xy - mx * my);
            let s = ((2.0 * mx * my + c1) * (2.0 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
            sum += f64::from(s);
        }
        total += sum / mx.len() as f64;
    }
    total / 3.0
}

/// Grey level of every pixel (ITU-R 601 weights), row-major.
pub(crate) fn grey(image: &RgbImage) -> Vec<f64> {
    image.pixels().map(|p| 0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2])).collect()
}

/// Mean |Laplacian| of the grey image (4-neighbour kernel, interior pixels): how much fine
/// detail an image holds. Detail of an output is this over the same of its ground truth.
pub fn laplacian_energy(image: &RgbImage) -> f64 {
    let (w, h) = (image.width() as usize, image.height() as usize);
    if w < 3 || h < 3 {
        return 0.0;
    }
    let g = grey(image);
    let mut sum = 0.0;
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let i = y * w + x;
            sum += (g[i - 1] + g[i + 1] + g[i - w] + g[i + w] - 4.0 * g[i]).abs();
        }
    }
    sum / ((w - 2) * (h - 2)) as f64
}

/// Mean absolute difference over all RGB values.
pub fn mean_abs_diff(a: &RgbImage, b: &RgbImage) -> f64 {
    let total: f64 = a.as_raw().iter().zip(b.as_raw()).map(|(&x, &y)| (f64::from(x) - f64::from(y)).abs()).sum();
    total / a.as_raw().len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use image::Rgb;

    use super::*;

    fn pattern(w: u32, h: u32, seed: u32) -> RgbImage {
        // A deterministic mix of smooth gradients and hashed noise.
        RgbImage::from_fn(w, h, |x, y| {
            let hash = (x.wrapping_mul(73_856_093) ^ y.wrapping_mul(19_349_663) ^ seed.wrapping_mul(83_492_791)) % 97;
            Rgb([(x * 9 + hash) as u8, (y * 11 + 2 * hash) as u8, ((x + y) * 5 + hash / 2) as u8])
        })
    }

    /// SSIM written out from its definition: at every pixel, means, variances and covariance
    /// under the normalised 11×11 Gaussian window of σ = 1.5, edges repeated.
    fn ssim_by_definition(a: &RgbImage, b: &RgbImage) -> f64 {
        let (w, h) = (a.width() as i64, a.height() as i64);
        let radius = 5i64;
        let (c1, c2) = ((0.01 * 255.0f64).powi(2), (0.03 * 255.0f64).powi(2));
        let g: Vec<f64> = (-radius..=radius).map(|d| (-(d * d) as f64 / (2.0 * 1.5 * 1.5)).exp()).collect();
        let norm: f64 = g.iter().sum::<f64>().powi(2);
        let mut total = 0.0;
        for c in 0..3 {
            for y in 0..h {
                for x in 0..w {
                    let (mut mx, mut my, mut xx, mut yy, mut xy) = (0.0, 0.0, 0.0, 0.0, 0.0);
                    for dy in -radius..=radius {
                        for dx in -radius..=radius {
                            let weight = g[(dy + radius) as usize] * g[(dx + radius) as usize] / norm;
                            let (px, py) = ((x + dx).clamp(0, w - 1) as u32, (y + dy).clamp(0, h - 1) as u32);
                            let (u, v) = (f64::from(a.get_pixel(px, py)[c]), f64::from(b.get_pixel(px, py)[c]));
                            mx += weight * u;
                            my += weight * v;
                            xx += weight * u * u;
                            yy += weight * v * v;
                            xy += weight * u * v;
                        }
                    }
                    let (vx, vy, cov) = (xx - mx * mx, yy - my * my, xy - mx * my);
                    total += ((2.0 * mx * my + c1) * (2.0 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
                }
            }
        }
        total / (3 * w * h) as f64
    }

    #[test]
    fn ssim_of_flat_images_is_the_luminance_term() {
        // Variances and covariance vanish, so SSIM = (2·μx·μy + C1) / (μx² + μy² + C1).
        let (a, b) = (RgbImage::from_pixel(20, 16, Rgb([100; 3])), RgbImage::from_pixel(20, 16, Rgb([150; 3])));
        let c1 = (0.01 * 255.0f64).powi(2);
        let expected = (2.0 * 100.0 * 150.0 + c1) / (100.0f64.powi(2) + 150.0f64.powi(2) + c1);
        // f32 moments: E[xy] − μx·μy cancels to about 1e-3 of 255², hence 1e-4.
        assert!((ssim(&a, &b) - expected).abs() < 1e-4, "{} vs {expected}", ssim(&a, &b));
        assert!((ssim(&a, &a) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn ssim_of_an_inverted_checkerboard_is_near_minus_one() {
        let board = RgbImage::from_fn(32, 32, |x, y| Rgb([if (x + y) % 2 == 0 { 0 } else { 255 }; 3]));
        let inverted = RgbImage::from_fn(32, 32, |x, y| {
            let p = board.get_pixel(x, y)[0];
            Rgb([255 - p; 3])
        });
        let s = ssim(&board, &inverted);
        assert!((-1.0..-0.98).contains(&s), "{s}");
    }

    #[test]
    fn ssim_matches_its_definition_on_textured_images() {
        for seed in 0..3 {
            let (a, b) = (pattern(24, 18, seed), pattern(24, 18, seed + 10));
            let (fast, reference) = (ssim(&a, &b), ssim_by_definition(&a, &b));
            assert!((fast - reference).abs() < 1e-4, "seed {seed}: {fast} vs {reference}");
            assert!(fast < 0.9, "different images score {fast}");
        }
    }

    #[test]
    fn psnr_follows_the_mean_squared_error() {
        let a = RgbImage::from_pixel(8, 8, Rgb([10; 3]));
        let b = RgbImage::from_pixel(8, 8, Rgb([20; 3]));
        // MSE 100: 10·log10(255² / 100).
        assert!((psnr(&a, &b) - 10.0 * (255.0f64 * 255.0 / 100.0).log10()).abs() < 1e-9);
        assert_eq!(psnr(&a, &a), f64::INFINITY);
    }
}
