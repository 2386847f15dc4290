//! `ufdn data build` and `ufdn data render`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::data::build::{BuildOptions, build_dataset};
use crate::data::filters::DomainFilter;
use crate::data::image_io::{load_at_most, save_png};
use crate::data::sources::{DEFAULT_SOURCES, folder_photos};
use crate::error::Result;
use crate::frame::MAX_SIDE;

#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Cut seeded multi-scale crops and render them in every domain, split by source photo;
    /// the held-out sources also give full 256-px frames (frames/people, frames/scenes).
    Build(BuildArgs),
    /// Render one image in every domain with the dataset's filters: the ground truth a model
    /// is trained to draw from it (OUT/<domain>.png).
    Render(RenderArgs),
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Image to render (PNG or JPEG, sides up to 4096 pixels).
    input: PathBuf,
    /// Output folder (gets <domain>.png for every domain).
    #[arg(long)]
    out: PathBuf,
    /// Domains to render (photo, sketch, paint, cartoon).
    #[arg(long, value_delimiter = ',', default_value = "photo,sketch,paint")]
    domains: Vec<DomainFilter>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Output folder (gets train/<domain>/, test/<domain>/ and manifest.json).
    #[arg(long)]
    out: PathBuf,
    /// Use this folder of photos instead of the packaged sources.
    #[arg(long)]
    photos: Option<PathBuf>,
    /// Domains to render (photo, sketch, paint, cartoon).
    #[arg(long, value_delimiter = ',', default_value = "photo,sketch,paint")]
    domains: Vec<DomainFilter>,
    /// Crop side in pixels.
    #[arg(long, default_value_t = 128)]
    size: u32,
    /// Crops per source photo (sources of several images, such as videos, get up to 4 times as many).
    #[arg(long, default_value_t = 24)]
    crops: usize,
    /// Smallest crop as a fraction of the photo's shorter side.
    #[arg(long, default_value_t = 0.3)]
    min_scale: f32,
    /// Fraction of source photos held out for test.
    #[arg(long, default_value_t = 0.2)]
    test_fraction: f32,
    /// Seed of the split and crops.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Where downloaded packages are kept (default: OUT/sources).
    #[arg(long)]
    cache: Option<PathBuf>,
}

/// Runs `ufdn data build` or `ufdn data render`.
pub fn run(command: DataCommand) -> Result<()> {
    match command {
        DataCommand::Build(args) => build(args),
        DataCommand::Render(args) => render(args),
    }
}

/// `ufdn data render`: writes the input rendered by every domain's filter.
fn render(args: RenderArgs) -> Result<()> {
    let photo = load_at_most(&args.input, MAX_SIDE)?;
    for filter in args.domains {
        let path = args.out.join(format!("{filter}.png"));
        save_png(&filter.apply(&photo), &path)?;
        println!("{filter}: {}", path.display());
    }
    Ok(())
}

/// `ufdn data build`: gathers the source photos, renders every domain and writes the split.
fn build(args: BuildArgs) -> Result<()> {
    let photos = match &args.photos {
        Some(dir) => folder_photos(dir)?,
        None => {
            let cache = args.cache.clone().unwrap_or_else(|| args.out.join("sources"));
            let mut photos = Vec::new();
            for source in DEFAULT_SOURCES {
                let found = source.photos(&cache)?;
                let people = found.iter().filter(|p| p.people).count();
                let images: usize = found.iter().map(|p| p.paths.len()).sum();
                eprintln!("{}: {} sources ({people} with people), {images} images", source.package, found.len());
                photos.extend(found);
            }
            photos
        }
    };
    let opts = BuildOptions {
        out: args.out,
        domains: args.domains,
        size: args.size,
        crops_per_photo: args.crops,
        min_scale: args.min_scale,
        test_fraction: args.test_fraction,
        seed: args.seed,
    };
    let manifest = build_dataset(photos, &opts)?;
    println!(
        "wrote {} train and {} test images and {} + {} full frames (people + scenes) per domain ({}) from {} + {} sources to {}",
        manifest.images_per_domain[0],
        manifest.images_per_domain[1],
        manifest.frames_per_domain[0],
        manifest.frames_per_domain[1],
        manifest.domains.join(", "),
        manifest.train.len(),
        manifest.test.len(),
        opts.out.display()
    );
    Ok(())
}
