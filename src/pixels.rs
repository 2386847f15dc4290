//! Conversion between 8-bit RGB images and float planes in [-1, 1].

use image::{Rgb, RgbImage};

/// RGB image → `[3, height, width]` planes in [-1, 1], row-major.
pub fn rgb_to_chw(image: &RgbImage) -> Vec<f32> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let mut out = vec![0.0; 3 * w * h];
    for (x, y, p) in image.enumerate_pixels() {
        for c in 0..3 {
            out[c * w * h + y as usize * w + x as usize] = f32::from(p[c]) / 127.5 - 1.0;
        }
    }
    out
}

/// `[3, height, width]` planes in [-1, 1] → RGB image (values are clamped).
pub fn chw_to_rgb(planes: &[f32], width: usize, height: usize) -> RgbImage {
    let to_u8 = |v: f32| ((v.clamp(-1.0, 1.0) + 1.0) * 127.5).round() as u8;
    let plane = width * height;
    RgbImage::from_fn(width as u32, height as u32, |x, y| {
        let i = y as usize * width + x as usize;
        Rgb([to_u8(planes[i]), to_u8(planes[plane + i]), to_u8(planes[2 * plane + i])])
    })
}
