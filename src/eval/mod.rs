//! `ufdn eval`: translation quality on a held-out split against exact ground truth, domain
//! accuracy of translations, latent leakage and cross-domain retrieval.

pub mod judge;
pub mod metrics;
pub mod probes;
pub mod scores;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use image::RgbImage;

use crate::data::build::{FRAME_GROUPS, FRAME_SIZE};
use crate::data::dataset::DomainDataset;
use crate::data::image_io::{is_image, load_rgb, save_png};
use crate::data::sources::walk_files;
use crate::error::{Result, UfdnError};
use crate::frame::{encode_fitted, readback};
use crate::model::Model;
use crate::train::samples::{sample_grid, sample_inputs};
use judge::Judge;
use probes::{ProbeResult, Samples, latent_probe};
use scores::{Scores, score_split};

/// Per-split images: for every domain, the images of the same file names, in name order.
pub(crate) struct Split {
    names: Vec<String>,
    images: Vec<Vec<RgbImage>>,
}

pub(crate) fn load_split(dir: &Path, domains: &[String], limit: usize) -> Result<Split> {
    let list = |domain: &str| -> Result<Vec<String>> {
        let mut names: Vec<String> = walk_files(&dir.join(domain))?
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .filter(|n| is_image(n))
            .collect();
        names.sort();
        Ok(names)
    };
    // Over the limit, names evenly spread over the sorted list: the first ones alone would be
    // the crops of a few photos.
    let all = list(&domains[0])?;
    let take = all.len().min(limit);
    let names: Vec<String> = (0..take).map(|i| all[i * all.len() / take].clone()).collect();
    if names.is_empty() {
        return Err(UfdnError::Input(format!("{}: no images", dir.join(&domains[0]).display())));
    }
    let mut images = Vec::new();
    for domain in domains {
        let folder = dir.join(domain);
        let mut row = Vec::with_capacity(names.len());
        for name in &names {
            let path = folder.join(name);
            if !path.is_file() {
                return Err(UfdnError::Input(format!(
                    "{}: missing; eval needs the same file names in every domain folder (as `ufdn data build` writes)",
                    path.display()
                )));
            }
            row.push(load_rgb(&path)?);
        }
        images.push(row);
    }
    Ok(Split { names, images })
}

/// Everything `ufdn eval` measures.
#[derive(Debug, Clone)]
pub struct EvalReport {
    /// Every direction (identity reconstructions included) and pair of targets on the test crops.
    pub crops: Scores,
    /// A fresh probe telling the domain from z: its accuracy on test z is the latent
    /// leakage (chance: 1/N).
    pub latent_probe: ProbeResult,
    /// The domain retrieval searches: "photo" when the model has it, else its first domain.
    pub retrieval_reference: String,
    /// Per other domain: share of test images whose z finds the z of the same content in the
    /// reference domain as its nearest neighbour among all of that domain's test images.
    pub retrieval: Vec<(String, f64)>,
    /// The same on the full 256-px frames, per group (people, other scenes) present in
    /// the data, named by its folder.
    pub frames: Vec<(String, Scores)>,
}

fn latent_samples(model: &Model, split: &Split) -> Result<(Samples, Vec<Vec<Vec<f32>>>)> {
    let mut samples = Samples::default();
    let mut flat = Vec::new();
    for (d, images) in split.images.iter().enumerate() {
        let mut row = Vec::with_capacity(images.len());
        for image in images {
            let z = encode_fitted(model, image)?;
            let [_, c, h, w] = z.dims();
            samples.item = [c, h, w];
            let values = readback(z)?;
            samples.push(&values, d);
            row.push(values);
        }
        flat.push(row);
    }
    Ok((samples, flat))
}

fn nearest(query: &[f32], candidates: &[Vec<f32>]) -> usize {
    let dist = |c: &Vec<f32>| query.iter().zip(c).map(|(a, b)| (a - b) * (a - b)).sum::<f32>();
    (0..candidates.len()).min_by(|&a, &b| dist(&candidates[a]).total_cmp(&dist(&candidates[b]))).unwrap_or(0)
}

/// Options of `ufdn eval`.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// Dataset root with `train/` and `test/` (as `ufdn data build` writes).
    pub data: PathBuf,
    /// Folder for `report.md` and `grid.png`.
    pub out: PathBuf,
    /// Steps of the latent probe's fit.
    pub probe_steps: usize,
    /// At most this many images per domain and split.
    pub limit: usize,
}

