//! Calendar days: parsing `YYYY-MM-DD`, today in China, Chinese dates.

use crate::diag::{code, Diagnostic};

/// A calendar date as days since 1970-01-01 (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(pub i64);

impl Day {
    pub fn from_ymd(y: i64, m: u32, d: u32) -> Option<Day> {
        if !(1900..=9999).contains(&y)
            || !(1..=12).contains(&m)
            || d == 0
            || d > days_in_month(y, m)
        {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = m as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Day(era * 146097 + doe - 719468))
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Day> {
        let mut it = s.trim().split('-');
        let y = it.next()?.parse().ok()?;
        let m = it.next()?.parse().ok()?;
        let d = it.next()?.parse().ok()?;
        if it.next().is_some() {
            return None;
        }
        Day::from_ymd(y, m, d)
    }

    pub fn ymd(self) -> (i64, u32, u32) {
        let z = self.0 + 719468;
        let era = z.div_euclid(146097);
        let doe = z - era * 146097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (yoe + era * 400 + if m <= 2 { 1 } else { 0 }, m, d)
    }

    /// Today in UTC+8, where the offices are.
    pub fn today() -> Day {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Day((secs + 8 * 3600).div_euclid(86400))
    }

    /// The day given with `--date`, or today.
    pub fn from_arg(arg: Option<&str>) -> Result<Day, Diagnostic> {
        match arg {
            None => Ok(Day::today()),
            Some(s) => Day::parse(s).ok_or_else(|| {
                Diagnostic::new(code::BAD_VALUE, format!("日期 \"{s}\" 无法识别"))
                    .hint("请写成 2020-11-10 这样的形式")
            }),
        }
    }

    /// "2020年11月6日"
    pub fn chinese(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{y}年{m}月{d}日")
    }
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for s in [
            "1970-01-01",
            "2020-02-29",
            "2020-11-06",
            "2000-12-31",
            "2026-11-29",
        ] {
            let d = Day::parse(s).unwrap();
            let (y, m, dd) = d.ymd();
            assert_eq!(format!("{y:04}-{m:02}-{dd:02}"), s);
        }
        assert_eq!(Day::parse("1970-01-02").unwrap().0, 1);
        assert!(Day::parse("2021-02-29").is_none());
        assert!(Day::parse("2020-13-01").is_none());
        assert!(Day::parse("昨天").is_none());
        assert!(Day::parse("99999999999999999-01-01").is_none());
    }
}
