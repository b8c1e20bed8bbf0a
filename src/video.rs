//! Videos: container and resolution read with a real MP4 parser.

use std::io::{BufReader, Read};
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
    let f = std::fs::File::open(path).map_err(VideoError::Io)?;
    let ctx = mp4parse::read_mp4(&mut BufReader::new(f))
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
