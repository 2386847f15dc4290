//! The mirrored margin that frames get before a translation: on real photos, the shipped
//! model draws the frame's edge closer to the filters' own rendering with it than without,
//! and the inside of the frame alike.

use std::path::Path;

use burn::tensor::Device;
use image::RgbImage;
use image::imageops::FilterType;
use ufdn::data::filters::DomainFilter;
use ufdn::data::image_io::load_rgb;
use ufdn::frame::{PendingFrame, fit_frame, image_tensor, translate_frame};
use ufdn::{DomainMix, Model};

/// Width of the band along the frame's edge that is scored apart from the inside.
const BAND: u32 = 6;

/// The centre square of `photo`, resized to 256 px (a frame as `ufdn eval` takes it).
fn frame_of(photo: &RgbImage) -> RgbImage {
    let side = photo.width().min(photo.height());
    let square = image::imageops::crop_imm(photo, (photo.width() - side) / 2, (photo.height() - side) / 2, side, side);
    image::imageops::resize(&square.to_image(), 256, 256, FilterType::Triangle)
}

/// Mean absolute difference (levels) of `a` and `b` in the edge band and inside it.
fn band_and_inside(a: &RgbImage, b: &RgbImage) -> (f64, f64) {
    let (w, h) = a.dimensions();
    let mut sums = [(0.0, 0usize); 2];
    for (x, y, p) in a.enumerate_pixels() {
        let inside = (BAND..w - BAND).contains(&x) && (BAND..h - BAND).contains(&y);
        let q = b.get_pixel(x, y);
        let error: f64 = p.0.iter().zip(q.0).map(|(&u, v)| f64::from(u.abs_diff(v))).sum::<f64>() / 3.0;
        let slot = &mut sums[usize::from(inside)];
        *slot = (slot.0 + error, slot.1 + 1);
    }
    let [band, inside] = sums.map(|(sum, n)| sum / n as f64);
    (band, inside)
}

#[test]
fn the_mirrored_margin_draws_the_frames_edge_like_its_inside() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let model = Model::from_bytes(&std::fs::read(root.join("assets/default.ufdn")).unwrap(), &Device::flex())
        .expect("the shipped model loads");
    let mut with = Vec::new();
    let mut without = Vec::new();
    for name in ["chelsea.jpg", "coffee.jpg", "rocket.jpg"] {
        let frame = frame_of(&load_rgb(&root.join("tests/fixtures/photos").join(name)).unwrap());
        for filter in [DomainFilter::Sketch, DomainFilter::Paint] {
            let truth = filter.apply(&frame);
            let target = model.target(filter.name()).unwrap();
            with.push(band_and_inside(&translate_frame(&model, &frame, &target).unwrap(), &truth));
            without.push(band_and_inside(&translate_without_margin(&model, &frame, &target), &truth));
        }
    }
    let mean = |scores: &[(f64, f64)], pick: fn(&(f64, f64)) -> f64| {
        scores.iter().map(pick).sum::<f64>() / scores.len() as f64
    };
    let (band_with, band_without) = (mean(&with, |s| s.0), mean(&without, |s| s.0));
    let (inside_with, inside_without) = (mean(&with, |s| s.1), mean(&without, |s| s.1));
    eprintln!(
        "edge band {band_with:.2} with the margin, {band_without:.2} without; inside {inside_with:.2} / {inside_without:.2}"
    );
    assert!(band_with < band_without - 0.3, "edge band {band_with:.2} with the margin, {band_without:.2} without");
    assert!((inside_with - inside_without).abs() < 0.2, "inside {inside_with:.2} / {inside_without:.2}");
}

/// `frame` translated with no margin (only the stride's padding).
fn translate_without_margin(model: &Model, frame: &RgbImage, target: &DomainMix) -> RgbImage {
    let (fitted, fit) = fit_frame(frame, &model.config, 0).unwrap();
    let output = model.translate(image_tensor(&fitted, model.device()), target).unwrap();
    PendingFrame::new(output, fit).read().unwrap()
}
