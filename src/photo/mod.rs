//! Photos: format, dimensions, colour layout and EXIF orientation read
//! from the file's structure, never by decoding it. A photo's bytes stay on
//! disk until a renderer streams them; decoding happens only to make a
//! smaller copy (print resolution for a volume, the screen for a preview).

pub mod jpeg;

use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
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
}

/// Where a photo's bytes are.
#[derive(Debug, Clone)]
pub enum Data {
    Memory(Arc<[u8]>),
    /// Read when a renderer needs them, so a volume of 3,000 photos never
    /// holds them all at once.
    File(PathBuf),
}

/// A photo, as its structure describes it.
#[derive(Debug, Clone)]
pub struct Photo {
    pub data: Data,
    pub format: Format,
    /// Stored pixel size, before EXIF rotation.
    pub stored_px: (u32, u32),
    /// EXIF orientation 1–8 (1 = upright).
    pub orientation: u16,
    /// 1 grey, 3 colour, 4 CMYK.
    pub components: u8,
    /// File size in bytes.
    pub len: u64,
    /// The image can be read to its end. Data after the end (padding,
    /// camera trailers, MPO frames) does not matter.
    pub complete: bool,
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

/// Format, stored size, orientation, components, whether it is whole.
type Described = (Format, (u32, u32), u16, u8, bool);

/// What a JPEG or PNG's structure says (`whole`: read to its end, else
/// only its headers).
fn describe<R: Read + Seek>(
    r: &mut R,
    len: u64,
    max_pixels: u64,
    whole: bool,
) -> Result<Described, PhotoError> {
    let mut head = [0u8; jpeg::SNIFF_LEN];
    let n = r.read(&mut head).map_err(PhotoError::Io)?;
    let format = sniff(&head[..n])?;
    let (px, orientation, components, complete) = match format {
        Format::Jpeg => {
            let s = if whole {
                jpeg::scan(r, len)
            } else {
                jpeg::scan_headers(r, len)
            }
            .map_err(jpeg_error)?;
            (
                (s.width, s.height),
                orientation_of(&s),
                s.components,
                !s.is_truncated(),
            )
        }
        Format::Png => {
            r.seek(SeekFrom::Start(0)).map_err(PhotoError::Io)?;
            let size = imagesize::reader_size(std::io::BufReader::new(r))
                .map_err(|e| PhotoError::Corrupt(format!("文件头无法读取：{e}")))?;
            ((size.width as u32, size.height as u32), 1, 3, true)
        }
    };
    let (w, h) = px;
    if w == 0 || h == 0 {
        return Err(PhotoError::Corrupt("宽或高为 0".into()));
    }
    if w as u64 * h as u64 > max_pixels {
        return Err(PhotoError::TooLarge(w, h));
    }
    Ok((format, px, orientation, components, complete))
}

impl Photo {
    /// Size as displayed, after EXIF rotation.
    pub fn display_px(&self) -> (u32, u32) {
        oriented(self.stored_px, self.orientation)
    }

    /// Reads a photo's structure, to its end (so `complete` is known);
    /// its bytes stay on disk.
    pub fn open(path: &Path, max_pixels: u64) -> Result<Photo, PhotoError> {
        Photo::open_with(path, max_pixels, true)
    }

    /// As `open`, reading only the headers before the image data: for a
    /// photo the check has just read whole (`complete` is then assumed).
    pub fn open_headers(path: &Path, max_pixels: u64) -> Result<Photo, PhotoError> {
        Photo::open_with(path, max_pixels, false)
    }

    fn open_with(path: &Path, max_pixels: u64, whole: bool) -> Result<Photo, PhotoError> {
        let mut f = std::fs::File::open(path).map_err(PhotoError::Io)?;
        let len = f.metadata().map_err(PhotoError::Io)?.len();
        let described = describe(&mut f, len, max_pixels, whole)?;
        Ok(Photo::new(Data::File(path.to_path_buf()), len, described))
    }

    pub fn from_bytes(bytes: Arc<[u8]>, max_pixels: u64) -> Result<Photo, PhotoError> {
        let len = bytes.len() as u64;
        let described = describe(&mut Cursor::new(&bytes[..]), len, max_pixels, true)?;
        Ok(Photo::new(Data::Memory(bytes), len, described))
    }

    fn new(data: Data, len: u64, described: Described) -> Photo {
        let (format, stored_px, orientation, components, complete) = described;
        Photo {
            data,
            format,
            stored_px,
            orientation,
            components,
            len,
            complete,
        }
    }

