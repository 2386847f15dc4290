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

/// Decodes an image file (PNG or JPEG) into 8-bit RGB.
pub fn load_rgb(path: &Path) -> Result<RgbImage> {
    let bytes = std::fs::read(path).map_err(|e| UfdnError::io(path, e))?;
    let image = image::load_from_memory(&bytes)
        .map_err(|e| UfdnError::Input(format!("{}: not a readable PNG or JPEG image ({e})", path.display())))?;
    if image.width() == 0 || image.height() == 0 {
        return Err(UfdnError::Input(format!("{}: image is empty", path.display())));
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
