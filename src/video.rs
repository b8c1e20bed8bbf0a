//! Videos: container and resolution read with a real MP4 parser.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

#[derive(Debug, Clone)]
pub struct VideoProbe {
    pub bytes: u64,
    /// Largest video track, in pixels.
    pub size_px: Option<(u32, u32)>,
}

#[derive(Debug)]
pub enum VideoError {
    Io(std::io::Error),
    /// Not an MP4; says what it looks like.
    NotMp4(&'static str),
    Corrupt(String),
    /// Larger than the limit; not parsed at all.
    TooLarge(u64),
}

pub fn probe(path: &Path, max_bytes: u64) -> Result<VideoProbe, VideoError> {
    let mut f = std::fs::File::open(path).map_err(VideoError::Io)?;
    let bytes = f.metadata().map_err(VideoError::Io)?.len();
    let mut head = [0u8; 12];
    let n = f.read(&mut head).map_err(VideoError::Io)?;
    let head = &head[..n];
    if head.get(4..8) != Some(b"ftyp") {
        return Err(VideoError::NotMp4(if head.starts_with(b"RIFF") {
            "AVI 视频"
        } else if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
            "MKV/WebM 视频"
        } else if head.starts_with(b"FLV") {
            "FLV 视频"
        } else if head
            .get(4..8)
            .is_some_and(|b| b == b"moov" || b == b"mdat" || b == b"wide")
        {
            "缺少文件类型标记的 MOV 视频"
        } else {
            "无法识别的文件"
        }));
    }
    if head.get(8..12) == Some(b"qt  ") {
        return Err(VideoError::NotMp4("MOV（苹果 QuickTime）视频"));
    }
    if bytes > max_bytes {
        return Err(VideoError::TooLarge(bytes));
    }
    // mp4parse sizes its buffers from what boxes claim; a hostile file can
    // claim gigabytes. Give it only the few small boxes that say what the
    // tracks are, each checked to lie inside its parent.
    let essential = essential_boxes(path).map_err(VideoError::Corrupt)?;
    let ctx = mp4parse::read_mp4(&mut std::io::Cursor::new(essential))
        .map_err(|e| VideoError::Corrupt(format!("{e:?}")))?;
    let size_px = ctx
        .tracks
        .iter()
        .filter(|t| t.track_type == mp4parse::TrackType::Video)
        .filter_map(|t| t.tkhd.as_ref())
        // tkhd sizes are 16.16 fixed point.
        .map(|h| (h.width >> 16, h.height >> 16))
        .max_by_key(|(w, h)| *w as u64 * *h as u64);
    Ok(VideoProbe { bytes, size_px })
}

/// Largest `moov` box read into memory (real ones are a few MB at most).
const MAX_MOOV: u64 = 64 * 1024 * 1024;

/// Box header at `at` in `data`: (kind, header length, total length).
fn header(data: &[u8], at: usize) -> Option<([u8; 4], usize, usize)> {
    let size = u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?) as u64;
    let kind: [u8; 4] = data.get(at + 4..at + 8)?.try_into().ok()?;
    let (hlen, total) = match size {
        0 => (8, (data.len() - at) as u64),
        1 => (
            16,
            u64::from_be_bytes(data.get(at + 8..at + 16)?.try_into().ok()?),
        ),
        n => (8, n),
    };
    let total = usize::try_from(total).ok()?;
    (total >= hlen && at.checked_add(total)? <= data.len()).then_some((kind, hlen, total))
}

/// Rebuilds a container keeping only the children in `keep`, recursing
/// into those listed in `containers`.
fn filtered(data: &[u8], keep: &[&[u8; 4]], containers: &[&[u8; 4]]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < data.len() {
        let (kind, hlen, total) = header(data, at).ok_or("视频文件结构异常（盒子长度不对）")?;
        let body = &data[at + hlen..at + total];
        if containers.contains(&&kind) {
            let inner = filtered(body, keep, containers)?;
            out.extend_from_slice(&((inner.len() + 8) as u32).to_be_bytes());
            out.extend_from_slice(&kind);
            out.extend_from_slice(&inner);
        } else if keep.contains(&&kind) {
            out.extend_from_slice(&((body.len() + 8) as u32).to_be_bytes());
            out.extend_from_slice(&kind);
            out.extend_from_slice(body);
        }
        at += total;
    }
    Ok(out)
}

/// `ftyp` and a `moov` holding only mvhd, tkhd, mdhd and hdlr.
fn essential_boxes(path: &Path) -> Result<Vec<u8>, String> {
    let mut f = std::fs::File::open(path).map_err(|e| crate::files::io_reason(&e))?;
    let len = f.metadata().map_err(|e| crate::files::io_reason(&e))?.len();
    let mut pos = 0u64;
    let mut ftyp = None;
    let mut moov = None;
    while pos + 8 <= len && (ftyp.is_none() || moov.is_none()) {
        f.seek(SeekFrom::Start(pos))
            .map_err(|e| crate::files::io_reason(&e))?;
        let mut h = [0u8; 16];
        let n = f.read(&mut h).map_err(|e| crate::files::io_reason(&e))?;
        if n < 8 {
            break;
        }
        let size = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as u64;
        let size = match size {
            0 => len - pos,
            1 if n >= 16 => {
                u64::from_be_bytes(h[8..16].try_into().map_err(|_| "视频文件结构异常")?)
            }
            n => n,
        };
        if size < 8 || pos + size > len {
            return Err("视频文件结构异常（盒子超出文件末尾），可能没有复制完整".into());
        }
        let kind = &h[4..8];
        if kind == b"ftyp" || kind == b"moov" {
            if size > MAX_MOOV {
                return Err("视频文件结构异常（元数据过大）".into());
            }
            let mut buf = vec![0u8; size as usize];
            f.seek(SeekFrom::Start(pos))
                .map_err(|e| crate::files::io_reason(&e))?;
            f.read_exact(&mut buf)
                .map_err(|e| crate::files::io_reason(&e))?;
            if kind == b"ftyp" {
                ftyp = Some(buf);
            } else {
                moov = Some(buf);
            }
        }
        pos += size;
    }
    let ftyp = ftyp.ok_or("没有 ftyp")?;
    let moov = moov.ok_or("视频中没有 moov（元数据），可能没有导出完整")?;
    let (_, hlen, _) = header(&moov, 0).ok_or("视频文件结构异常")?;
    let inner = filtered(
        &moov[hlen..],
        &[b"mvhd", b"tkhd", b"mdhd", b"hdlr"],
        &[b"trak", b"mdia"],
    )?;
    let mut out = ftyp;
    out.extend_from_slice(&((inner.len() + 8) as u32).to_be_bytes());
    out.extend_from_slice(b"moov");
    out.extend_from_slice(&inner);
    Ok(out)
}
