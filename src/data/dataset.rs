//! Training data laid out as `ROOT/<domain>/*.{png,jpg}`, held in memory and
//! sampled as class-balanced batches.

use std::path::{Path, PathBuf};

use image::imageops::FilterType;
use rand::Rng;
use rand::rngs::StdRng;

use super::image_io::load_rgb;
use super::sources::walk_files;
use crate::error::{Result, UfdnError};
use crate::pixels::rgb_to_chw;

/// All images of every domain, as `[3, size, size]` planes in [-1, 1].
#[derive(Debug, Clone)]
pub struct DomainDataset {
    /// Domain names, in label order.
    pub domains: Vec<String>,
    /// Side in pixels of the stored images.
    pub size: usize,
    /// Side in pixels of the images a batch holds: random crops when below `size`.
    crop: usize,
    /// Per domain, the images as flattened `[3, size, size]` planes.
    images: Vec<Vec<Vec<f32>>>,
}

/// One batch: `images` is `[batch, 3, size, size]` flattened, `labels` the domain index of each.
#[derive(Debug, Clone)]
pub struct Batch {
    /// Pixels in [-1, 1], `[batch, 3, size, size]` row-major.
    pub images: Vec<f32>,
    /// Domain index of each image.
    pub labels: Vec<usize>,
    /// Image side in pixels.
    pub size: usize,
}

fn image_files(dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(walk_files(dir)?
        .into_iter()
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "png" | "jpg" | "jpeg"))
        })
        .collect())
}

/// The domain sub-folders of `root`, sorted by name.
pub fn discover_domains(root: &Path) -> Result<Vec<String>> {
    let entries = std::fs::read_dir(root).map_err(|e| UfdnError::io(root, e))?;
    let mut domains: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    domains.sort();
    Ok(domains)
}

impl DomainDataset {
    /// Loads `root/<domain>/` for each domain, resizing every image to `size`×`size`.
    pub fn load(root: &Path, domains: &[String], size: usize) -> Result<Self> {
        if domains.len() < 2 {
            return Err(UfdnError::Input(format!(
                "{}: need at least two domain folders (ROOT/<domain>/*.png), found {}",
                root.display(),
                domains.len()
            )));
        }
        let mut images = Vec::with_capacity(domains.len());
        for domain in domains {
            let dir = root.join(domain);
            let files = image_files(&dir)?;
            if files.is_empty() {
                return Err(UfdnError::Input(format!("{}: no .png or .jpg images", dir.display())));
            }
            let mut planes = Vec::with_capacity(files.len());
            for file in files {
                let mut rgb = load_rgb(&file)?;
                if rgb.width() as usize != size || rgb.height() as usize != size {
                    rgb = image::imageops::resize(&rgb, size as u32, size as u32, FilterType::Triangle);
                }
                planes.push(rgb_to_chw(&rgb));
            }
            images.push(planes);
        }
        Ok(Self { domains: domains.to_vec(), size, crop: size, images })
    }

    /// Makes batches hold random `crop`×`crop` windows of the stored images, which keeps
    /// their pixel scale instead of shrinking them to the training size.
    pub fn cropped_to(self, crop: usize) -> Result<Self> {
        if crop == 0 || crop > self.size {
            return Err(UfdnError::Input(format!(
                "training crops of {crop} px cannot come from images of {} px: crop_from must be at least image_size",
                self.size
            )));
        }
        Ok(Self { crop, ..self })
    }

    /// Number of images of domain `d`.
    pub fn len_of(&self, d: usize) -> usize {
        self.images[d].len()
    }

    /// Image `i` of domain `d` as a `[3, size, size]` plane.
    pub fn image(&self, d: usize, i: usize) -> &[f32] {
        &self.images[d][i]
    }

    /// A batch of `per_domain` random images from every domain (randomly cropped when the
    /// dataset crops, randomly mirrored), ordered domain by domain.
    pub fn sample(&self, per_domain: usize, rng: &mut StdRng) -> Batch {
        let (side, crop) = (self.size, self.crop);
        let mut images = Vec::with_capacity(self.domains.len() * per_domain * 3 * crop * crop);
        let mut labels = Vec::with_capacity(self.domains.len() * per_domain);
        for (d, domain_images) in self.images.iter().enumerate() {
            for _ in 0..per_domain {
                let src = &domain_images[rng.random_range(0..domain_images.len())];
                let (x0, y0) = if crop < side {
                    (rng.random_range(0..=side - crop), rng.random_range(0..=side - crop))
                } else {
                    (0, 0)
                };
                let mirror = rng.random_bool(0.5);
                // [3, side, side] -> the rows of the [3, crop, crop] window
                for (c, y) in (0..3).flat_map(|c| (y0..y0 + crop).map(move |y| (c, y))) {
                    let start = (c * side + y) * side + x0;
                    let row = &src[start..start + crop];
                    if mirror {
                        images.extend(row.iter().rev());
                    } else {
                        images.extend_from_slice(row);
                    }
                }
                labels.push(d);
            }
        }
        Batch { images, labels, size: crop }
    }
}
