//! Structural scan of a JPEG file: size, colour layout, EXIF orientation and,
//! above all, where the first image really ends.
//!
//! Looking for `FF D9` in the last few KiB of a file misjudges real photos:
//! cameras and phones append padding, maker trailers, MPO second frames or
//! extra views after a perfectly complete image. This module instead walks
//! the marker segments from SOI, skips the entropy-coded data of each scan and
//! stops at the EOI that closes the first image. A file is truncated when the
//! data runs out before that EOI; whatever follows it is only counted.
//!
//! std only; memory use is bounded (one 64 KiB read buffer plus at most one
//! 64 KiB segment), whatever the lengths written in the file say.
//!
//! ```text
//! let mut file = File::open(path)?;
//! let len = file.metadata()?.len();
//! let mut head = [0; SNIFF_LEN];
//! let n = file.read(&mut head)?;
//! match scan(&mut file, len) {            // scan seeks back to the start itself
//!     Ok(s) if s.is_truncated() => /* B0206: file incomplete */,
//!     Ok(s) => /* s.width, s.height, s.exif_orientation, s.trailing_bytes ... */,
//!     Err(JpegError::NotJpeg) => /* B0202: say what it is: */ sniff_format(&head[..n]).chinese_name(),
//!     Err(JpegError::Malformed(_)) => /* B0206: broken */,
//!     Err(JpegError::Io(e)) => /* could not read the file */,
//! }
//! ```

use std::fmt;
use std::io::{self, Read, Seek, SeekFrom};

/// What [`scan`] found out about the first image in a JPEG file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JpegStructure {
    /// Stored size from the first frame header (SOFn), before EXIF rotation.
    pub width: u32,
    pub height: u32,
    /// 1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK.
    pub components: u8,
    /// SOF2, SOF6, SOF10 or SOF14.
    pub progressive: bool,
    /// The SOF marker byte (0xC0 baseline, 0xC1 extended, 0xC2 progressive, ...).
    pub sof: u8,
    /// Transform flag of an Adobe APP14 segment (0 none/CMYK, 1 YCbCr, 2 YCCK).
    pub adobe_transform: Option<u8>,
    /// Raw value of tag 0x0112 in IFD0 of the first APP1 Exif segment; values
    /// outside 1..=8 are passed through for the caller to map.
    pub exif_orientation: Option<u16>,
    /// Offset just after the EOI that ends the first image; `None` when the
    /// file ends before it (truncated).
    pub image_end: Option<u64>,
    /// Bytes after `image_end` (padding, trailers, further frames); 0 when truncated.
    pub trailing_bytes: u64,
    /// An APP2 "MPF" segment (CIPA multi-picture format) is present.
    pub mpo: bool,
}

impl JpegStructure {
    /// The file ends before the first image's EOI.
    pub fn is_truncated(&self) -> bool {
        self.image_end.is_none()
    }
}

#[derive(Debug)]
pub enum JpegError {
    /// The file does not start with SOI (`FF D8`).
    NotJpeg,
    Io(io::Error),
    /// The structure is broken beyond "cut short after the frame header",
    /// e.g. an impossible segment length or a file that ends before SOFn.
    Malformed(String),
}

impl fmt::Display for JpegError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JpegError::NotJpeg => f.write_str("not a JPEG file (no SOI marker)"),
            JpegError::Io(e) => write!(f, "I/O error: {e}"),
            JpegError::Malformed(why) => write!(f, "malformed JPEG: {why}"),
        }
    }
}

impl std::error::Error for JpegError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            JpegError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for JpegError {
    fn from(e: io::Error) -> Self {
        JpegError::Io(e)
    }
}

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const APP1: u8 = 0xE1;
const APP2: u8 = 0xE2;
const APP14: u8 = 0xEE;

/// Header segments are read in small pieces so that large APPn segments
/// (ICC profiles, XMP, previews) are seeked over rather than read.
const HEADER_READ: usize = 4 * 1024;
/// Entropy-coded data is read in large pieces: it must be looked at anyway.
const DATA_READ: usize = 64 * 1024;
/// How much of an uninteresting-looking segment is read to recognise it.
const SEGMENT_HEAD: u64 = 16;

fn is_sof(marker: u8) -> bool {
    // C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames.
    matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
}

fn is_progressive_sof(marker: u8) -> bool {
    matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE)
}

/// Scans the JPEG in `r` from its start. `file_len` is the file's length; it
/// bounds seeks and gives `trailing_bytes`.
///
/// Returns `Ok` with `image_end: None` when the file is cut short after the
/// frame header, and `Err(Malformed)` when it cannot be read that far or
/// when its structure is impossible.
pub fn scan<R: Read + Seek>(r: &mut R, file_len: u64) -> Result<JpegStructure, JpegError> {
    scan_with(r, file_len, false)
}

