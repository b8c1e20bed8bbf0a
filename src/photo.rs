//! Photos: format, dimensions and EXIF orientation read from the file's
//! header, never by decoding the whole image; decoding happens only when a
//! rotated photo must be baked upright for Word.

use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
}

impl Format {
    pub fn ext(self) -> &'static str {
        match self {
            Format::Jpeg => "jpeg",
            Format::Png => "png",
        }
    }
    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
        }
    }
}

/// A photo read from disk.
#[derive(Debug, Clone)]
pub struct Photo {
    pub bytes: Arc<[u8]>,
    pub format: Format,
    /// Stored pixel size, before EXIF rotation.
    pub stored_px: (u32, u32),
    /// EXIF orientation 1–8 (1 = upright).
    pub orientation: u16,
}

#[derive(Debug)]
pub enum PhotoError {
    Io(std::io::Error),
    /// Neither JPEG nor PNG by its bytes; carries what it looks like.
    NotAnImage(&'static str),
    /// Header unreadable or truncated.
    Corrupt(String),
    /// Header claims more pixels than allowed.
    TooLarge(u32, u32),
}

impl Photo {
    /// Size as displayed, after EXIF rotation.
    pub fn display_px(&self) -> (u32, u32) {
        oriented(self.stored_px, self.orientation)
    }

    pub fn read(path: &Path, max_pixels: u64) -> Result<Photo, PhotoError> {
        let bytes = std::fs::read(path).map_err(PhotoError::Io)?;
        Photo::from_bytes(bytes.into(), max_pixels)
    }

    pub fn from_bytes(bytes: Arc<[u8]>, max_pixels: u64) -> Result<Photo, PhotoError> {
        let format = sniff(&bytes)?;
        let mut reader = image::ImageReader::new(Cursor::new(&bytes[..]));
        reader.set_format(match format {
            Format::Jpeg => image::ImageFormat::Jpeg,
            Format::Png => image::ImageFormat::Png,
        });
        let (w, h) = reader
            .into_dimensions()
            .map_err(|e| PhotoError::Corrupt(e.to_string()))?;
        if w == 0 || h == 0 {
            return Err(PhotoError::Corrupt("宽或高为 0".into()));
        }
        if w as u64 * h as u64 > max_pixels {
            return Err(PhotoError::TooLarge(w, h));
        }
        let orientation = if format == Format::Jpeg {
            exif_orientation(&bytes)
        } else {
            1
        };
        Ok(Photo {
            bytes,
            format,
            stored_px: (w, h),
            orientation,
        })
    }

    /// Bytes for a renderer that ignores EXIF orientation (Word): the
    /// original when upright, otherwise decoded, turned and re-encoded.
    pub fn upright_bytes(&self) -> Result<(Arc<[u8]>, Format), PhotoError> {
        if self.orientation <= 1 {
            return Ok((self.bytes.clone(), self.format));
        }
        let img =
            image::load_from_memory(&self.bytes).map_err(|e| PhotoError::Corrupt(e.to_string()))?;
        let img = match self.orientation {
            2 => img.fliph(),
            3 => img.rotate180(),
            4 => img.flipv(),
            5 => img.rotate90().fliph(),
            6 => img.rotate90(),
            7 => img.rotate270().fliph(),
            8 => img.rotate270(),
            _ => img,
        };
        let mut out = Vec::new();
        let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92);
        img.to_rgb8()
            .write_with_encoder(enc)
            .map_err(|e| PhotoError::Corrupt(e.to_string()))?;
        Ok((out.into(), Format::Jpeg))
    }
}

/// Identifies the format by magic bytes, not by name.
pub fn sniff(bytes: &[u8]) -> Result<Format, PhotoError> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(Format::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok(Format::Png)
    } else if bytes.starts_with(b"GIF8") {
        Err(PhotoError::NotAnImage("GIF 图片"))
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Err(PhotoError::NotAnImage("WebP 图片"))
    } else if bytes
        .get(4..12)
        .is_some_and(|b| b.starts_with(b"ftyphei") || b.starts_with(b"ftypmif"))
    {
        Err(PhotoError::NotAnImage("HEIC 图片（苹果手机格式）"))
    } else if bytes.starts_with(b"BM") {
        Err(PhotoError::NotAnImage("BMP 图片"))
    } else if bytes.starts_with(b"%PDF") {
        Err(PhotoError::NotAnImage("PDF 文件"))
    } else {
        Err(PhotoError::NotAnImage("无法识别的文件"))
    }
}

fn exif_orientation(bytes: &[u8]) -> u16 {
    exif_orientation_from(&mut Cursor::new(bytes))
}

/// EXIF orientation from a reader positioned at the file's start; reads
/// only up to the EXIF segment.
fn exif_orientation_from<R: std::io::BufRead + std::io::Seek>(reader: &mut R) -> u16 {
    let Ok(exif) = exif::Reader::new().read_from_container(reader) else {
        return 1;
    };
    exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .filter(|v| (1..=8).contains(v))
        .map(|v| v as u16)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testkit::jpeg;

    #[test]
    fn reads_size_and_orientation() {
        let p = Photo::from_bytes(jpeg(40, 20, Some(6)).into(), 1 << 30).unwrap();
        assert_eq!(p.format, Format::Jpeg);
        assert_eq!(p.stored_px, (40, 20));
        assert_eq!(p.orientation, 6);
        assert_eq!(p.display_px(), (20, 40));
        let (bytes, f) = p.upright_bytes().unwrap();
        assert_eq!(f, Format::Jpeg);
        let up = Photo::from_bytes(bytes, 1 << 30).unwrap();
        assert_eq!((up.stored_px, up.orientation), ((20, 40), 1));
    }

    #[test]
    fn sniffs_by_bytes_not_name() {
        assert!(matches!(
            sniff(b"GIF89a...."),
            Err(PhotoError::NotAnImage(_))
        ));
        assert!(matches!(
            Photo::from_bytes(b"\xFF\xD8\xFF\xE0trunc".to_vec().into(), 1 << 30),
            Err(PhotoError::Corrupt(_))
        ));
    }

    #[test]
    fn refuses_huge_header_claims() {
        let p = Photo::from_bytes(jpeg(64, 64, None).into(), 1000);
        assert!(matches!(p, Err(PhotoError::TooLarge(64, 64))));
    }
}

