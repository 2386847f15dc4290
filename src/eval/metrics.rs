//! Image quality metrics: PSNR and SSIM on 8-bit RGB images.

use image::{ImageBuffer, Luma, RgbImage};
use imageproc::filter::gaussian_blur_f32;

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

/// Structural similarity (Wang et al. 2004: Gaussian window σ = 1.5, K1 = 0.01, K2 = 0.03),
/// averaged over pixels and the three channels.
pub fn ssim(a: &RgbImage, b: &RgbImage) -> f64 {
    const SIGMA: f32 = 1.5;
    let (c1, c2) = ((0.01f32 * 255.0).powi(2), (0.03f32 * 255.0).powi(2));
    let mut total = 0.0f64;
    for channel in 0..3 {
        let (x, y) = (plane(a, channel), plane(b, channel));
        let (mx, my) = (gaussian_blur_f32(&x, SIGMA), gaussian_blur_f32(&y, SIGMA));
        let (xx, yy, xy) = (
            gaussian_blur_f32(&product(&x, &x), SIGMA),
            gaussian_blur_f32(&product(&y, &y), SIGMA),
            gaussian_blur_f32(&product(&x, &y), SIGMA),
        );
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