/// As `scan`, but stops at the first scan (SOS): size, layout and
/// orientation without reading the image data, for a file `scan` has
/// already found whole. `image_end` is then the file's length.
pub fn scan_headers<R: Read + Seek>(r: &mut R, file_len: u64) -> Result<JpegStructure, JpegError> {
    scan_with(r, file_len, true)
}

fn scan_with<R: Read + Seek>(
    r: &mut R,
    file_len: u64,
    headers_only: bool,
) -> Result<JpegStructure, JpegError> {
    r.seek(SeekFrom::Start(0))?;
    let mut input = Input::new(r, file_len);
    if input.byte()? != Some(0xFF) || input.byte()? != Some(SOI) {
        return Err(JpegError::NotJpeg);
    }

    let mut frame: Option<(u8, u32, u32, u8)> = None; // (sof, width, height, components)
    let mut exif_seen = false;
    let mut exif_orientation = None;
    let mut adobe_transform = None;
    let mut mpo = false;
    let mut scans = 0u32;
    let mut segment = Vec::new();
    // A marker already consumed by the entropy-data scan.
    let mut pending: Option<u8> = None;

    let image_end = loop {
        let marker = match pending.take() {
            Some(m) => m,
            None => match input.next_marker()? {
                Some(m) => m,
                None => break None,
            },
        };
        let marker_at = input.offset() - 2;
        match marker {
            EOI => break Some(input.offset()),
            SOI => {
                return Err(JpegError::Malformed(format!(
                    "SOI at offset {marker_at} before the first image ended"
                )));
            }
            // Standalone markers without a length: TEM and stray restarts.
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }

        let Some(length) = input.u16()? else {
            break None;
        };
        if length < 2 {
            return Err(JpegError::Malformed(format!(
                "segment FF {marker:02X} at offset {marker_at} has length {length}"
            )));
        }
        let payload = u64::from(length - 2);

        if marker == SOS && headers_only && frame.is_some() {
            scans += 1;
            break Some(file_len);
        }
        let wanted = (is_sof(marker) && frame.is_none()) || matches!(marker, APP1 | APP2 | APP14);
        if !wanted {
            if !input.skip(payload)? {
                break None;
            }
            if marker == SOS {
                scans += 1;
                match input.skip_entropy_data()? {
                    Some(m) => pending = Some(m),
                    None => break None,
                }
            }
            continue;
        }

        // Read a short head to recognise the segment; read the rest only if
        // it is parsed (SOFn, the first Exif APP1), else seek over it.
        segment.clear();
        let head = payload.min(SEGMENT_HEAD);
        if !input.read_append(&mut segment, head)? {
            break None;
        }
        let is_exif = marker == APP1 && !exif_seen && segment.starts_with(b"Exif\0\0");
        let rest = payload - head;
        let complete = if is_sof(marker) || is_exif {
            input.read_append(&mut segment, rest)?
        } else {
            input.skip(rest)?
        };
        if !complete {
            break None;
        }

        match marker {
            APP1 if is_exif => {
                exif_seen = true;
                exif_orientation = tiff_orientation(&segment[6..]);
            }
            APP2 if segment.starts_with(b"MPF\0") => mpo = true,
            APP14 if segment.starts_with(b"Adobe") && segment.len() >= 12 => {
                adobe_transform = Some(segment[11]);
            }
            m if is_sof(m) => {
                let [_precision, h1, h0, w1, w0, components, ..] = segment[..] else {
                    return Err(JpegError::Malformed(format!(
                        "frame header at offset {marker_at} is only {} bytes",
                        segment.len()
                    )));
                };
                let height = u32::from(u16::from_be_bytes([h1, h0]));
                let width = u32::from(u16::from_be_bytes([w1, w0]));
                frame = Some((m, width, height, components));
            }
            _ => {}
        }
    };

    let Some((sof, width, height, components)) = frame else {
        return Err(JpegError::Malformed(match image_end {
            Some(end) => format!("EOI at offset {} without a frame header", end - 2),
            None => "file ends before the frame header (SOFn)".to_string(),
        }));
    };
    if image_end.is_some() && scans == 0 {
        return Err(JpegError::Malformed(
            "EOI before any scan (SOS)".to_string(),
        ));
    }
    Ok(JpegStructure {
        width,
        height,
        components,
        progressive: is_progressive_sof(sof),
        sof,
        adobe_transform,
        exif_orientation,
        image_end,
        trailing_bytes: image_end.map_or(0, |end| file_len.saturating_sub(end)),
        mpo,
    })
}

