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
        for ((((mx, my), xx), yy), xy) in
            mx.iter().zip(my.iter()).zip(xx.iter()).zip(yy.iter()).zip(xy.iter())
        {
            let (vx, vy, cov) = (xx - mx * mx, yy - my * my, xy - mx * my);
            let s = ((2.0 * mx * my + c1) * (2.0 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
            sum += f64::from(s);
        }
        total += sum / mx.len() as f64;
    }
    total / 3.0
}