    /// The photo's bytes, read now if they are on disk.
    pub fn bytes(&self) -> Result<Arc<[u8]>, PhotoError> {
        match &self.data {
            Data::Memory(b) => Ok(b.clone()),
            Data::File(p) => std::fs::read(p).map(Arc::from).map_err(PhotoError::Io),
        }
    }
}

/// Decodes a JPEG or PNG (CMYK and grey become RGB).
fn decode(bytes: &[u8]) -> Result<image::RgbImage, PhotoError> {
    Ok(image::load_from_memory(bytes)
        .map_err(|e| PhotoError::Corrupt(e.to_string()))?
        .into_rgb8())
}

/// Turns decoded pixels by an EXIF orientation.
fn orient(img: image::RgbImage, orientation: u16) -> image::RgbImage {
    use image::imageops::{flip_horizontal, flip_vertical, rotate180, rotate270, rotate90};
    match orientation {
        2 => flip_horizontal(&img),
        3 => rotate180(&img),
        4 => flip_vertical(&img),
        5 => flip_horizontal(&rotate90(&img)),
        6 => rotate90(&img),
        7 => flip_horizontal(&rotate270(&img)),
        8 => rotate270(&img),
        _ => img,
    }
}

/// JPEG with SIMD where the CPU has it (jpeg-encoder: 3–4× the `image`
/// crate's encoder on this machine), 4:2:0 as cameras write.
fn encode(img: &image::RgbImage, quality: u8) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::new();
    let (w, h) = img.dimensions();
    let (w16, h16) = (
        u16::try_from(w).map_err(|_| PhotoError::TooLarge(w, h))?,
        u16::try_from(h).map_err(|_| PhotoError::TooLarge(w, h))?,
    );
    jpeg_encoder::Encoder::new(&mut out, quality)
        .encode(img.as_raw(), w16, h16, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| PhotoError::Corrupt(e.to_string()))?;
    Ok(out)
}

thread_local! {
    /// Each worker decodes into one buffer, reused photo after photo.
    static DECODED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Decodes a JPEG into `buf` as RGB (grey and CMYK converted); returns
/// its size.
fn decode_jpeg(bytes: &[u8], buf: &mut Vec<u8>) -> Result<(u32, u32), PhotoError> {
    use zune_core::{bytestream::ZCursor, colorspace::ColorSpace, options::DecoderOptions};
    let corrupt =
        |e: zune_jpeg::errors::DecodeErrors| PhotoError::Corrupt(format!("无法解码：{e:?}"));
    let no_header = || PhotoError::Corrupt("文件头无法读取".into());
    let options = DecoderOptions::default()
        .set_strict_mode(false)
        .set_max_width(usize::MAX)
        .set_max_height(usize::MAX);
    let mut d = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    d.decode_headers().map_err(corrupt)?;
    let grey = d.input_colorspace() == Some(ColorSpace::Luma);
    let out = if grey {
        ColorSpace::Luma
    } else {
        ColorSpace::RGB
    };
    d.set_options(d.options().jpeg_set_out_colorspace(out));
    let (w, h) = d.dimensions().ok_or_else(no_header)?;
    let n = d.output_buffer_size().ok_or_else(no_header)?;
    let px = w * h;
    buf.resize(n.max(px * 3), 0);
    d.decode_into(&mut buf[..n]).map_err(corrupt)?;
    if grey {
        // Spread each grey value over three channels, from the end so the
        // buffer serves as its own source.
        for i in (0..px).rev() {
            let g = buf[i];
            buf[i * 3..i * 3 + 3].fill(g);
        }
    }
    Ok((w as u32, h as u32))
}

/// Scales decoded RGB pixels of size `from` to `to` (SIMD convolution, the
/// same bilinear kernel as before); a copy when the size stays.
fn scale(px: &[u8], from: (u32, u32), to: (u32, u32)) -> Result<image::RgbImage, PhotoError> {
    use fast_image_resize::{
        images::{Image, ImageRef},
        FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer,
    };
    let bad = |e: &dyn std::fmt::Display| PhotoError::Corrupt(e.to_string());
    let ((w, h), (tw, th)) = (from, to);
    if from == to {
        return image::RgbImage::from_raw(w, h, px.to_vec()).ok_or_else(|| bad(&"缩放失败"));
    }
    let src = ImageRef::new(w, h, px, PixelType::U8x3).map_err(|e| bad(&e))?;
    let mut dst = Image::new(tw, th, PixelType::U8x3);
    Resizer::new()
        .resize(
            &src,
            &mut dst,
            &ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Bilinear)),
        )
        .map_err(|e| bad(&e))?;
    image::RgbImage::from_raw(tw, th, dst.into_vec()).ok_or_else(|| bad(&"缩放失败"))
}