/// Orientation (tag 0x0112) from IFD0 of a TIFF structure, either byte order.
fn tiff_orientation(tiff: &[u8]) -> Option<u16> {
    let big_endian = match tiff.get(..4)? {
        b"II*\0" => false,
        b"MM\0*" => true,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };

    let ifd0 = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd0)?);
    for i in 0..count {
        // Entries are 12 bytes: tag, type, count, value (inline when it fits).
        let entry = ifd0.checked_add(2 + 12 * i)?;
        if u16_at(entry)? != 0x0112 {
            continue;
        }
        return match u16_at(entry + 2)? {
            3 => u16_at(entry + 8), // SHORT, as the spec says
            4 => u32_at(entry + 8).map(|v| u16::try_from(v).unwrap_or(u16::MAX)), // LONG: sloppy writers
            _ => None,
        };
    }
    None
}

/// Buffered reader that tracks the file offset and seeks over what it skips.
struct Input<'a, R> {
    inner: &'a mut R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// File offset of `buf[0]`.
    buf_offset: u64,
    file_len: u64,
}

impl<'a, R: Read + Seek> Input<'a, R> {
    fn new(inner: &'a mut R, file_len: u64) -> Self {
        Input {
            inner,
            buf: vec![0; DATA_READ],
            start: 0,
            end: 0,
            buf_offset: 0,
            file_len,
        }
    }

    fn offset(&self) -> u64 {
        self.buf_offset + self.start as u64
    }

    /// Refills the (empty) buffer with up to `want` bytes; false at end of file.
    fn fill(&mut self, want: usize) -> io::Result<bool> {
        debug_assert_eq!(self.start, self.end);
        self.buf_offset += self.end as u64;
        self.start = 0;
        self.end = 0;
        loop {
            match self.inner.read(&mut self.buf[..want]) {
                Ok(n) => {
                    self.end = n;
                    return Ok(n > 0);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    fn byte(&mut self) -> io::Result<Option<u8>> {
        if self.start == self.end && !self.fill(HEADER_READ)? {
            return Ok(None);
        }
        self.start += 1;
        Ok(Some(self.buf[self.start - 1]))
    }

    fn u16(&mut self) -> io::Result<Option<u16>> {
        let (Some(hi), Some(lo)) = (self.byte()?, self.byte()?) else {
            return Ok(None);
        };
        Ok(Some(u16::from_be_bytes([hi, lo])))
    }

    /// Skips `n` bytes; false if that would pass the end of the file.
    fn skip(&mut self, n: u64) -> io::Result<bool> {
        let buffered = (self.end - self.start) as u64;
        if n <= buffered {
            self.start += n as usize;
            return Ok(true);
        }
        let target = match self.offset().checked_add(n) {
            Some(t) if t <= self.file_len => t,
            _ => return Ok(false),
        };
        self.inner.seek(SeekFrom::Start(target))?;
        self.buf_offset = target;
        self.start = 0;
        self.end = 0;
        Ok(true)
    }

    /// Appends the next `n` bytes to `out`; false if the file ends first.
    /// Callers pass segment lengths, so `n` < 64 KiB.
    fn read_append(&mut self, out: &mut Vec<u8>, n: u64) -> io::Result<bool> {
        let mut left = n as usize;
        while left > 0 {
            if self.start == self.end && !self.fill(HEADER_READ)? {
                return Ok(false);
            }
            let take = left.min(self.end - self.start);
            out.extend_from_slice(&self.buf[self.start..self.start + take]);
            self.start += take;
            left -= take;
        }
        Ok(true)
    }

    /// Marker in the header part: skips fill bytes and, like libjpeg, stray
    /// bytes before the FF (seen after segments with a wrong length).
    fn next_marker(&mut self) -> io::Result<Option<u8>> {
        loop {
            match self.byte()? {
                None => return Ok(None),
                Some(0xFF) => {}
                Some(_) => continue,
            }
            loop {
                match self.byte()? {
                    None => return Ok(None),
                    Some(0xFF) => {}
                    Some(0x00) => break, // not a marker: keep looking
                    Some(m) => return Ok(Some(m)),
                }
            }
        }
    }

    /// Skips entropy-coded data and returns the marker that ends it, already
    /// consumed; `None` at end of file. `FF 00` (stuffing) and `FF D0`..`FF D7`
    /// (restarts) belong to the data.
    fn skip_entropy_data(&mut self) -> io::Result<Option<u8>> {
        loop {
            match find_ff(&self.buf[self.start..self.end]) {
                Some(i) => self.start += i + 1,
                None => {
                    self.start = self.end;
                    if !self.fill(DATA_READ)? {
                        return Ok(None);
                    }
                    continue;
                }
            }
            loop {
                match self.byte()? {
                    None => return Ok(None),
                    Some(0xFF) => {}
                    Some(0x00 | 0xD0..=0xD7) => break,
                    Some(m) => return Ok(Some(m)),
                }
            }
        }
    }
}

/// Position of the first 0xFF. Whole 32-byte blocks are tested without an
/// early exit, which the compiler vectorises; this is the hot loop.
fn find_ff(data: &[u8]) -> Option<usize> {
    let mut blocks = data.chunks_exact(32);
    let mut at = 0;
    for block in &mut blocks {
        if block.iter().fold(false, |found, &b| found | (b == 0xFF)) {
            return block.iter().position(|&b| b == 0xFF).map(|i| at + i);
        }
        at += 32;
    }
    blocks
        .remainder()
        .iter()
        .position(|&b| b == 0xFF)
        .map(|i| at + i)
}

/// What a file is, judged from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Jpeg,
    Png,
    Gif,
    WebP,
    /// HEIC/HEIF (ISO-BMFF with a HEIF brand), as iPhones write by default.
    Heic,
    Avif,
    Bmp,
    Tiff,
    Pdf,
    Unknown,
}

/// Enough leading bytes for [`sniff_format`] to see an ISO-BMFF `ftyp` box
/// with its compatible brands.
pub const SNIFF_LEN: usize = 64;

impl Sniffed {
    /// Name for messages to schools.
    pub fn chinese_name(self) -> &'static str {
        match self {
            Sniffed::Jpeg => "JPEG 图片",
            Sniffed::Png => "PNG 图片",
            Sniffed::Gif => "GIF 图片",
            Sniffed::WebP => "WebP 图片",
            Sniffed::Heic => "HEIC 图片（苹果手机默认格式）",
            Sniffed::Avif => "AVIF 图片",
            Sniffed::Bmp => "BMP 图片",
            Sniffed::Tiff => "TIFF 图片",
            Sniffed::Pdf => "PDF 文件",
            Sniffed::Unknown => "无法识别的文件",
        }
    }
}

/// Names the format of a file from its first bytes (pass [`SNIFF_LEN`] or
/// more when the file is that long).
pub fn sniff_format(head: &[u8]) -> Sniffed {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Sniffed::Jpeg
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Sniffed::Png
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Sniffed::Gif
    } else if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
        Sniffed::WebP
    } else if head.get(4..8) == Some(b"ftyp") {
        sniff_ftyp(head)
    } else if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        Sniffed::Tiff
    } else if head.starts_with(b"%PDF-") {
        Sniffed::Pdf
    } else if is_bmp(head) {
        Sniffed::Bmp
    } else {
        Sniffed::Unknown
    }
}

