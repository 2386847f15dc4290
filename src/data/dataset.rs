//! Training data laid out as `ROOT/<domain>/*.{png,jpg}`, held in memory and
//! sampled as class-balanced batches.

use std::path::{Path, PathBuf};

use burn::tensor::{Device, Tensor, TensorData};
use image::imageops::FilterType;
use rand::Rng;
use rand::rngs::StdRng;

use super::image_io::{is_image, load_rgb};
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
    /// Contents present in every domain: per content, its image index in each domain.
    pairs: Vec<Vec<usize>>,
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
    /// Whether image `i` of every domain shows the same content (same file name, same
    /// window): the batch is then `domains × per_domain` images, domain by domain.
    pub paired: bool,
}

impl Batch {
    /// The images as a tensor `[batch, 3, size, size]` on `device`.
    pub fn to_tensor(&self, device: &Device) -> Tensor<4> {
        let shape = [self.labels.len(), 3, self.size, self.size];
        Tensor::from_data(TensorData::new(self.images.clone(), shape), device)
    }
}

fn image_files(dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(walk_files(dir)?.into_iter().filter(|p| is_image(&p.to_string_lossy())).collect())
}

/// The folder to train on: `path` itself (`ROOT/<domain>/*.png`), or its `train` split when
/// `path` is a dataset written by `ufdn data build` (a `manifest.json` beside `train/`), so
/// that the splits are not taken for domains.
pub fn training_root(path: &Path) -> PathBuf {
    let split = path.join("train");
    if path.join("manifest.json").is_file() && split.is_dir() { split } else { path.to_path_buf() }
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
        let mut names = Vec::with_capacity(domains.len());
        for domain in domains {
            let dir = root.join(domain);
            let files = image_files(&dir)?;
            if files.is_empty() {
                return Err(UfdnError::Input(format!("{}: no .png or .jpg images", dir.display())));
            }
            names.push(files.iter().map(|f| f.strip_prefix(&dir).unwrap_or(f).with_extension("")).collect());
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
        let pairs = common_contents(&names);
        Ok(Self { domains: domains.to_vec(), size, crop: size, images, pairs })
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

    /// Number of contents present in every domain (same file name, extension aside).
    pub fn pair_count(&self) -> usize {
        self.pairs.len()
    }

    /// Fails with what to do unless some content is present in every domain.
    pub fn require_pairs(&self) -> Result<()> {
        if self.pairs.is_empty() {
            return Err(UfdnError::Input(
                "paired_translation and latent_alignment need the same content under the same file name in every domain folder, and this data has none: set both weights to 0 for unpaired domains".into(),
            ));
        }
        Ok(())
    }

    /// A random window (top-left corner) and mirror flag.
    fn window(&self, rng: &mut StdRng) -> Window {
        let room = self.size - self.crop;
        let (x0, y0) = if room > 0 { (rng.random_range(0..=room), rng.random_range(0..=room)) } else { (0, 0) };
        Window { x0, y0, mirror: rng.random_bool(0.5) }
    }

    /// Appends the `[3, crop, crop]` window of the `[3, size, size]` plane `src`.
    fn push_window(&self, images: &mut Vec<f32>, src: &[f32], w: Window) {
        let (side, crop) = (self.size, self.crop);
        for (c, y) in (0..3).flat_map(|c| (w.y0..w.y0 + crop).map(move |y| (c, y))) {
            let start = (c * side + y) * side + w.x0;
            let row = &src[start..start + crop];
            if w.mirror {
                images.extend(row.iter().rev());
            } else {
                images.extend_from_slice(row);
            }
        }
    }

    /// A batch with room for `per_domain` windows of every domain and nothing in it yet.
    fn empty_batch(&self, per_domain: usize, paired: bool) -> Batch {
        let count = self.domains.len() * per_domain;
        let images = Vec::with_capacity(count * 3 * self.crop * self.crop);
        Batch { images, labels: Vec::with_capacity(count), size: self.crop, paired }
    }

    /// A batch of `per_domain` random images from every domain (randomly cropped when the
    /// dataset crops, randomly mirrored), ordered domain by domain.
    pub fn sample(&self, per_domain: usize, rng: &mut StdRng) -> Batch {
        let mut batch = self.empty_batch(per_domain, false);
        for (d, domain_images) in self.images.iter().enumerate() {
            for _ in 0..per_domain {
                let src = &domain_images[rng.random_range(0..domain_images.len())];
                let window = self.window(rng);
                self.push_window(&mut batch.images, src, window);
                batch.labels.push(d);
            }
        }
        batch
    }

    /// A paired batch: `per_domain` random contents present in every domain, each shown
    /// through the same window in every domain, ordered domain by domain.
    pub fn sample_paired(&self, per_domain: usize, rng: &mut StdRng) -> Result<Batch> {
        self.require_pairs()?;
        let picks: Vec<(&Vec<usize>, Window)> =
            (0..per_domain).map(|_| (&self.pairs[rng.random_range(0..self.pairs.len())], self.window(rng))).collect();
        let mut batch = self.empty_batch(per_domain, true);
        for (d, domain_images) in self.images.iter().enumerate() {
            for &(indices, window) in &picks {
                self.push_window(&mut batch.images, &domain_images[indices[d]], window);
                batch.labels.push(d);
            }
        }
        Ok(batch)
    }
}

/// Top-left corner and mirror flag of a batch window.
#[derive(Debug, Clone, Copy)]
struct Window {
    x0: usize,
    y0: usize,
    mirror: bool,
}

/// The contents (relative paths without extension) found in every domain, as their index
/// in each domain's list, in the first domain's order.
fn common_contents(names: &[Vec<PathBuf>]) -> Vec<Vec<usize>> {
    let lookups: Vec<std::collections::HashMap<&PathBuf, usize>> =
        names.iter().map(|list| list.iter().enumerate().map(|(i, n)| (n, i)).collect()).collect();
    names[0].iter().filter_map(|name| lookups.iter().map(|lookup| lookup.get(name).copied()).collect()).collect()
}