/// Runs the evaluation of `model`.
pub fn evaluate(model: &Model, opts: &EvalOptions) -> Result<EvalReport> {
    let domains = model.domains().to_vec();
    let n = domains.len();
    let test = load_split(&opts.data.join("test"), &domains, opts.limit)?;
    let train = load_split(&opts.data.join("train"), &domains, opts.limit)?;
    let device = model.device().clone();

    // Domain judge fitted on every real train image (texture statistics: a few seconds).
    let judge = Judge::fit(&load_split(&opts.data.join("train"), &domains, usize::MAX)?.images, &device);

    // Translation quality against ground truth, and domain accuracy of translations: on
    // the test crops, and at the page's scale on full frames of held-out sources.
    let crops = score_split(model, &test, &judge)?;
    let mut frames = Vec::new();
    for group in FRAME_GROUPS {
        let dir = opts.data.join("frames").join(group);
        if dir.is_dir() {
            let split = load_split(&dir, &domains, opts.limit)?;
            frames.push((group.to_string(), score_split(model, &split, &judge)?));
        }
    }

    // Latent leakage: a fresh latent discriminator fitted on train z, tested on test z.
    let (z_train, _) = latent_samples(model, &train)?;
    let (z_test, z_flat) = latent_samples(model, &test)?;
    let probe = latent_probe(&model.config.latent_disc, z_train, z_test, n, opts.probe_steps, &device)?;

    // Retrieval: each other domain's test z against all of the reference domain's test z.
    let reference = domains.iter().position(|d| d == "photo").unwrap_or(0);
    let retrieval = (0..n)
        .filter(|&d| d != reference)
        .map(|d| {
            let hits = (0..test.names.len()).filter(|&i| nearest(&z_flat[d][i], &z_flat[reference]) == i).count();
            (domains[d].clone(), hits as f64 / test.names.len() as f64)
        })
        .collect();

    let retrieval_reference = domains[reference].clone();
    let report = EvalReport { crops, latent_probe: probe, retrieval_reference, retrieval, frames };
    std::fs::create_dir_all(&opts.out).map_err(|e| UfdnError::io(&opts.out, e))?;
    // The crops' grid at the test crops' side, or the side a fixed-size model takes.
    let size = if model.config.fixed_size() { model.config.image_size } else { test.images[0][0].width() as usize };
    let grid_data = DomainDataset::load(&opts.data.join("test"), &domains, size)?;
    let (planes, rows) = sample_inputs(&grid_data, 2);
    let grid = sample_grid(model, &planes, rows, size)?;
    save_png(&grid, &opts.out.join("grid.png"))?;
    frame_grid(model, &opts.data, &report.frames, &opts.out)?;
    let path = opts.out.join("report.md");
    std::fs::write(&path, report.markdown(model)).map_err(|e| UfdnError::io(&path, e))?;
    Ok(report)
}

/// Writes `grid-256.png`: one full frame of every domain from every frame group, translated
/// whole into every domain (nothing when the data has no frames).
fn frame_grid(model: &Model, data: &Path, groups: &[(String, Scores)], out: &Path) -> Result<()> {
    let side = FRAME_SIZE as usize;
    let (mut planes, mut rows) = (Vec::new(), 0);
    for (group, _) in groups {
        let frames = DomainDataset::load(&data.join("frames").join(group), model.domains(), side)?;
        let (more, count) = sample_inputs(&frames, 1);
        planes.extend(more);
        rows += count;
    }
    if rows == 0 {
        return Ok(());
    }
    save_png(&sample_grid(model, &planes, rows, side)?, &out.join("grid-256.png"))
}

impl EvalReport {
    /// The report as markdown tables.
    pub fn markdown(&self, model: &Model) -> String {
        let domains = model.domains();
        let n = domains.len() as f64;
        let names = domains.join(" / ");
        let mut s = String::new();
        let _ = writeln!(s, "Model: {} preset, {} steps.\n", model.config.preset, model.steps);
        s.push_str(&self.crops.markdown("Test crops", domains));
        for (group, scores) in &self.frames {
            let _ = writeln!(s);
            s.push_str(&scores.markdown(&format!("Full 256-px frames: {group}"), domains));
        }
        let _ = writeln!(
            s,
            "\nBaseline: the input itself as the output. Detail: mean |Laplacian| of the outputs' grey over that of the ground truths (1: as sharp, about 0.5 visibly blurred). Domain accuracy: share of outputs that the judge (texture statistics, fitted on the real train images and blurred and noisy copies of them, so neither blur nor invisible noise changes its verdict) assigns to the target domain. Distinctness: mean |y_t − y_u| of two targets' outputs over mean |g_t − g_u| of their ground truths (0: both drawn alike).\n"
        );
        let _ = writeln!(s, "| measure | value |");
        let _ = writeln!(s, "|---|---|");
        let judged = self.crops.truths.accuracy();
        let _ = writeln!(s, "| domain judge on real test images | {:.1} % |", 100.0 * judged);
        let recalls = percentages(&self.crops.truths.recalls());
        let _ = writeln!(s, "| real test images of {names} judged as their own domain | {recalls} |");
        let probe = &self.latent_probe;
        let predicted = probe.test.predicted_shares();
        let _ = writeln!(
            s,
            "| latent leakage (probe accuracy on test z; chance {:.1} %) | {:.1} % |",
            100.0 / n,
            100.0 * probe.test.accuracy()
        );
        let _ = writeln!(s, "| latent probe on its own train z | {:.1} % |", 100.0 * probe.train_accuracy);
        let _ = writeln!(s, "| test z the probe assigns to {names} | {} |", percentages(&predicted));
        for (domain, top1) in &self.retrieval {
            let _ = writeln!(s, "| retrieval top-1, {domain} → {} | {:.1} % |", self.retrieval_reference, 100.0 * top1);
        }
        if predicted.iter().any(|&share| share >= PROBE_COLLAPSE) {
            let _ = writeln!(
                s,
                "\nThe latent probe assigns nearly every test code to one domain: it did not fit, so its leakage figure does not show that z is free of the domain."
            );
        }
        s
    }
}

/// Share of predictions in one class above which the latent probe is reported as collapsed.
const PROBE_COLLAPSE: f64 = 0.99;

/// Shares as whole percentages separated by slashes, e.g. `97 / 2 / 1 %`.
pub(crate) fn percentages(shares: &[f64]) -> String {
    let parts: Vec<String> = shares.iter().map(|v| format!("{:.0}", 100.0 * v)).collect();
    format!("{} %", parts.join(" / "))
}
