//! Builds a multi-domain dataset: seeded multi-scale crops of source photos, rendered in
//! every domain and split into train and test by source (people and other sources each
//! split apart, so both splits hold both); and the held-out sources' full frames: 256-px
//! centre squares rendered in every domain, the scale the page translates at.

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
    /// Crops cut from each source photo (sources of several images get up to
    /// [`MAX_CROP_SHARES`] times as many, spread over their images).
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
    /// Source ids that show faces or people.
    pub people: Vec<String>,
    /// Images written per domain, train and test.
    pub images_per_domain: [usize; 2],
    /// Full frames written per domain under `frames/people/` and `frames/scenes/`.
    pub frames_per_domain: [usize; 2],
}

/// A source of n images gets `crops_per_photo · min(n, MAX_CROP_SHARES)` crops.
pub const MAX_CROP_SHARES: usize = 4;
/// Side of the held-out full frames: the page's translation size.
pub const FRAME_SIZE: u32 = 256;
/// Full frames taken from one held-out source at most (evenly spread over its images).
const FRAMES_PER_SOURCE: usize = 4;
/// Sub-folders of `frames/` for sources with and without people.
pub const FRAME_GROUPS: [&str; 2] = ["people", "scenes"];

/// Splits sources into (train, test); with two or more sources both sides are non-empty.
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

/// Splits people and other sources apart, so that each group has both a train and a test side.
fn stratified_split(photos: Vec<SourcePhoto>, fraction: f32, rng: &mut StdRng) -> (Vec<SourcePhoto>, Vec<SourcePhoto>) {
    let (people, others): (Vec<SourcePhoto>, Vec<SourcePhoto>) = photos.into_iter().partition(|p| p.people);
    let (mut train, mut test) = split(people, fraction, rng);
    let (more_train, more_test) = split(others, fraction, rng);
    train.extend(more_train);
    test.extend(more_test);
    (train, test)
}

/// `count` indices spread evenly over `0..len`, in order (each at most once when count <= len).
fn spread(count: usize, len: usize) -> impl Iterator<Item = usize> {
    (0..count).map(move |k| k * len / count)
}

/// Renders `image` in every domain as `root/<domain>/<name>.png`.
fn write_domains(image: &RgbImage, root: &Path, name: &str, domains: &[DomainFilter]) -> Result<()> {
    domains
        .iter()
        .try_for_each(|domain| save_png(&domain.apply(image), &root.join(domain.name()).join(format!("{name}.png"))))
}

/// Writes every crop of `photos` in every domain under `root`; returns images per domain.
fn write_split(photos: &[SourcePhoto], root: &Path, opts: &BuildOptions, rng: &mut StdRng) -> Result<usize> {
    let max_short = (opts.size as f32 / opts.min_scale).ceil() as u32;
    let mut written = 0;
    for photo in photos {
        let crops = opts.crops_per_photo * photo.paths.len().min(MAX_CROP_SHARES);
        let picks: Vec<usize> = spread(crops, photo.paths.len()).collect();
        let mut k = 0;
        for (index, path) in photo.paths.iter().enumerate() {
            let count = picks.iter().filter(|&&i| i == index).count();
            if count == 0 {
                continue;
            }
            let image = limit_short_side(load_rgb(path)?, max_short);
            for _ in 0..count {
                let crop = random_crop(&image, opts.size, opts.min_scale, rng);
                write_domains(&crop, root, &format!("{}_{k:03}", photo.id), &opts.domains)?;
                k += 1;
            }
        }
        written += k;
    }
    Ok(written)
}

/// The centre square of `photo`, resized to `size`.
fn centre_square(photo: &RgbImage, size: u32) -> RgbImage {
    let short = photo.width().min(photo.height());
    let (x, y) = ((photo.width() - short) / 2, (photo.height() - short) / 2);
    let square = image::imageops::crop_imm(photo, x, y, short, short).to_image();
    image::imageops::resize(&square, size, size, FilterType::Triangle)
}

/// Writes the full frames of the held-out `photos` under `root/people/` and
/// `root/scenes/`; returns frames per domain in each group.
fn write_frames(photos: &[SourcePhoto], root: &Path, domains: &[DomainFilter]) -> Result<[usize; 2]> {
    let mut written = [0; 2];
    for photo in photos {
        let group = usize::from(!photo.people);
        let count = photo.paths.len().min(FRAMES_PER_SOURCE);
        for (j, index) in spread(count, photo.paths.len()).enumerate() {
            let frame = centre_square(&load_rgb(&photo.paths[index])?, FRAME_SIZE);
            write_domains(&frame, &root.join(FRAME_GROUPS[group]), &format!("{}_{j:02}", photo.id), domains)?;
            written[group] += 1;
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
        return Err(UfdnError::Input("use --size >= 8, --crops >= 1 and --min-scale in [0.01, 1]".into()));
    }
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let (train, test) = stratified_split(photos, opts.test_fraction, &mut rng);
    let n_train = write_split(&train, &opts.out.join("train"), opts, &mut rng)?;
    let n_test = write_split(&test, &opts.out.join("test"), opts, &mut rng)?;
    let frames = write_frames(&test, &opts.out.join("frames"), &opts.domains)?;
    let people = train.iter().chain(&test).filter(|p| p.people).map(|p| p.id.clone()).collect();
    let manifest = Manifest {
        domains: opts.domains.iter().map(|d| d.name().to_string()).collect(),
        size: opts.size,
        seed: opts.seed,
        train: train.into_iter().map(|p| p.id).collect(),
        test: test.into_iter().map(|p| p.id).collect(),
        people,
        images_per_domain: [n_train, n_test],
        frames_per_domain: frames,
    };
    let path = opts.out.join("manifest.json");
    let json = serde_json::to_string_pretty(&manifest).map_err(|e| UfdnError::Output(e.to_string()))?;
    std::fs::write(&path, json).map_err(|e| UfdnError::io(&path, e))?;
    Ok(manifest)
}
