//! Domain filters and the dataset builder on real photos.

mod common;

use std::collections::{BTreeSet, HashSet};

use ufdn::DomainMix;
use ufdn::data::dataset::{DomainDataset, discover_domains};
use ufdn::data::filters::DomainFilter;
use ufdn::data::image_io::load_rgb;
use ufdn::data::sources::walk_files;
use ufdn::eval::metrics::mean_abs_diff;

fn photos() -> Vec<image::RgbImage> {
    walk_files(&common::fixture_photos())
        .unwrap()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
        .map(|p| load_rgb(&p).unwrap())
        .collect()
}

fn distinct_colours(image: &image::RgbImage) -> usize {
    image.pixels().map(|p| p.0).collect::<HashSet<_>>().len()
}

#[test]
fn filters_are_deterministic_and_keep_the_size() {
    for photo in photos() {
        for filter in DomainFilter::ALL {
            let a = filter.apply(&photo);
            assert_eq!(a.dimensions(), photo.dimensions());
            assert_eq!(a, filter.apply(&photo), "{filter} is not deterministic");
        }
    }
}

#[test]
fn sketch_is_greyscale_and_mostly_light_with_dark_strokes() {
    for photo in photos() {
        let sketch = DomainFilter::Sketch.apply(&photo);
        assert!(sketch.pixels().all(|p| p[0] == p[1] && p[1] == p[2]), "sketch has colour");
        let values: Vec<u8> = sketch.pixels().map(|p| p[0]).collect();
        let mean = values.iter().map(|&v| f64::from(v)).sum::<f64>() / values.len() as f64;
        assert!(mean > 128.0, "pencil sketches are mostly paper: mean {mean}");
        assert!(values.iter().any(|&v| v < 100), "sketch has no strokes");
    }
}

#[test]
fn cartoon_has_fewer_colours_than_the_photo() {
    for photo in photos() {
        let original = distinct_colours(&photo);
        let cartoon = distinct_colours(&DomainFilter::Cartoon.apply(&photo));
        assert!(cartoon <= 65 && cartoon < original / 4, "cartoon {cartoon} vs photo {original}");
    }
}

/// Mean spread between each pixel's largest and smallest channel.
fn colourfulness(image: &image::RgbImage) -> f64 {
    let total: u64 = image.pixels().map(|p| u64::from(p.0.iter().max().unwrap() - p.0.iter().min().unwrap())).sum();
    total as f64 / image.pixels().len() as f64
}

#[test]
fn paint_has_a_look_of_its_own_in_richer_colour() {
    for photo in photos() {
        let paint = DomainFilter::Paint.apply(&photo);
        let (colour, richer) = (colourfulness(&photo), colourfulness(&paint));
        let apart = mean_abs_diff(&photo, &paint);
        // Near-grey photos (the deep field is black sky with specks) have no colour to enrich.
        assert!(colour < 10.0 || richer > 1.15 * colour, "colours are richer: {richer} vs {colour}");
        assert!(apart > 4.0, "paint has a look of its own: mean difference {apart}");
    }
}

#[test]
fn builder_splits_by_source_photo_and_pairs_every_domain() {
    let dir = common::temp_dir("builder");
    common::build_fixture_dataset(&dir, 40, 3);
    let mut ids = Vec::new();
    for split in ["train", "test"] {
        let root = dir.join(split);
        assert_eq!(discover_domains(&root).unwrap(), ["paint", "photo", "sketch"]);
        let names = |domain: &str| -> BTreeSet<String> {
            std::fs::read_dir(root.join(domain))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        };
        let photo = names("photo");
        assert_eq!(photo, names("sketch"));
        assert_eq!(photo, names("paint"));
        let sources: BTreeSet<String> = photo.iter().map(|n| n.rsplit_once('_').unwrap().0.to_string()).collect();
        ids.push(sources);
        for name in &photo {
            let image = load_rgb(&root.join("photo").join(name)).unwrap();
            assert_eq!(image.dimensions(), (40, 40));
        }
    }
    assert_eq!(ids[0].len() + ids[1].len(), 4, "every fixture photo is used once");
    assert!(ids[0].is_disjoint(&ids[1]), "a photo feeds both splits: {ids:?}");
    assert!(!ids[1].is_empty());
    // The held-out photos' full frames, 256-px centre squares in every domain (the fixtures
    // show no people, so there is no people group).
    let frames = dir.join("frames/scenes");
    assert_eq!(discover_domains(&frames).unwrap(), ["paint", "photo", "sketch"]);
    let framed: BTreeSet<String> = walk_files(&frames.join("photo"))
        .unwrap()
        .iter()
        .map(|p| {
            assert_eq!(load_rgb(p).unwrap().dimensions(), (256, 256));
            p.file_name().unwrap().to_string_lossy().rsplit_once('_').unwrap().0.to_string()
        })
        .collect();
    assert_eq!(framed, ids[1], "frames come from the test photos, one per single-image source");
    assert!(!dir.join("frames/people").exists());
    // Same seed, same dataset.
    let again = common::temp_dir("builder_again");
    common::build_fixture_dataset(&again, 40, 3);
    let first = walk_files(&dir.join("train")).unwrap();
    for path in first {
        let rel = path.strip_prefix(&dir).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(again.join(rel)).unwrap());
    }
}

