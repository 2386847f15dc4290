//! Scoring every direction of a split whose domains all show the same contents (the test
//! crops, or the held-out sources' full 256-px frames that `ufdn data build` writes under
//! `frames/people/` and `frames/scenes/`, translated whole at the page's scale). Per
//! direction: PSNR and SSIM beside the input-as-output baseline, detail and the judge's
//! verdicts; per pair of targets from one source: distinctness.

use std::fmt::Write as _;

use image::RgbImage;

use super::judge::Judge;
use super::metrics::{laplacian_energy, mean_abs_diff, psnr, ssim};
use super::probes::Confusion;
use super::{Split, percentages};
use crate::domain::DomainMix;
use crate::error::Result;
use crate::frame::translate_frame;
use crate::model::Model;

/// One source → target row of a quality table.
#[derive(Debug, Clone)]
pub struct PairScore {
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
    /// Mean |Laplacian| of the outputs' grey over that of the ground truths (1: as sharp).
    pub detail: f64,
    /// The judge's verdicts on the translations (all labelled with the target): their
    /// accuracy is the share assigned to the target.
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

/// Every direction and every pair of targets of one split.
#[derive(Debug, Clone)]
pub struct Scores {
    /// Images per domain.
    pub images: usize,
    /// Every source → target direction, identities included.
    pub pairs: Vec<PairScore>,
    /// Every source and pair of distinct targets.
    pub distinctness: Vec<Distinctness>,
    /// The judge's verdicts on the split's real images of every domain: how far its
    /// verdicts on the translations can be trusted here.
    pub truths: Confusion,
}

/// Accumulated sums of one direction over images.
#[derive(Default)]
struct Sums {
    psnr: f64,
    ssim: f64,
    baseline_psnr: f64,
    baseline_ssim: f64,
    output_detail: f64,
    truth_detail: f64,
}

/// Translates every image of `split` into every domain and scores it, with `judge`'s
/// verdicts on the translations.
pub(crate) fn score_split(model: &Model, split: &Split, judge: &Judge) -> Result<Scores> {
    let domains = model.domains();
    let n = domains.len();
    let images = &split.images;
    let count = split.names.len();
    let mut pairs = Vec::new();
    let mut distinctness = Vec::new();
    for (s, source) in domains.iter().enumerate() {
        // outputs[t][i]: image i of the source translated to t.
        let mut outputs: Vec<Vec<RgbImage>> = Vec::with_capacity(n);
        for (t, target) in domains.iter().enumerate() {
            let mix = DomainMix::one_hot(t, n);
            let mut sums = Sums::default();
            let mut row = Vec::with_capacity(count);
            for (input, truth) in images[s].iter().zip(&images[t]) {
                let output = translate_frame(model, input, &mix)?;
                sums.psnr += psnr(&output, truth);
                sums.ssim += ssim(&output, truth);
                sums.baseline_psnr += psnr(input, truth);
                sums.baseline_ssim += ssim(input, truth);
                sums.output_detail += laplacian_energy(&output);
                sums.truth_detail += laplacian_energy(truth);
                row.push(output);
            }
            let m = count as f64;
            pairs.push(PairScore {
                source: source.clone(),
                target: target.clone(),
                psnr: sums.psnr / m,
                ssim: sums.ssim / m,
                baseline_psnr: sums.baseline_psnr / m,
                baseline_ssim: sums.baseline_ssim / m,
                detail: sums.output_detail / sums.truth_detail.max(f64::EPSILON),
                verdicts: judge.verdicts(&row, t)?,
            });
            outputs.push(row);
        }
        for t in 0..n {
            for u in t + 1..n {
                let apart: f64 = (0..count).map(|i| mean_abs_diff(&outputs[t][i], &outputs[u][i])).sum();
                let truth_apart: f64 = (0..count).map(|i| mean_abs_diff(&images[t][i], &images[u][i])).sum();
                distinctness.push(Distinctness {
                    source: source.clone(),
                    targets: [domains[t].clone(), domains[u].clone()],
                    value: apart / truth_apart.max(f64::EPSILON),
                });
            }
        }
    }
    Ok(Scores { images: count, pairs, distinctness, truths: judge.verdicts_on_real(images)? })
}

impl Scores {
    /// The direction and distinctness tables as markdown, under `title`.
    pub fn markdown(&self, title: &str, domains: &[String]) -> String {
        let names = domains.join(" / ");
        let mut s = String::new();
        let _ = writeln!(s, "### {title} ({} held-out images per domain)\n", self.images);
        let _ = writeln!(
            s,
            "| source → target | PSNR dB | baseline PSNR | SSIM | baseline SSIM | detail | domain accuracy | judged as {names} |"
        );
        let _ = writeln!(s, "|---|---|---|---|---|---|---|---|");
        for p in &self.pairs {
            let _ = writeln!(
                s,
                "| {} → {} | {:.2} | {:.2} | {:.3} | {:.3} | {:.3} | {:.1} % | {} |",
                p.source,
                p.target,
                p.psnr,
                p.baseline_psnr,
                p.ssim,
                p.baseline_ssim,
                p.detail,
                100.0 * p.verdicts.accuracy(),
                percentages(&p.verdicts.predicted_shares())
            );
        }
        let _ = writeln!(
            s,
            "\nThe judge assigns {} of these real {names} images to their own domain.",
            percentages(&self.truths.recalls())
        );
        let _ = writeln!(s, "\n| from | targets | distinctness |");
        let _ = writeln!(s, "|---|---|---|");
        for d in &self.distinctness {
            let _ = writeln!(s, "| {} | {} / {} | {:.3} |", d.source, d.targets[0], d.targets[1], d.value);
        }
        s
    }
}
