//! Reading and writing image files with errors that name the file.

use std::path::Path;

use image::RgbImage;

use crate::error::{Result, UfdnError};

/// Whether a file or archive member name has an image extension ufdn reads (.png, .jpg,
/// .jpeg, in any case): the one test every folder walk and package selector uses.
pub fn is_image(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".jpg") || lower.ends_with(".jpeg") || lower.ends_with(".png")
}

/// Largest side of a photo ufdn decodes (`ufdn data build` takes large photos and scales
/// them down). Frames to translate are held to the smaller `frame::MAX_SIDE` instead.
pub const MAX_PHOTO_SIDE: u32 = 16_384;

/// Most memory one decode may allocate, the RGB result included.
const MAX_DECODE_BYTES: u64 = 512 << 20;

/// Decodes a photo file (PNG or JPEG) into 8-bit RGB, with sides up to [`MAX_PHOTO_SIDE`].
pub fn load_rgb(path: &Path) -> Result<RgbImage> {
    load_at_most(path, MAX_PHOTO_SIDE)
}

/// Decodes an image file into 8-bit RGB, refusing sides over `max_side` from its header,
/// before any pixel is decoded.
pub fn load_at_most(path: &Path, max_side: u32) -> Result<RgbImage> {
    let bytes = std::fs::read(path).map_err(|e| UfdnError::io(path, e))?;
    decode_rgb(&bytes, max_side).map_err(|m| UfdnError::Input(format!("{}: {m}", path.display())))
}

/// Decodes PNG or JPEG bytes into 8-bit RGB. The header is read first: empty images,
/// sides over `max_side` and images whose RGB pixels would take more than 512 MiB are
/// refused before decoding (a few hundred bytes can claim a 100-megapixel image). The
/// error says what is wrong with the bytes; callers add the file name.
pub fn decode_rgb(bytes: &[u8], max_side: u32) -> std::result::Result<RgbImage, String> {
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| format!("could not read the image ({e})"))
    };
    let unreadable = |e: image::ImageError| format!("not a readable PNG or JPEG image ({e})");
    let (width, height) = reader()?.into_dimensions().map_err(unreadable)?;
    if width == 0 || height == 0 {
        return Err("image is empty".into());
    }
    if width > max_side || height > max_side || u64::from(width) * u64::from(height) * 3 > MAX_DECODE_BYTES {
        return Err(format!(
            "image is {width}x{height}: too large (sides of at most {max_side} pixels and {} megapixels)",
            MAX_DECODE_BYTES / 3 / 1_000_000
        ));
    }
    // The sides are checked above; the decoder's own buffers are bounded here.
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let mut reader = reader()?;
    reader.limits(limits);
    Ok(reader.decode().map_err(unreadable)?.to_rgb8())
}

/// Writes an RGB image as PNG, creating parent folders.
pub fn save_png(image: &RgbImage, path: &Path) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| UfdnError::io(parent, e))?;
    }
    image
        .save_with_format(path, image::ImageFormat::Png)
        .map_err(|e| UfdnError::Output(format!("{}: could not write PNG ({e})", path.display())))
}
