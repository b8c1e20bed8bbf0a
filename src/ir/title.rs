//! Breaking a long title into balanced lines (GB/T 9704: 回行时词意完整，
//! 排列对称，梯形或菱形). Both renderers receive the same lines.

/// Width of a character in em: Latin letters and digits are half width.
fn width(c: char) -> f64 {
    if c.is_ascii_uppercase() {
        // Capitals are wider than half an em in every Latin face.
        0.7
    } else if c.is_ascii() {
        0.5
    } else {
        1.0
    }
}

fn alnum_change(a: char, b: char) -> bool {
    a.is_ascii_alphanumeric() != b.is_ascii_alphanumeric()
}

fn is_closing(c: char) -> bool {
    "，。、；：！？）》」』”’〉】〕…—".contains(c) || ",.;:!?)".contains(c)
}

fn is_opening(c: char) -> bool {
    "（《「『“‘〈【〔".contains(c) || "(".contains(c)
}

/// Penalty for breaking between `a` and `b` (after `a`); `None` forbids it.
fn break_penalty(a: char, b: char, in_book_title: bool) -> Option<f64> {
    if is_closing(b) || is_opening(a) {
        return None;
    }
    if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() {
        return None;
    }
    if a == '—' && b == '—' || a == '…' && b == '…' {
        return None;
    }
    let mut p = 2.0; // Unknown word boundary: we cannot see words, so discourage a little.
    if a == ' ' || a == '\u{3000}' {
        // A space in a title separates phrases: the natural place to break.
        p = -20.0;
    } else if is_closing(a) {
        p = -4.0;
    } else if "的与和及暨之".contains(a) {
        p = 0.5;
    }
    if b.is_ascii_digit() || (a.is_ascii_digit() && "年月日号届次个名".contains(b)) {
        p += 4.0;
    }
    if in_book_title {
        p += 6.0;
    }
    Some(p)
}

/// Breaks `title` into lines of at most `max_em` em. A title written with
/// explicit newlines keeps the user's lines (each still made to fit).
pub fn break_lines(title: &str, max_em: f64) -> Vec<String> {
    let title = title.trim();
    if title.contains('\n') {
        return title
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .flat_map(|l| break_one(l, max_em))
            .collect();
    }
    break_one(title, max_em)
}

fn break_one(title: &str, max_em: f64) -> Vec<String> {
    let chars: Vec<char> = title.chars().collect();
    let total: f64 = chars.iter().map(|c| width(*c)).sum::<f64>()
        + chars
            .windows(2)
            .filter(|w| alnum_change(w[0], w[1]))
            .count() as f64
            * 0.25;
    if total <= max_em || chars.len() < 2 {
        return vec![title.to_string()];
    }
    // Candidate breaks after index i (line ends with chars[i]).
    let mut depth = 0i32;
    let mut candidates: Vec<(usize, f64)> = Vec::new();
    for i in 0..chars.len() - 1 {
        match chars[i] {
            '《' => depth += 1,
            '》' => depth -= 1,
            _ => {}
        }
        if let Some(p) = break_penalty(chars[i], chars[i + 1], depth > 0) {
            candidates.push((i + 1, p));
        }
    }
    let min_lines = (total / max_em).ceil() as usize;
    // As few lines as the width allows; one more only if no break works.
    for n in min_lines..=min_lines + 2 {
        if let Some((_, breaks)) = best_breaks(&chars, &candidates, n, max_em) {
            let mut lines = Vec::new();
            let mut start = 0;
            for end in breaks.into_iter().chain([chars.len()]) {
                let line: String = chars[start..end].iter().collect();
                lines.push(line.trim().to_string());
                start = end;
            }
            return lines;
        }
    }
    hard_break(&chars, max_em)
}

/// No acceptable break point (a long URL, a run of Latin letters): cut
/// where the width runs out.
fn hard_break(chars: &[char], max_em: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut w = 0.0;
    for &c in chars {
        let cw = width(c);
        if w + cw > max_em && !cur.is_empty() {
            lines.push(std::mem::take(&mut cur).trim().to_string());
            w = 0.0;
        }
        cur.push(c);
        w += cw;
    }
    if !cur.trim().is_empty() {
        lines.push(cur.trim().to_string());
    }
    lines
}