/// What `check` needs to know about a photo, read from its header and its
/// last bytes only: 600 photos of 2.5 MB are checked without decoding any.
#[derive(Debug, Clone)]
pub struct Probe {
    pub bytes: u64,
    pub format: Format,
    pub stored_px: (u32, u32),
    pub orientation: u16,
}

impl Probe {
    pub fn display_px(&self) -> (u32, u32) {
        oriented(self.stored_px, self.orientation)
    }
}

/// Stored pixel size turned by an EXIF orientation (5–8 swap the sides).
fn oriented((w, h): (u32, u32), orientation: u16) -> (u32, u32) {
    if (5..=8).contains(&orientation) {
        (h, w)
    } else {
        (w, h)
    }
}

pub fn probe(path: &Path, max_pixels: u64) -> Result<Probe, PhotoError> {
    use std::io::{BufReader, Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path).map_err(PhotoError::Io)?;
    let bytes = f.metadata().map_err(PhotoError::Io)?.len();
    let mut head = [0u8; 16];
    let n = f.read(&mut head).map_err(PhotoError::Io)?;
    let format = sniff(&head[..n])?;
    f.seek(SeekFrom::Start(0)).map_err(PhotoError::Io)?;
    let mut reader = BufReader::new(f);
    let size = imagesize::reader_size(&mut reader)
        .map_err(|e| PhotoError::Corrupt(format!("文件头无法读取：{e}")))?;
    let (w, h) = (size.width as u32, size.height as u32);
    if w == 0 || h == 0 {
        return Err(PhotoError::Corrupt("宽或高为 0".into()));
    }
    if w as u64 * h as u64 > max_pixels {
        return Err(PhotoError::TooLarge(w, h));
    }
    let mut orientation = 1;
    if format == Format::Jpeg {
        reader.seek(SeekFrom::Start(0)).map_err(PhotoError::Io)?;
        orientation = exif_orientation_from(&mut reader);
        // A complete JPEG ends with the EOI marker (some cameras pad after it).
        let tail_len = bytes.min(4096);
        reader
            .seek(SeekFrom::Start(bytes - tail_len))
            .map_err(PhotoError::Io)?;
        let mut tail = Vec::with_capacity(tail_len as usize);
        reader.read_to_end(&mut tail).map_err(PhotoError::Io)?;
        if !tail.windows(2).any(|w| w == [0xFF, 0xD9]) {
            return Err(PhotoError::Corrupt(
                "文件不完整，缺少结尾标记，可能没有下载或复制完".into(),
            ));
        }
    }
    Ok(Probe {
        bytes,
        format,
        stored_px: (w, h),
        orientation,
    })
}

/// A photo made for print at `dpi` for its printed width: decoded, turned
/// upright, resized and re-encoded as JPEG. Originals are never touched;
/// results are cached by content hash in `cache_dir`, so a second run
/// reads them back instead of decoding again.
pub fn resample(
    photo: &Photo,
    width_mm: f64,
    dpi: u32,
    cache_dir: Option<&Path>,
) -> Result<Photo, PhotoError> {
    use sha2::{Digest, Sha256};
    let target_w = (width_mm / 25.4 * dpi as f64).round().max(1.0) as u32;
    let (w, h) = photo.display_px();
    // Already small enough: keep the original bytes.
    if w <= target_w && photo.orientation <= 1 {
        return Ok(photo.clone());
    }
    let mut hasher = Sha256::new();
    hasher.update(&photo.bytes[..]);
    hasher.update(target_w.to_le_bytes());
    let key: String = hasher
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    let cached = cache_dir.map(|d| d.join(format!("{key}.jpg")));
    if let Some(p) = &cached {
        if let Ok(bytes) = std::fs::read(p) {
            if let Ok(ph) = Photo::from_bytes(bytes.into(), u64::MAX) {
                return Ok(ph);
            }
        }
    }
    let (upright, _) = photo.upright_bytes()?;
    let img = image::load_from_memory(&upright).map_err(|e| PhotoError::Corrupt(e.to_string()))?;
    let target_h = ((h as f64) * target_w as f64 / w as f64).round().max(1.0) as u32;
    let img = if w > target_w {
        img.resize_exact(target_w, target_h, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    let mut out = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    img.to_rgb8()
        .write_with_encoder(enc)
        .map_err(|e| PhotoError::Corrupt(e.to_string()))?;
    if let (Some(p), Some(dir)) = (&cached, cache_dir) {
        // A cache that cannot be written only costs time next run.
        let _ = std::fs::create_dir_all(dir);
        let _ = crate::output::write_atomic(p, &out, &[]);
    }
    Photo::from_bytes(out.into(), u64::MAX)
}
