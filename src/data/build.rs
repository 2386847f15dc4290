//! Builds a multi-domain dataset: seeded multi-scale crops of source photos,
//! rendered in every domain, split into train and test by source photo.

use std::path::{Path, PathBuf};

use image::RgbImage;
use image::imageops::FilterType;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use super::filters::DomainFilter;
use super::image_io::{load_rgb, save_png};
use super::sources::SourcePhoto;
use crate::error::{Result, UfdnError};

/// Options of `ufdn data build`.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Output folder; receives `train/<domain>/` and `test/<domain>/`.
    pub out: PathBuf,
    /// Domains to render, photo first by convention.
    pub domains: Vec<DomainFilter>,
    /// Side of the square crops, in pixels.
    pub size: u32,
    /// Crops cut from each source photo.
    pub crops_per_photo: usize,
    /// Smallest crop side as a fraction of the photo's shorter side.
    pub min_scale: f32,
    /// Fraction of source photos held out for the test split.
    pub test_fraction: f32,
    /// Seed of the split and the crops.
    pub seed: u64,
}

/// What a build wrote, saved as `manifest.json` beside the splits.
#[derive(Debug, Serialize)]
pub struct Manifest {
    /// Domain folder names.
    pub domains: Vec<String>,
    /// Crop side in pixels.
    pub size: u32,
    /// Seed used.
    pub seed: u64,
    /// Source photo ids in the train split.
    pub train: Vec<String>,
    /// Source photo ids in the test split.
    pub test: Vec<String>,
    /// Images written per domain, train and test.
    pub images_per_domain: [usize; 2],
}

/// Splits photo ids into (train, test); with two or more photos both sides are non-empty.
fn split(mut photos: Vec<SourcePhoto>, fraction: f32, rng: &mut StdRng) -> (Vec<SourcePhoto>, Vec<SourcePhoto>) {
    photos.sort();
    photos.shuffle(rng);
    let n = photos.len();
    let mut n_test = (n as f32 * fraction).round() as usize;
    if n >= 2 {
        n_test = n_test.clamp(1, n - 1);
    } else {
        n_test = 0;
    }
    let train = photos.split_off(n_test);
    (train, photos)
}

/// Shrinks `photo` so its shorter side is at most `max_short`, keeping the aspect ratio.
fn limit_short_side(photo: RgbImage, max_short: u32) -> RgbImage {
    let short = photo.width().min(photo.height());
    if short <= max_short {
        return photo;
    }
    let scale = max_short as f32 / short as f32;
    let (w, h) = ((photo.width() as f32 * scale).round() as u32, (photo.height() as f32 * scale).round() as u32);
    image::imageops::resize(&photo, w.max(1), h.max(1), FilterType::Triangle)
}

/// Cuts one random square crop of random scale and resizes it to `size`.
fn random_crop(photo: &RgbImage, size: u32, min_scale: f32, rng: &mut StdRng) -> RgbImage {
    let short = photo.width().min(photo.height());
    let side = ((short as f32 * rng.random_range(min_scale..=1.0)).round() as u32).clamp(1, short);
    let x = rng.random_range(0..=photo.width() - side);
    let y = rng.random_range(0..=photo.height() - side);
    let crop = image::imageops::crop_imm(photo, x, y, side, side).to_image();
    image::imageops::resize(&crop, size, size, FilterType::CatmullRom)
}

/// Writes every crop of `photos` in every domain under `root`; returns images per domain.
fn write_split(photos: &[SourcePhoto], root: &Path, opts: &BuildOptions, rng: &mut StdRng) -> Result<usize> {
    let max_short = (opts.size as f32 / opts.min_scale).ceil() as u32;
    let mut written = 0;
    for photo in photos {
        let image = limit_short_side(load_rgb(&photo.path)?, max_short);
        for k in 0..opts.crops_per_photo {
            let crop = random_crop(&image, opts.size, opts.min_scale, rng);
            for domain in &opts.domains {
                let path = root.join(domain.name()).join(format!("{}_{k:03}.png", photo.id));
                save_png(&domain.apply(&crop), &path)?;
            }
            written += 1;
        }
    }
    Ok(written)
}

/// Builds the dataset from `photos` as `opts` says and returns its manifest.
pub fn build_dataset(photos: Vec<SourcePhoto>, opts: &BuildOptions) -> Result<Manifest> {
    if photos.is_empty() {
        return Err(UfdnError::Input("no source photos to build a dataset from".into()));
    }
    if opts.size < 8 || opts.crops_per_photo == 0 || !(0.01..=1.0).contains(&opts.min_scale) {
        return Err(UfdnError::Input(
            "use --size >= 8, --crops >= 1 and --min-scale in [0.01, 1]".into(),
        ));
    }
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let (train, test) = split(photos, opts.test_fraction, &mut rng);
    let n_train = write_split(&train, &opts.out.join("train"), opts, &mut rng)?;
    let n_test = write_split(&test, &opts.out.join("test"), opts, &mut rng)?;
    let manifest = Manifest {
        domains: opts.domains.iter().map(|d| d.name().to_string()).collect(),
        size: opts.size,
        seed: opts.seed,
        train: train.into_iter().map(|p| p.id).collect(),
        test: test.into_iter().map(|p| p.id).collect(),
        images_per_domain: [n_train, n_test],
    };
    let path = opts.out.join("manifest.json");
    let json = serde_json::to_string_pretty(&manifest).map_err(|e| UfdnError::Input(e.to_string()))?;
    std::fs::write(&path, json).map_err(|e| UfdnError::io(&path, e))?;
    Ok(manifest)
}