/// Identifies the format by its bytes, not by its name; anything but a JPEG
/// or PNG is named for the message (HEIC from an iPhone, WebP, …).
pub fn sniff(bytes: &[u8]) -> Result<Format, PhotoError> {
    match jpeg::sniff_format(bytes) {
        jpeg::Sniffed::Jpeg => Ok(Format::Jpeg),
        jpeg::Sniffed::Png => Ok(Format::Png),
        other => Err(PhotoError::NotAnImage(other.chinese_name())),
    }
}

/// EXIF orientation 1–8; missing or invalid (some devices write 0) is upright.
fn orientation_of(s: &jpeg::JpegStructure) -> u16 {
    s.exif_orientation
        .filter(|o| (1..=8).contains(o))
        .unwrap_or(1)
}

fn jpeg_error(e: jpeg::JpegError) -> PhotoError {
    match e {
        jpeg::JpegError::Io(e) => PhotoError::Io(e),
        jpeg::JpegError::NotJpeg => PhotoError::NotAnImage("无法识别的文件"),
        jpeg::JpegError::Malformed(why) => PhotoError::Corrupt(format!("文件结构损坏：{why}")),
    }
}

/// A photo's structure read without decoding (what `check` needs).
pub fn probe(path: &Path, max_pixels: u64) -> Result<Photo, PhotoError> {
    Photo::open(path, max_pixels)
}

/// `(w, h)` scaled down to at most `max_w` wide, in proportion.
fn fit_width((w, h): (u32, u32), max_w: u32) -> (u32, u32) {
    if w > max_w {
        let h = ((h as f64) * max_w as f64 / w as f64).round().max(1.0) as u32;
        (max_w, h)
    } else {
        (w, h)
    }
}

/// The photo decoded, scaled to `size` (as displayed), turned upright and
/// encoded at `quality`: one path for print copies and screen copies.
fn shrink(
    bytes: Arc<[u8]>,
    format: Format,
    orientation: u16,
    size: (u32, u32),
    quality: u8,
) -> Result<Vec<u8>, PhotoError> {
    // Scale in the stored orientation, turn the small result.
    let (sw, sh) = oriented(size, orientation);
    let img = match format {
        Format::Jpeg => DECODED.with_borrow_mut(|buf| {
            let (dw, dh) = decode_jpeg(&bytes, buf)?;
            let img = scale(&buf[..dw as usize * dh as usize * 3], (dw, dh), (sw, sh));
            // A panorama's buffer is not kept for the rest of the run.
            if buf.capacity() > 64 << 20 {
                *buf = Vec::new();
            }
            img
        })?,
        Format::Png => {
            let img = decode(&bytes)?;
            let (dw, dh) = img.dimensions();
            scale(img.as_raw(), (dw, dh), (sw, sh))?
        }
    };
    drop(bytes);
    encode(&orient(img, orientation), quality)
}

/// Stored pixel size turned by an EXIF orientation (5–8 swap the sides).
fn oriented((w, h): (u32, u32), orientation: u16) -> (u32, u32) {
    if (5..=8).contains(&orientation) {
        (h, w)
    } else {
        (w, h)
    }
}

/// What names a resampled copy in the cache: the original's path, size and
/// modification time, a BLAKE3 of its first and last 64 KiB, and what is
/// made of it. Safe without hashing the whole file: an edited or replaced
/// photo changes its size or its time (every editor and copy tool sets
/// it), and a same-size replacement with the same time would also have to
/// match both ends byte for byte. Reading 128 KiB instead of 2.5 MB keeps a
/// warm volume from reading every original again.
fn cache_key(photo: &Photo, target_w: u32, quality: u8) -> Result<String, PhotoError> {
    let mut h = blake3::Hasher::new();
    h.update(b"baosong-resample-v2");
    h.update(&target_w.to_le_bytes());
    h.update(&[quality]);
    match &photo.data {
        Data::Memory(b) => {
            h.update(b);
        }
        Data::File(p) => {
            let mut f = std::fs::File::open(p).map_err(PhotoError::Io)?;
            let meta = f.metadata().map_err(PhotoError::Io)?;
            let abs = p.canonicalize().unwrap_or_else(|_| p.clone());
            h.update(abs.to_string_lossy().as_bytes());
            h.update(&meta.len().to_le_bytes());
            if let Ok(t) = meta.modified() {
                if let Ok(d) = t.duration_since(std::time::UNIX_EPOCH) {
                    h.update(&d.as_nanos().to_le_bytes());
                }
            }
            let mut buf = vec![0u8; 64 * 1024];
            let n = f.read(&mut buf).map_err(PhotoError::Io)?;
            h.update(&buf[..n]);
            if meta.len() > 128 * 1024 {
                f.seek(SeekFrom::End(-64 * 1024)).map_err(PhotoError::Io)?;
                f.read_exact(&mut buf).map_err(PhotoError::Io)?;
                h.update(&buf);
            }
        }
    }
    Ok(h.finalize().to_hex()[..32].to_string())
}