/// Dynamic programme over break positions for exactly `n` lines. Widths
/// come from prefix sums and the inner loop stops once a line is too wide,
/// so a pathological 2000-character title still breaks in milliseconds.
fn best_breaks(
    chars: &[char],
    cands: &[(usize, f64)],
    n: usize,
    max_em: f64,
) -> Option<(f64, Vec<usize>)> {
    let mut prefix = vec![0.0];
    for c in chars {
        prefix.push(prefix.last().unwrap_or(&0.0) + width(*c));
    }
    // trans[k]: Chinese/Latin changes between neighbours before index k.
    let mut trans = vec![0usize; chars.len() + 1];
    for k in 1..chars.len() {
        trans[k + 1] = trans[k] + alnum_change(chars[k - 1], chars[k]) as usize;
    }
    let line_w = |a: usize, b: usize| {
        // Renderers may add a little space where Chinese meets Latin; count
        // a quarter em per change so no renderer has to wrap a line again.
        let t = if b > a + 1 {
            trans[b] - trans[a + 1]
        } else {
            0
        };
        let mut w = prefix[b] - prefix[a] + t as f64 * 0.25;
        // Spaces at a break disappear.
        if b > a && chars[b - 1] == ' ' {
            w -= 0.5;
        }
        w
    };
    let target = prefix[chars.len()] / n as f64;
    let mut pos: Vec<(usize, f64)> = vec![(0, 0.0)];
    pos.extend_from_slice(cands);
    pos.push((chars.len(), 0.0));
    let m = pos.len();
    let inf = f64::INFINITY;
    // dp[k][j]: best cost with k lines ending at pos j.
    let mut dp = vec![vec![(inf, usize::MAX); m]; n + 1];
    dp[0][0] = (0.0, usize::MAX);
    for k in 1..=n {
        for j in 1..m {
            for i in (0..j).rev() {
                let w = line_w(pos[i].0, pos[j].0);
                if w > max_em + 1e-9 {
                    break;
                }
                if dp[k - 1][i].0 == inf || w <= 0.0 {
                    continue;
                }
                let dev = w - target;
                // Symmetry: balanced lines; a slight preference for the
                // first line being the longer one (倒梯形), as offices set it.
                let mut cost = dev * dev + if j < m - 1 { pos[j].1 } else { 0.0 };
                if k == 1 && dev < 0.0 {
                    cost += 0.25;
                }
                let total = dp[k - 1][i].0 + cost;
                if total < dp[k][j].0 {
                    dp[k][j] = (total, i);
                }
            }
        }
    }
    let (cost, _) = dp[n][m - 1];
    if cost == inf {
        return None;
    }
    let mut breaks = Vec::new();
    let mut j = m - 1;
    for k in (1..=n).rev() {
        let i = dp[k][j].1;
        if k > 1 {
            breaks.push(pos[i].0);
        }
        j = i;
    }
    breaks.reverse();
    Some((cost, breaks))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_title_is_one_line() {
        assert_eq!(
            break_lines("匠心筑梦 技能报国", 20.0),
            vec!["匠心筑梦 技能报国"]
        );
    }

    #[test]
    fn long_title_is_balanced_and_fits() {
        let t = "南昌市教育局关于印发《2020年南昌市中等职业学校职业教育活动周工作方案》的通知";
        let lines = break_lines(t, 19.5);
        assert_eq!(lines.len(), 2, "{lines:?}");
        for l in &lines {
            let w: f64 = l.chars().map(width).sum();
            assert!(w <= 19.5, "{l} is {w} em");
        }
        assert_eq!(lines.concat(), t);
        // No line starts with closing punctuation or splits "2020".
        for l in &lines {
            assert!(!is_closing(l.chars().next().unwrap()), "{lines:?}");
        }
        assert!(lines.iter().any(|l| l.contains("2020")), "{lines:?}");
    }

    #[test]
    fn prefers_break_at_space() {
        let t = "产教融合育英才 匠心筑梦展风采新时代";
        let lines = break_lines(t, 14.0);
        assert_eq!(lines[0], "产教融合育英才");
    }

    #[test]
    fn unbreakable_text_is_cut_where_the_width_ends() {
        let url = "https://www.example.com/news/2020/11/09/a-very-long-path-of-letters";
        let lines = break_lines(url, 20.0);
        assert!(lines.len() >= 2);
        assert_eq!(lines.concat(), url);
        for l in &lines {
            assert!(l.chars().map(width).sum::<f64>() <= 20.0, "{l}");
        }
    }

    #[test]
    fn very_long_titles_break_quickly() {
        let t = "职业教育活动周".repeat(300);
        let start = std::time::Instant::now();
        let lines = break_lines(&t, 19.5);
        assert!(start.elapsed().as_secs_f64() < 2.0, "{:?}", start.elapsed());
        assert_eq!(lines.concat(), t);
    }

    #[test]
    fn typed_lines_are_still_made_to_fit() {
        let lines = break_lines(&format!("短\n{}", "长".repeat(40)), 19.5);
        assert_eq!(lines[0], "短");
        assert!(lines.len() >= 4 && lines.iter().all(|l| l.chars().count() <= 19));
    }

    #[test]
    fn explicit_lines_are_kept() {
        assert_eq!(
            break_lines("第一行\n第二行", 20.0),
            vec!["第一行", "第二行"]
        );
    }
}
