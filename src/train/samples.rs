//! Sample grids: a row per input image, the input then one column per target domain.

use image::RgbImage;

use crate::data::dataset::DomainDataset;
use crate::domain::DomainMix;
use crate::error::Result;
use crate::frame::translate_frame;
use crate::model::Model;
use crate::pixels::chw_to_rgb;

/// Pixels between grid cells.
const GAP: u32 = 2;

/// Input images for the grid: the first `per_domain` images of every domain of `data`,
/// as `[rows, 3, size, size]` planes.
pub fn sample_inputs(data: &DomainDataset, per_domain: usize) -> (Vec<f32>, usize) {
    let mut planes = Vec::new();
    let mut rows = 0;
    for d in 0..data.domains.len() {
        for i in 0..per_domain.min(data.len_of(d)) {
            planes.extend_from_slice(data.image(d, i));
            rows += 1;
        }
    }
    (planes, rows)
}

/// Translates `inputs` (`[rows, 3, size, size]`) into every domain, each image as a frame
/// the way `ufdn translate` and the page do it (mirrored margin included), and lays the
/// results out as a grid image.
pub fn sample_grid(model: &Model, inputs: &[f32], rows: usize, size: usize) -> Result<RgbImage> {
    let n = model.domains().len();
    let cell = size as u32 + GAP;
    let mut grid = RgbImage::from_pixel(cell * (n as u32 + 1), cell * rows as u32, image::Rgb([255, 255, 255]));
    let plane = 3 * size * size;
    for (r, values) in inputs.chunks_exact(plane).take(rows).enumerate() {
        let y = i64::from(cell) * r as i64;
        let input = chw_to_rgb(values, size, size);
        image::imageops::replace(&mut grid, &input, 0, y);
        for d in 0..n {
            let output = translate_frame(model, &input, &DomainMix::one_hot(d, n))?;
            image::imageops::replace(&mut grid, &output, i64::from(cell) * (d as i64 + 1), y);
        }
    }
    Ok(grid)
}