/// A photo made for print at `dpi` for its printed width: decoded, scaled,
/// turned upright and re-encoded at `quality`. Originals are never
/// touched; results are cached in `cache_dir`, so a second run reads them
/// back instead of decoding again. A photo already small enough and
/// upright is kept as it is.
pub fn resample(
    photo: &Photo,
    width_mm: f64,
    dpi: u32,
    quality: u8,
    cache_dir: Option<&Path>,
) -> Result<Photo, PhotoError> {
    let target_w = (width_mm / 25.4 * dpi as f64).round().max(1.0) as u32;
    let (w, h) = photo.display_px();
    if w <= target_w && photo.orientation <= 1 {
        return Ok(photo.clone());
    }
    let cached = match cache_dir {
        Some(d) => Some(d.join(format!("{}.jpg", cache_key(photo, target_w, quality)?))),
        None => None,
    };
    if let Some(p) = &cached {
        if let Ok(ph) = Photo::open(p, u64::MAX) {
            if ph.complete {
                return Ok(ph);
            }
        }
    }
    let size = fit_width((w, h), target_w);
    let out = shrink(
        photo.bytes()?,
        photo.format,
        photo.orientation,
        size,
        quality,
    )?;
    if let (Some(p), Some(dir)) = (&cached, cache_dir) {
        // A cache that cannot be written only costs time next run.
        let _ = std::fs::create_dir_all(dir);
        if crate::output::write_atomic(p, &out, &[]).is_ok() {
            if let Ok(ph) = Photo::open(p, u64::MAX) {
                return Ok(ph);
            }
        }
    }
    Photo::from_bytes(out.into(), u64::MAX)
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
        assert_eq!(p.components, 3);
        assert_eq!(p.display_px(), (20, 40));
    }

    #[test]
    fn screen_copies_are_upright_and_small() {
        // Stored 64 × 32, shown turned (EXIF 6): 32 × 64, then 20 wide.
        let small = screen_copy(&jpeg(64, 32, Some(6)), 6, 20).unwrap();
        let img = image::load_from_memory(&small).unwrap();
        assert_eq!((img.width(), img.height()), (20, 40));
        let same = screen_copy(&jpeg(16, 8, None), 1, 20).unwrap();
        let img = image::load_from_memory(&same).unwrap();
        assert_eq!((img.width(), img.height()), (16, 8));
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

    #[test]
    fn resampling_scales_turns_and_caches_by_file() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("p.jpg");
        std::fs::write(&f, crate::testkit::photo(800, 600, 1, 90)).unwrap();
        // Stored 800×600 with orientation 6: shown 600×800.
        let mut bytes = std::fs::read(&f).unwrap();
        let with_exif = jpeg(8, 8, Some(6));
        // Borrow the APP1 segment of a tiny JPEG with orientation 6.
        let app1_len = u16::from_be_bytes([with_exif[4], with_exif[5]]) as usize;
        bytes.splice(2..2, with_exif[2..4 + app1_len].iter().copied());
        std::fs::write(&f, &bytes).unwrap();
        let p = Photo::open(&f, u64::MAX).unwrap();
        assert_eq!(p.display_px(), (600, 800));
        let cache = d.path().join("cache");
        // 300 px wide: 25.4 mm at 300 dpi.
        let r = resample(&p, 25.4, 300, 80, Some(&cache)).unwrap();
        assert_eq!((r.stored_px, r.orientation), ((300, 400), 1));
        assert!(matches!(r.data, Data::File(_)));
        assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 1);
        // The same file again: read from the cache.
        let again = resample(&p, 25.4, 300, 80, Some(&cache)).unwrap();
        assert_eq!(again.bytes().unwrap(), r.bytes().unwrap());
        // Another quality is another copy.
        resample(&p, 25.4, 300, 60, Some(&cache)).unwrap();
        assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 2);
    }
}

/// A small upright copy for the screen (the live preview, thumbnails):
/// decoded, turned by its EXIF orientation, scaled to at most `max_w`
/// pixels wide, JPEG. Layout never depends on it: figure sizes come from
/// the original's header.
pub fn screen_copy(bytes: &[u8], orientation: u16, max_w: u32) -> Result<Vec<u8>, PhotoError> {
    let photo = Photo::from_bytes(Arc::from(bytes), u64::MAX)?;
    let size = fit_width(oriented(photo.stored_px, orientation), max_w);
    shrink(photo.bytes()?, photo.format, orientation, size, 80)
}
