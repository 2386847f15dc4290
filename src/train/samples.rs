//! Sample grids: a row per input image, the input then one column per target domain.

use burn::tensor::{Tensor, TensorData};
use image::RgbImage;

use crate::data::dataset::DomainDataset;
use crate::domain::DomainMix;
use crate::error::Result;
use crate::frame::readback;
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

/// Translates `inputs` (`[rows, 3, size, size]`) into every domain and lays the results out
/// as a grid image.
pub fn sample_grid(model: &Model, inputs: &[f32], rows: usize, size: usize) -> Result<RgbImage> {
    let device = model.device();
    let images = Tensor::<4>::from_data(TensorData::new(inputs.to_vec(), [rows, 3, size, size]), device);
    let n = model.domains().len();
    let mut columns: Vec<Vec<f32>> = Vec::with_capacity(n);
    for d in 0..n {
        let out = model.translate(images.clone(), &DomainMix::one_hot(d, n))?;
        columns.push(readback(out)?);
    }
    let cell = size as u32 + GAP;
    let mut grid = RgbImage::from_pixel(cell * (n as u32 + 1), cell * rows as u32, image::Rgb([255, 255, 255]));
    let plane = 3 * size * size;
    for r in 0..rows {
        let y = i64::from(cell) * r as i64;
        let cells = std::iter::once(inputs).chain(columns.iter().map(Vec::as_slice));
        for (c, values) in cells.enumerate() {
            let image = chw_to_rgb(&values[r * plane..(r + 1) * plane], size, size);
            image::imageops::replace(&mut grid, &image, i64::from(cell) * c as i64, y);
        }
    }
    Ok(grid)
}