/// ISO-BMFF: a specific major brand decides; after a generic one (mif1,
/// msf1: "some HEIF") the compatible brands do, AVIF first, since AVIF
/// files list mif1 too.
fn sniff_ftyp(head: &[u8]) -> Sniffed {
    const AVIF: [&[u8]; 2] = [b"avif", b"avis"];
    const HEIC: [&[u8]; 6] = [b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"];
    const GENERIC_HEIF: [&[u8]; 2] = [b"mif1", b"msf1"];
    let Some(major) = head.get(8..12) else {
        return Sniffed::Unknown;
    };
    if AVIF.contains(&major) {
        return Sniffed::Avif;
    }
    if HEIC.contains(&major) {
        return Sniffed::Heic;
    }
    // Compatible brands follow the minor version, up to the end of the box.
    let box_len = head[..4]
        .iter()
        .fold(0usize, |acc, &b| acc << 8 | usize::from(b));
    let compatible = head.get(16..box_len.min(head.len())).unwrap_or_default();
    let brands = || std::iter::once(major).chain(compatible.chunks_exact(4));
    if brands().any(|b| AVIF.contains(&b)) {
        Sniffed::Avif
    } else if brands().any(|b| HEIC.contains(&b) || GENERIC_HEIF.contains(&b)) {
        Sniffed::Heic
    } else {
        Sniffed::Unknown
    }
}

/// "BM" alone is too weak (text can start so): also check the DIB header size.
fn is_bmp(head: &[u8]) -> bool {
    if !head.starts_with(b"BM") {
        return false;
    }
    match head.get(14..18) {
        Some(&[a, b, c, d]) => {
            matches!(
                u32::from_le_bytes([a, b, c, d]),
                12 | 16 | 40 | 52 | 56 | 64 | 108 | 124
            )
        }
        _ => head.len() < 18, // too short to tell: trust the signature
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn run(bytes: &[u8]) -> Result<JpegStructure, JpegError> {
        scan(&mut Cursor::new(bytes), bytes.len() as u64)
    }

    /// Deterministic xorshift, so failures can be replayed.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let len = u16::try_from(payload.len() + 2).unwrap();
        let mut v = vec![0xFF, marker];
        v.extend(len.to_be_bytes());
        v.extend_from_slice(payload);
        v
    }

    fn frame(marker: u8, width: u16, height: u16, components: u8) -> Vec<u8> {
        let mut p = vec![8];
        p.extend(height.to_be_bytes());
        p.extend(width.to_be_bytes());
        p.push(components);
        for id in 1..=components {
            p.extend([id, 0x11, 0]);
        }
        segment(marker, &p)
    }

    fn scan_header(components: u8) -> Vec<u8> {
        let mut p = vec![components];
        for id in 1..=components {
            p.extend([id, 0]);
        }
        p.extend([0, 63, 0]);
        segment(SOS, &p)
    }

    /// Entropy-coded-looking data: random bytes with every FF stuffed, a
    /// restart marker every 97 bytes and some fill bytes before a restart.
    fn entropy(len: usize, seed: u64) -> Vec<u8> {
        let mut rng = Rng(seed | 1);
        let mut v = Vec::with_capacity(len + len / 64);
        let mut restart = 0u8;
        while v.len() < len {
            let b = rng.next() as u8;
            v.push(b);
            if b == 0xFF {
                v.push(0x00);
            }
            if v.len() % 97 == 0 {
                if restart == 3 {
                    v.push(0xFF); // fill bytes before a marker are legal
                }
                v.extend([0xFF, 0xD0 + restart % 8]);
                restart += 1;
            }
        }
        v
    }

    /// SOI, `extra` segments, DQT, the frame, `scans` scans each preceded by
    /// a DHT, EOI.
    fn jpeg(extra: &[Vec<u8>], sof: Vec<u8>, scans: usize) -> Vec<u8> {
        let mut v = vec![0xFF, SOI];
        for s in extra {
            v.extend(s);
        }
        v.extend(segment(0xDB, &[0; 65]));
        v.extend(sof);
        for i in 0..scans {
            v.extend(segment(0xC4, &[0; 29]));
            v.extend(scan_header(3));
            v.extend(entropy(3000, i as u64 + 7));
        }
        v.extend([0xFF, EOI]);
        v
    }

    fn baseline() -> Vec<u8> {
        jpeg(&[], frame(0xC0, 640, 480, 3), 1)
    }

    /// APP1 Exif with IFD0 = { Make "Cam", tag 0x0112 of `kind` = `value` }.
    fn exif(big_endian: bool, orientation: Option<(u16, u32)>) -> Vec<u8> {
        let w16 = |v: u16| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let w32 = |v: u32| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let mut t = Vec::new();
        t.extend_from_slice(if big_endian { b"MM\0*" } else { b"II*\0" });
        t.extend(w32(8));
        t.extend(w16(1 + u16::from(orientation.is_some())));
        t.extend(w16(0x010F));
        t.extend(w16(2));
        t.extend(w32(4));
        t.extend_from_slice(b"Cam\0");
        if let Some((kind, value)) = orientation {
            t.extend(w16(0x0112));
            t.extend(w16(kind));
            t.extend(w32(1));
            match kind {
                3 => t.extend(w16(value as u16).into_iter().chain([0, 0])),
                _ => t.extend(w32(value)),
            }
        }
        t.extend(w32(0)); // no IFD1
        let mut p = b"Exif\0\0".to_vec();
        p.extend(t);
        segment(APP1, &p)
    }

    #[test]
    fn complete_baseline() {
        let bytes = baseline();
        let s = run(&bytes).unwrap();
        assert_eq!(
            s,
            JpegStructure {
                width: 640,
                height: 480,
                components: 3,
                progressive: false,
                sof: 0xC0,
                adobe_transform: None,
                exif_orientation: None,
                image_end: Some(bytes.len() as u64),
                trailing_bytes: 0,
                mpo: false,
            }
        );
        assert!(!s.is_truncated());
    }

    #[test]
    fn data_after_eoi_is_only_counted() {
        let image = baseline();
        let mut samsung = b"\0\0SEFH".to_vec();
        samsung.extend([0xFF, 0xD8, 0xFF, 0xD9, 0x12]);
        let trailers: [Vec<u8>; 4] = [
            vec![0; 5000],   // camera padding to a block size
            samsung,         // maker trailer that even holds marker bytes
            baseline(),      // MPO-like second frame
            vec![0xFF; 300], // fill bytes
        ];
        for trailer in trailers {
            let mut bytes = image.clone();
            bytes.extend(&trailer);
            let s = run(&bytes).unwrap();
            assert_eq!(s.image_end, Some(image.len() as u64));
            assert_eq!(s.trailing_bytes, trailer.len() as u64);
        }
    }

    #[test]
    fn progressive_with_many_scans() {
        for sof in [0xC2, 0xC6, 0xCA, 0xCE] {
            let bytes = jpeg(&[], frame(sof, 100, 50, 3), 6);
            let s = run(&bytes).unwrap();
            assert!(s.progressive);
            assert_eq!(s.sof, sof);
            assert_eq!(s.image_end, Some(bytes.len() as u64));
        }
        let s = run(&jpeg(&[], frame(0xC1, 100, 50, 1), 1)).unwrap();
        assert!(!s.progressive);
        assert_eq!(s.components, 1);
    }

    #[test]
    fn restarts_stuffing_and_fill_bytes_do_not_end_the_scan() {
        let mut bytes = vec![0xFF, SOI, 0xFF, 0xFF]; // fill bytes before a marker
        bytes.extend(segment(0xDB, &[0; 65]));
        bytes.extend(frame(0xC0, 8, 8, 1));
        bytes.extend(segment(0xDD, &[0, 1])); // DRI
        bytes.extend(scan_header(1));
        bytes.extend([0x12, 0xFF, 0x00, 0xFF, 0xFF, 0x00, 0x34]);
        for rst in 0xD0..=0xD7 {
            bytes.extend([0x56, 0xFF, rst, 0xFF, 0xFF, rst]);
        }
        bytes.extend([0xFF, 0xFF, 0xFF, EOI]);
        let end = bytes.len() as u64;
        bytes.extend([0xFF, 0xD9]);
        assert_eq!(run(&bytes).unwrap().image_end, Some(end));
    }

    #[test]
    fn eoi_inside_a_segment_is_skipped() {
        // An EXIF thumbnail is a whole JPEG inside APP1; its EOI is not ours.
        let mut thumb = b"Exif\0\0MM\0*\0\0\0\x08\0\0".to_vec();
        thumb.extend(baseline());
        let bytes = jpeg(&[segment(APP1, &thumb)], frame(0xC0, 640, 480, 3), 1);
        assert_eq!(run(&bytes).unwrap().image_end, Some(bytes.len() as u64));
    }

    #[test]
    fn truncated_at_every_length() {
        let bytes = jpeg(&[exif(false, Some((3, 6)))], frame(0xC2, 64, 48, 3), 3);
        let sof_end = bytes.windows(2).position(|w| w == [0xFF, 0xC2]).unwrap() + 2 + 2 + 15;
        for cut in 0..bytes.len() {
            let result = run(&bytes[..cut]);
            match cut {
                0..=1 => assert!(matches!(result, Err(JpegError::NotJpeg)), "cut {cut}"),
                _ if cut < sof_end => {
                    assert!(matches!(result, Err(JpegError::Malformed(_))), "cut {cut}")
                }
                _ => {
                    let s = result.unwrap();
                    assert_eq!((s.image_end, s.trailing_bytes), (None, 0), "cut {cut}");
                    assert_eq!((s.width, s.height), (64, 48));
                }
            }
        }
        assert!(run(&bytes).unwrap().image_end.is_some());
    }

    #[test]
    fn impossible_lengths() {
        for len in [0u8, 1] {
            let mut bytes = vec![0xFF, SOI, 0xFF, 0xE0, 0, len];
            bytes.extend(baseline().split_off(2));
            assert!(matches!(run(&bytes), Err(JpegError::Malformed(_))));
        }
        // A length running past the end: truncated after the frame header,
        // malformed before it.
        let mut after = vec![0xFF, SOI];
        after.extend(frame(0xC0, 10, 10, 3));
        after.extend([0xFF, 0xE5, 0xFF, 0xFF, 1, 2, 3]);
        assert_eq!(run(&after).unwrap().image_end, None);
        let before = [0xFF, SOI, 0xFF, 0xE5, 0xFF, 0xFF, 1, 2, 3];
        assert!(matches!(run(&before), Err(JpegError::Malformed(_))));
        // A frame header too short to hold the size.
        let mut short = vec![0xFF, SOI];
        short.extend(segment(0xC0, &[8, 0, 10]));
        short.extend([0xFF, EOI]);
        assert!(matches!(run(&short), Err(JpegError::Malformed(_))));
    }

    #[test]
    fn structural_errors() {
        assert!(matches!(run(b""), Err(JpegError::NotJpeg)));
        assert!(matches!(run(b"\x89PNG\r\n\x1a\n"), Err(JpegError::NotJpeg)));
        let no_frame = [0xFF, SOI, 0xFF, EOI];
        assert!(matches!(run(&no_frame), Err(JpegError::Malformed(_))));
        let mut no_scan = vec![0xFF, SOI];
        no_scan.extend(frame(0xC0, 10, 10, 3));
        no_scan.extend([0xFF, EOI]);
        assert!(matches!(run(&no_scan), Err(JpegError::Malformed(_))));
        let mut second_soi = vec![0xFF, SOI];
        second_soi.extend(baseline());
        assert!(matches!(run(&second_soi), Err(JpegError::Malformed(_))));
    }

    #[test]
    fn exif_orientation_both_byte_orders() {
        for big_endian in [false, true] {
            for (kind, value, expected) in [
                (3, 1, Some(1)),
                (3, 6, Some(6)),
                (3, 8, Some(8)),
                (3, 0, Some(0)), // invalid, passed through for the caller
                (4, 6, Some(6)), // LONG instead of SHORT
                (2, 6, None),    // ASCII: not an orientation
            ] {
                let bytes = jpeg(
                    &[exif(big_endian, Some((kind, value)))],
                    frame(0xC0, 8, 8, 3),
                    1,
                );
                let s = run(&bytes).unwrap();
                assert_eq!(s.exif_orientation, expected, "{big_endian} {kind} {value}");
            }
            let bytes = jpeg(&[exif(big_endian, None)], frame(0xC0, 8, 8, 3), 1);
            assert_eq!(run(&bytes).unwrap().exif_orientation, None);
        }
    }

    #[test]
    fn exif_after_other_segments_and_only_the_first_counts() {
        let jfif = segment(0xE0, b"JFIF\0\x01\x01\0\0\x48\0\x48\0\0");
        let icc = segment(
            APP2,
            &[b"ICC_PROFILE\0\x01\x01".as_slice(), &[7; 3000]].concat(),
        );
        let xmp = segment(APP1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>");
        let extra = [
            jfif,
            icc,
            xmp,
            exif(true, Some((3, 6))),
            exif(false, Some((3, 3))),
        ];
        let s = run(&jpeg(&extra, frame(0xC0, 8, 8, 3), 1)).unwrap();
        assert_eq!(s.exif_orientation, Some(6));
        assert!(!s.mpo);
    }

    #[test]
    fn broken_tiff_gives_no_orientation() {
        assert_eq!(tiff_orientation(b""), None);
        assert_eq!(tiff_orientation(b"II*\0\xFF\xFF\xFF\xFF"), None);
        assert_eq!(tiff_orientation(b"MM\0*\0\0\0\x08\xFF\xFF\x01\x12"), None);
        assert_eq!(tiff_orientation(b"XX*\0\x08\0\0\0"), None);
        let full = exif(true, Some((3, 6)));
        let tiff = &full[10..];
        assert_eq!(tiff_orientation(tiff), Some(6));
        for cut in 0..tiff.len() {
            let _ = tiff_orientation(&tiff[..cut]);
        }
    }

    #[test]
    fn adobe_cmyk_and_mpf() {
        let adobe = segment(APP14, b"Adobe\0\x64\0\0\0\0\x02");
        let mpf = segment(APP2, b"MPF\0MM\0*\0\0\0\x08");
        let s = run(&jpeg(&[adobe, mpf], frame(0xC0, 8, 8, 4), 1)).unwrap();
        assert_eq!((s.components, s.adobe_transform, s.mpo), (4, Some(2), true));
    }

    /// Counts the bytes actually read, to show big segments are seeked over.
    struct Counting<R> {
        inner: R,
        read: u64,
    }
    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.read += n as u64;
            Ok(n)
        }
    }
    impl<R: Seek> Seek for Counting<R> {
        fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
            self.inner.seek(pos)
        }
    }

    #[test]
    fn big_segments_are_not_read() {
        let icc: Vec<Vec<u8>> = (1..=9)
            .map(|i| {
                segment(
                    APP2,
                    &[b"ICC_PROFILE\0".as_slice(), &[i, 9], &[0xAB; 65_000]].concat(),
                )
            })
            .collect();
        let bytes = jpeg(&icc, frame(0xC0, 8, 8, 3), 1);
        let mut r = Counting {
            inner: Cursor::new(&bytes),
            read: 0,
        };
        let s = scan(&mut r, bytes.len() as u64).unwrap();
        assert_eq!(s.image_end, Some(bytes.len() as u64));
        assert!(
            r.read < 64 * 1024,
            "read {} of {} bytes",
            r.read,
            bytes.len()
        );
    }

    #[test]
    fn headers_only_stops_at_the_image_data() {
        let whole = crate::testkit::jpeg(64, 48, Some(6));
        let cut = &whole[..whole.len() - 40];
        let s = scan(&mut Cursor::new(cut), cut.len() as u64).unwrap();
        assert!(s.is_truncated());
        let h = scan_headers(&mut Cursor::new(cut), cut.len() as u64).unwrap();
        assert_eq!((h.width, h.height, h.exif_orientation), (64, 48, Some(6)));
        assert_eq!(
            h.image_end,
            Some(cut.len() as u64),
            "not read, so not judged"
        );
    }

    #[test]
    fn io_errors_are_reported() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("disk on fire"))
            }
        }
        impl Seek for Failing {
            fn seek(&mut self, _: SeekFrom) -> io::Result<u64> {
                Ok(0)
            }
        }
        assert!(matches!(scan(&mut Failing, 100), Err(JpegError::Io(_))));
    }

    #[test]
    fn random_and_mutated_input_never_panics() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let valid = jpeg(&[exif(false, Some((3, 6)))], frame(0xC2, 64, 48, 3), 3);
        let interesting = [
            0xFF, 0x00, SOI, EOI, SOS, 0xC0, 0xC2, APP1, 0xD0, 0x01, 0x02,
        ];
        // JPEG_FUZZ_ROUNDS=1000000 for a longer run.
        let rounds = std::env::var("JPEG_FUZZ_ROUNDS").map_or(3000, |v| v.parse().unwrap());
        for round in 0..rounds {
            let mut bytes = if round % 2 == 0 {
                let mut v = valid.clone();
                for _ in 0..1 + rng.below(8) {
                    let at = rng.below(v.len());
                    v[at] = if rng.below(2) == 0 {
                        interesting[rng.below(interesting.len())]
                    } else {
                        rng.next() as u8
                    };
                }
                v.truncate(rng.below(v.len() + 1));
                v
            } else {
                let mut v: Vec<u8> = (0..rng.below(2000)).map(|_| rng.next() as u8).collect();
                for _ in 0..rng.below(40) {
                    if !v.is_empty() {
                        let at = rng.below(v.len());
                        v[at] = interesting[rng.below(interesting.len())];
                    }
                }
                v
            };
            if round % 3 == 0 && bytes.len() >= 2 {
                bytes[..2].copy_from_slice(&[0xFF, SOI]);
            }
            let len = bytes.len() as u64;
            if let Ok(s) = run(&bytes) {
                match s.image_end {
                    Some(end) => assert!(end <= len && s.trailing_bytes == len - end),
                    None => assert_eq!(s.trailing_bytes, 0),
                }
            }
            // A wrong file length must not cause trouble either.
            for claimed in [0, len / 2, len + 10, u64::MAX] {
                let _ = scan(&mut Cursor::new(&bytes), claimed);
            }
        }
    }

    #[test]
    fn find_ff_agrees_with_a_plain_search() {
        let mut rng = Rng(77);
        for _ in 0..2000 {
            let len = rng.below(200);
            // Sparse FFs, so that most 32-byte blocks have none.
            let data: Vec<u8> = (0..len)
                .map(|_| match rng.below(60) {
                    0 => 0xFF,
                    _ => (rng.next() as u8).min(0xFE),
                })
                .collect();
            assert_eq!(
                find_ff(&data),
                data.iter().position(|&b| b == 0xFF),
                "{data:?}"
            );
        }
    }

    #[test]
    fn sniffing() {
        let heic = b"\0\0\0\x28ftypheic\0\0\0\0mif1MiHEMiPrmiafMiHBheic\0\0\x0e\x7dmeta";
        let cases: [(&[u8], Sniffed); 17] = [
            (&[0xFF, 0xD8, 0xFF, 0xE1], Sniffed::Jpeg),
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", Sniffed::Png),
            (b"GIF89a\x01\0", Sniffed::Gif),
            (b"GIF87a", Sniffed::Gif),
            (b"RIFF\x10\0\0\0WEBPVP8 ", Sniffed::WebP),
            (heic, Sniffed::Heic),
            (b"\0\0\0\x18ftypmif1\0\0\0\0mif1heic", Sniffed::Heic),
            (b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf", Sniffed::Avif),
            (b"\0\0\0\x18ftypmif1\0\0\0\0mif1avif", Sniffed::Avif),
            (b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2", Sniffed::Unknown),
            (b"II*\0\x08\0\0\0", Sniffed::Tiff),
            (b"MM\0*\0\0\0\x08", Sniffed::Tiff),
            (b"%PDF-1.7\n", Sniffed::Pdf),
            (b"BM\x36\0\x0c\0\0\0\0\0\x36\0\0\0\x28\0\0\0", Sniffed::Bmp),
            (b"BMW is a car brand, not a bitmap", Sniffed::Unknown),
            (b"", Sniffed::Unknown),
            (b"\0\0\0\x18ftyp", Sniffed::Unknown),
        ];
        for (head, expected) in cases {
            assert_eq!(sniff_format(head), expected, "{head:?}");
        }
        assert_eq!(
            Sniffed::Heic.chinese_name(),
            "HEIC 图片（苹果手机默认格式）"
        );
        assert_eq!(Sniffed::Unknown.chinese_name(), "无法识别的文件");
        // A truncated ftyp box length must not matter.
        assert_eq!(sniff_format(&heic[..20]), Sniffed::Heic);
        assert_eq!(
            sniff_format(b"\0\0\0\xffftypqt  \0\0\0\0"),
            Sniffed::Unknown
        );
    }
}
