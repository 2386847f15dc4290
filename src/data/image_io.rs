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

/// Largest side of an image file ufdn decodes. Photos for `ufdn data build` may be large;
/// frames to translate are checked against the smaller `frame::MAX_SIDE` afterwards.
pub const MAX_DECODE_SIDE: u32 = 16_384;

/// Most memory one decode may allocate.
const MAX_DECODE_BYTES: u64 = 512 << 20;

/// Decodes an image file (PNG or JPEG) into 8-bit RGB.
pub fn load_rgb(path: &Path) -> Result<RgbImage> {
    let bytes = std::fs::read(path).map_err(|e| UfdnError::io(path, e))?;
    decode_rgb(&bytes).map_err(|m| UfdnError::Input(format!("{}: {m}", path.display())))
}

/// Decodes PNG or JPEG bytes into 8-bit RGB, refusing images larger than
/// [`MAX_DECODE_SIDE`] before their pixels are allocated. The error says what is wrong
/// with the bytes; callers add the file name.
pub fn decode_rgb(bytes: &[u8]) -> std::result::Result<RgbImage, String> {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_DECODE_SIDE);
    limits.max_image_height = Some(MAX_DECODE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("could not read the image ({e})"))?;
    reader.limits(limits);
    let image = reader.decode().map_err(|e| format!("not a readable PNG or JPEG image ({e})"))?;
    if image.width() == 0 || image.height() == 0 {
        return Err("image is empty".into());
    }
    Ok(image.to_rgb8())
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
