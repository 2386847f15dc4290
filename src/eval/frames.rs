//! Evaluation at the page's scale: held-out sources' full 256-px frames (as `ufdn data
//! build` writes them under `frames/people/` and `frames/scenes/`), translated whole.
//! Per direction: PSNR and SSIM beside the input-as-output baseline, detail and the judge's
//! verdicts; per pair of targets from one source: distinctness.

use std::fmt::Write as _;
use std::path::Path;

use image::RgbImage;

use super::metrics::{laplacian_energy, mean_abs_diff, psnr, ssim};
use super::probes::{Confusion, Samples};
use super::{Split, load_split, percentages};
use crate::domain::DomainMix;
use crate::error::Result;
use crate::frame::translate_frame;
use crate::model::Model;
use crate::pixels::rgb_to_chw;

/// One source → target row of a frame table.
#[derive(Debug, Clone)]
pub struct FramePair {
    /// Source domain.
    pub source: String,
    /// Target domain.
    pub target: String,
    /// Mean PSNR of translations against ground truth (dB).
    pub psnr: f64,
    /// Mean SSIM of translations against ground truth.
    pub ssim: f64,
    /// Mean PSNR of the untranslated input against ground truth (dB).
    pub baseline_psnr: f64,
    /// Mean SSIM of the untranslated input against ground truth.
    pub baseline_ssim: f64,
    /// Mean |Laplacian| of the outputs over that of the ground truths (1: as sharp).
    pub detail: f64,
    /// The judge's verdicts on the translations (labelled with the target).
    pub verdicts: Confusion,
}

/// Distinctness of two targets translated from one source domain.
#[derive(Debug, Clone)]
pub struct Distinctness {
    /// Source domain.
    pub source: String,
    /// The two target domains.
    pub targets: [String; 2],
    /// Mean |y_t − y_u| over mean |g_t − g_u|: 0 when the model draws both alike.
    pub value: f64,
}

/// The frame evaluation of one group (people, or other scenes).
#[derive(Debug, Clone)]
pub struct FrameGroup {
    /// Group name (the folder under `frames/`).
    pub name: String,
    /// Frames per domain.
    pub frames: usize,
    /// Every source → target direction.
    pub pairs: Vec<FramePair>,
    /// Every source and pair of distinct targets.
    pub distinctness: Vec<Distinctness>,
}

/// Accumulated sums of one direction over frames.
#[derive(Default)]
struct Sums {
    psnr: f64,
    ssim: f64,
    baseline_psnr: f64,
    baseline_ssim: f64,
    output_detail: f64,
    truth_detail: f64,
}

/// Evaluates `model` on the frames under `dir` (one folder per domain); `judge` tallies
/// the domain verdicts on labelled images.
pub fn evaluate_group<J>(model: &Model, dir: &Path, judge: J, limit: usize) -> Result<FrameGroup>
where
    J: Fn(&Samples) -> Result<Confusion>,
{
    let domains = model.domains().to_vec();
    let n = domains.len();
    let Split { names, images } = load_split(dir, &domains, limit)?;
    let size = images[0][0].width() as usize;
    let mut pairs = Vec::new();
    let mut distinctness = Vec::new();
    for (s, source) in domains.iter().enumerate() {
        // outputs[t][i]: frame i of the source translated to t.
        let mut outputs: Vec<Vec<RgbImage>> = Vec::with_capacity(n);
        for (t, target) in domains.iter().enumerate() {
            let mix = DomainMix::one_hot(t, n);
            let mut sums = Sums::default();
            let mut judged = Samples { item: [3, size, size], ..Samples::default() };
            let mut row = Vec::with_capacity(names.len());
            for (input, truth) in images[s].iter().zip(&images[t]) {
                let output = translate_frame(model, input, &mix)?;
                sums.psnr += psnr(&output, truth);
                sums.ssim += ssim(&output, truth);
                sums.baseline_psnr += psnr(input, truth);
                sums.baseline_ssim += ssim(input, truth);
                sums.output_detail += laplacian_energy(&output);
                sums.truth_detail += laplacian_energy(truth);
                judged.push(&rgb_to_chw(&output), t);
                row.push(output);
            }
            let m = names.len() as f64;
            pairs.push(FramePair {
                source: source.clone(),
                target: target.clone(),
                psnr: sums.psnr / m,
                ssim: sums.ssim / m,
                baseline_psnr: sums.baseline_psnr / m,
                baseline_ssim: sums.baseline_ssim / m,
                detail: sums.output_detail / sums.truth_detail.max(f64::EPSILON),
                verdicts: judge(&judged)?,
            });
            outputs.push(row);
        }
        for t in 0..n {
            for u in t + 1..n {
                let (mut apart, mut truth_apart) = (0.0, 0.0);
                for i in 0..names.len() {
                    apart += mean_abs_diff(&outputs[t][i], &outputs[u][i]);
                    truth_apart += mean_abs_diff(&images[t][i], &images[u][i]);
                }
                distinctness.push(Distinctness {
                    source: source.clone(),
                    targets: [domains[t].clone(), domains[u].clone()],
                    value: apart / truth_apart.max(f64::EPSILON),
                });
            }
        }
    }
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(FrameGroup { name, frames: names.len(), pairs, distinctness })
}

impl FrameGroup {
    /// The group's two tables as markdown.
    pub fn markdown(&self, domains: &[String]) -> String {
        let names = domains.join(" / ");
        let mut s = String::new();
        let _ = writeln!(s, "### Full 256-px frames: {} ({} held-out frames per domain)\n", self.name, self.frames);
        let _ = writeln!(s, "| source → target | PSNR dB | baseline PSNR | SSIM | baseline SSIM | detail | domain accuracy | judged as {names} |");
        let _ = writeln!(s, "|---|---|---|---|---|---|---|---|");
        for p in &self.pairs {
            let _ = writeln!(
                s,
                "| {} → {} | {:.2} | {:.2} | {:.3} | {:.3} | {:.2} | {:.1} % | {} |",
                p.source, p.target, p.psnr, p.baseline_psnr, p.ssim, p.baseline_ssim, p.detail,
                100.0 * p.verdicts.accuracy(), percentages(&p.verdicts.predicted_shares())
            );
        }
        let _ = writeln!(s, "\n| from | targets | distinctness |");
        let _ = writeln!(s, "|---|---|---|");
        for d in &self.distinctness {
            let _ = writeln!(s, "| {} | {} / {} | {:.2} |", d.source, d.targets[0], d.targets[1], d.value);
        }
        s
    }
}