#[test]
fn dataset_batches_are_balanced_and_in_range() {
    let dir = common::temp_dir("batches");
    common::build_fixture_dataset(&dir, 32, 2);
    let data = DomainDataset::load(&dir.join("train"), &common::domains(), 16).unwrap();
    let batch = data.sample(3, &mut rand::SeedableRng::seed_from_u64(1));
    assert_eq!(batch.labels, [0, 0, 0, 1, 1, 1, 2, 2, 2]);
    assert_eq!(batch.images.len(), 9 * 3 * 16 * 16);
    assert!(batch.images.iter().all(|v| (-1.0..=1.0).contains(v)));
    let missing = DomainDataset::load(&dir.join("train"), &["photo".into(), "oil".into()], 16);
    assert!(missing.unwrap_err().to_string().contains("oil"));
}

/// Whether `window` (`[3, c, c]`) is the part of `image` (`[3, s, s]`) at (x0, y0),
/// mirrored or not.
fn window_at(image: &[f32], s: usize, window: &[f32], c: usize, (x0, y0): (usize, usize)) -> bool {
    let at = |mirror: bool| {
        (0..3 * c * c).all(|i| {
            let (ch, y, x) = (i / (c * c), i / c % c, i % c);
            let x = if mirror { c - 1 - x } else { x };
            window[i] == image[ch * s * s + (y0 + y) * s + x0 + x]
        })
    };
    at(false) || at(true)
}

/// Where `window` (`[3, c, c]`) sits in `image` (`[3, s, s]`), possibly mirrored.
fn window_offset(image: &[f32], s: usize, window: &[f32], c: usize) -> Option<(usize, usize)> {
    (0..=s - c).flat_map(|y| (0..=s - c).map(move |x| (x, y))).find(|&at| window_at(image, s, window, c, at))
}

#[test]
fn cropped_batches_are_windows_of_the_stored_images_at_their_scale() {
    let dir = common::temp_dir("crops");
    common::build_fixture_dataset(&dir, 32, 2);
    let data = DomainDataset::load(&dir.join("train"), &common::domains(), 32).unwrap();
    assert!(data.clone().cropped_to(40).unwrap_err().to_string().contains("must be at least"));
    let data = data.cropped_to(16).unwrap();
    let mut rng = rand::SeedableRng::seed_from_u64(2);
    let mut offsets = BTreeSet::new();
    for _ in 0..10 {
        let batch = data.sample(2, &mut rng);
        assert_eq!((batch.size, batch.images.len()), (16, 6 * 3 * 16 * 16));
        for (window, &d) in batch.images.chunks(3 * 16 * 16).zip(&batch.labels) {
            let found = (0..data.len_of(d)).find_map(|i| window_offset(data.image(d, i), 32, window, 16));
            offsets.insert(found.expect("a batch image is not a window of any stored image of its domain"));
        }
    }
    assert!(offsets.len() > 5, "crops should land at many places, got {offsets:?}");
}

#[test]
fn paired_batches_show_one_content_through_one_window_in_every_domain() {
    let dir = common::temp_dir("paired");
    common::build_fixture_dataset(&dir, 32, 2);
    let train = dir.join("train");
    let data = DomainDataset::load(&train, &common::domains(), 32).unwrap().cropped_to(16).unwrap();
    assert_eq!(data.pair_count(), data.len_of(0), "the builder writes every content in every domain");
    let mut rng = rand::SeedableRng::seed_from_u64(3);
    for _ in 0..5 {
        let batch = data.sample_paired(3, &mut rng).unwrap();
        assert!(batch.paired);
        assert_eq!(batch.labels, [0, 0, 0, 1, 1, 1, 2, 2, 2]);
        let windows: Vec<&[f32]> = batch.images.chunks(3 * 16 * 16).collect();
        for i in 0..3 {
            // Names sort alike in every domain, so the same content has the same index.
            let (j, at) = (0..data.len_of(0))
                .find_map(|j| window_offset(data.image(0, j), 32, windows[i], 16).map(|at| (j, at)))
                .expect("a paired photo is not a window of any stored photo");
            for d in 1..3 {
                assert!(
                    window_at(data.image(d, j), 32, windows[d * 3 + i], 16, at),
                    "domain {d}, row {i}: not the photo's content and window"
                );
            }
        }
    }
    for file in walk_files(&train.join("sketch")).unwrap() {
        let renamed = file.with_file_name(format!("other-{}", file.file_name().unwrap().to_string_lossy()));
        std::fs::rename(&file, renamed).unwrap();
    }
    let unpaired = DomainDataset::load(&train, &common::domains(), 32).unwrap();
    assert_eq!(unpaired.pair_count(), 0);
    let err = unpaired.sample_paired(3, &mut rng).unwrap_err().to_string();
    assert!(err.contains("same file name"), "{err}");
}

#[test]
fn domain_mixes_parse_and_reject_bad_weights() {
    let d = common::domains();
    assert_eq!(DomainMix::parse(&d, "sketch").unwrap().weights(), [0.0, 1.0, 0.0]);
    assert_eq!(DomainMix::parse(&d, "sketch=1,paint=3").unwrap().weights(), [0.0, 0.25, 0.75]);
    for (spec, needle) in [
        ("oil", "unknown domain"),
        ("sketch=-0.5,paint=1", "finite and >= 0"),
        ("sketch=NaN", "finite and >= 0"),
        ("sketch=inf", "finite and >= 0"),
        ("sketch=0,paint=0", "sum to zero"),
        ("sketch=abc", "not a number"),
        ("", "empty target"),
    ] {
        let err = DomainMix::parse(&d, spec).unwrap_err().to_string();
        assert!(err.contains(needle), "{spec:?}: {err}");
    }
}
