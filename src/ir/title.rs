//! Breaking a long title into lines (GB/T 9704-2012 §7.3.3: 标题回行时，要做到
//! 词意完整，排列对称，长短适宜，间距恰当，标题排列应当使用梯形或菱形).
//! Both renderers receive the same lines.
//!
//! The title is segmented with jieba plus a small dictionary of institution
//! names and education phrases; every gap between two characters gets a
//! class (free, inside a word, inside a protected span, forbidden) and a
//! penalty (negative where an office would break: after the issuing bodies,
//! before 关于, before a ——subtitle, before 的+文种). A dynamic programme then
//! picks the breaks for the fewest lines, weighing balance and shape.

use jieba_rs::Jieba;
use std::sync::LazyLock;

/// Institution names and phrases of education documents that must stay on
/// one line; jieba's general dictionary splits most of them.
const USER_WORDS: &[&str] = &[
    // Issuing bodies.
    "中共中央",
    "国务院",
    "中共中央办公厅",
    "国务院办公厅",
    "教育部",
    "教育部办公厅",
    "中央宣传部",
    "中央网信办",
    "人力资源社会保障部",
    "人力资源和社会保障部",
    "人力资源社会保障厅",
    "人力资源和社会保障厅",
    "国家发展改革委",
    "国家发展和改革委员会",
    "工业和信息化部",
    "财政部",
    "农业农村部",
    "科学技术部",
    "国务院国资委",
    "国家乡村振兴局",
    "共青团中央",
    "全国总工会",
    "中华全国总工会",
    "中国职业技术教育学会",
    "省教育厅",
    "市教育局",
    "教育厅",
    "教育局",
    "办公厅",
    "办公室",
    "教育工委",
    // Schools.
    "中等职业学校",
    "中等专业学校",
    "中等职业教育",
    "高等职业教育",
    "高等职业学校",
    "职业技术学院",
    "职业技术学校",
    "职业技术大学",
    "职业院校",
    "高职院校",
    "技工学校",
    "技师学院",
    "普通高校",
    "高等学校",
    // Education phrases.
    "职业教育",
    "职业教育活动周",
    "活动周",
    "产教融合",
    "提质培优",
    "校企合作",
    "工学结合",
    "知行合一",
    "德技并修",
    "立德树人",
    "高校毕业生",
    "毕业生",
    "就业创业",
    "技能大赛",
    "职业院校技能大赛",
    "职业技能大赛",
    "教学能力比赛",
    "技术技能人才",
    "高技能人才",
    "人才培养",
    "人才培养方案",
    "现代学徒制",
    "课程思政",
    "思想政治",
    "劳动教育",
    "师德师风",
    "双师型",
    "教师队伍",
    "实训基地",
    "实习实训",
    "岗位实习",
    "顶岗实习",
    "现代职业教育体系",
    "双高计划",
    "1+X证书",
    "乡村振兴",
    "新时代",
    "十四五",
    "疫情防控",
    "人工智能",
    "大数据",
    "虚拟仿真",
    "3D打印",
    "工匠精神",
    "千家万户",
    "技能成才",
    "技能报国",
    "技能中国",
    "系列活动",
    "主题活动",
    "开放日",
    "宣传月",
    "典型案例",
    "优秀案例",
    "经验交流",
    // Fixed political phrases, which an office never splits.
    "习近平新时代中国特色社会主义思想",
    "中国特色社会主义",
    "习近平总书记",
    "党的二十大精神",
    "党的十九大精神",
    "社会主义核心价值观",
    "中华民族伟大复兴",
    "中国式现代化",
    "全国教育大会",
    // 文种 phrases.
    "工作方案",
    "实施方案",
    "实施意见",
    "指导意见",
    "实施细则",
    "管理办法",
    "暂行办法",
    "工作要点",
    "工作总结",
];

/// 文种 phrases, longest first: the title's tail that names the document
/// kind, before which an office breaks (…的 / 通知).
const DOC_KINDS: &[&str] = &[
    "工作方案",
    "实施方案",
    "实施意见",
    "指导意见",
    "实施细则",
    "管理办法",
    "暂行办法",
    "工作要点",
    "工作总结",
    "工作报告",
    "会议纪要",
    "倡议书",
    "通知",
    "通报",
    "意见",
    "决定",
    "决议",
    "命令",
    "公报",
    "公告",
    "通告",
    "报告",
    "请示",
    "批复",
    "复函",
    "议案",
    "纪要",
    "方案",
    "办法",
    "规定",
    "细则",
    "规划",
    "计划",
    "要点",
    "总结",
    "指南",
    "章程",
    "纲要",
    "函",
];

static JIEBA: LazyLock<Jieba> = LazyLock::new(|| {
    let mut jieba = Jieba::new();
    for w in USER_WORDS {
        // A suggested frequency is just enough for jieba to keep the word.
        jieba.add_word(w, None, Some("n"));
    }
    jieba
});

/// Loads jieba's dictionary now rather than on the first title: it takes
/// about 0.1 s in a release build (and ~35 MB), so a server may call this
/// at start-up, on a background thread.
pub fn preload() {
    LazyLock::force(&JIEBA);
}

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
    "，。、；：！？）》」』”’〉】〕…%％‰·".contains(c) || ",.;:!?)]}".contains(c)
}

fn is_opening(c: char) -> bool {
    "（《「『“‘〈【〔".contains(c) || "([{".contains(c)
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\u{3000}' || c == '\t'
}

fn is_dash(c: char) -> bool {
    c == '—' || c == '―'
}

fn closing_of(c: char) -> Option<char> {
    let pairs = [
        ('《', '》'),
        ('“', '”'),
        ('‘', '’'),
        ('「', '」'),
        ('『', '』'),
        ('〈', '〉'),
        ('（', '）'),
        ('(', ')'),
        ('【', '】'),
        ('〔', '〕'),
    ];
    pairs.iter().find(|p| p.0 == c).map(|p| p.1)
}

fn is_cn_numeral(c: char) -> bool {
    "〇零一二三四五六七八九十百千万两".contains(c)
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c) || is_cn_numeral(c)
}

/// Measure words and units that stay with their number (2020年, 300余人).
const UNITS2: &[&str] = &[
    "平方米",
    "周年",
    "学年",
    "学期",
    "季度",
    "小时",
    "万元",
    "亿元",
    "万人",
    "年级",
    "年度",
    "公里",
    "个月",
];
const UNITS1: &str = "年月日号时分秒届次个名人项条所家批期周岁元万亿件份位门种类场天级班部章节篇款点倍米亩吨台套本册座支队校轮%％‰";

/// Longest unit starting at `i`, in characters.
fn unit_len(chars: &[char], i: usize) -> usize {
    for u in UNITS2 {
        let n = u.chars().count();
        if i + n <= chars.len() && u.chars().eq(chars[i..i + n].iter().copied()) {
            return n;
        }
    }
    usize::from(i < chars.len() && UNITS1.contains(chars[i]))
}

/// Spans [start, end) of numbers with their units: 2020年, 第五届, 11月8日,
/// 300余人, 2020—2021学年, 95%.
fn number_spans(chars: &[char]) -> Vec<(usize, usize)> {
    let n = chars.len();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < n {
        let start = i;
        let mut j = i;
        let ordinal = chars[j] == '第' && j + 1 < n && is_numeral(chars[j + 1]);
        if ordinal {
            j += 1;
        }
        if !is_numeral(chars[j]) {
            i += 1;
            continue;
        }
        let mut has_digit = false;
        let mut has_unit = false;
        let mut run_len = 0;
        loop {
            // A run is all digits (3.5) or all Chinese numerals (二十二).
            let run = j;
            let cn = is_cn_numeral(chars[j]);
            while j < n
                && ((is_numeral(chars[j]) && is_cn_numeral(chars[j]) == cn)
                    || (!cn
                        && chars[j] == '.'
                        && j > run
                        && j + 1 < n
                        && chars[j + 1].is_ascii_digit()))
            {
                j += 1;
            }
            has_digit |= !cn;
            run_len = run_len.max(j - run);
            let mut k = j;
            if k < n && "余多".contains(chars[k]) {
                k += 1;
            }
            let u = unit_len(chars, k);
            if u > 0 {
                has_unit = true;
                j = k + u;
            } else if k > j && has_digit {
                j = k; // "300余" without a unit still belongs to the number.
            }
            // Chains: 11月8日, 2020年11月, 2020—2021学年.
            if has_unit && j < n && chars[j].is_ascii_digit() {
                continue;
            }
            if j + 1 < n && "-—~～至到".contains(chars[j]) && chars[j + 1].is_ascii_digit() {
                j += 1;
                continue;
            }
            break;
        }
        // A lone Chinese numeral (统一, 一中) is part of some word, not a number.
        if (has_digit || ordinal || has_unit || run_len >= 2) && j - start >= 2 {
            spans.push((start, j));
        }
        i = j.max(i + 1);
    }
    spans
}

/// Quotation pairs (open index, close index).
fn quote_pairs(chars: &[char]) -> Vec<(usize, usize)> {
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut pairs = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if let Some(close) = closing_of(c) {
            stack.push((close, i));
        } else if let Some(k) = stack.iter().rposition(|s| s.0 == c) {
            pairs.push((stack[k].1, i));
            stack.truncate(k);
        }
    }
    pairs
}

/// Start index of the 文种 phrase at the end of the title, ignoring a
/// trailing parenthesis such as （试行）.
fn doc_kind_start(chars: &[char]) -> Option<(usize, usize)> {
    let mut end = chars.len();
    if end > 0 && "）)".contains(chars[end - 1]) {
        let open = chars[..end].iter().rposition(|&c| c == '（' || c == '(')?;
        end = open;
    }
    for k in DOC_KINDS {
        let n = k.chars().count();
        if end >= n + 2 && k.chars().eq(chars[end - n..end].iter().copied()) {
            return Some((end - n, n));
        }
    }
    None
}

/// How bad it is to break at a gap: classes are tried in order, so a higher
/// class is used only when the lower ones cannot give the fewest lines.
const FREE: u8 = 0;
const IN_WORD: u8 = 1;
const PROTECTED: u8 = 2;
const FORBIDDEN: u8 = 3;
const CLASS_COST: [f64; 4] = [0.0, 50.0, 200.0, 2000.0];

/// Gap classes and penalties; gap `p` lies between chars `p - 1` and `p`.
struct Gaps {
    class: Vec<u8>,
    penalty: Vec<f64>,
    /// Gap before a subtitle's "——", which should start a line.
    subtitle: Option<usize>,
}

fn is_nounish(tag: &str) -> bool {
    tag.starts_with('n') || matches!(tag, "vn" | "l" | "i" | "j" | "an")
}

fn analyse(chars: &[char], text: &str, extra_words: &[&str]) -> Gaps {
    let n = chars.len();
    let mut class = vec![FREE; n + 1];
    let mut penalty = vec![2.0; n + 1];

    // Words: a gap inside a jieba token is IN_WORD; remember the tags on
    // both sides of every token boundary.
    let mut boundary = vec![false; n + 1];
    let mut left_tag: Vec<&str> = vec![""; n + 1];
    let mut right_tag: Vec<&str> = vec![""; n + 1];
    for t in JIEBA.tag(text, true) {
        boundary[t.start] = true;
        boundary[t.end] = true;
        right_tag[t.start] = t.tag;
        left_tag[t.end] = t.tag;
    }

    // Protected spans; their edges are word boundaries even where jieba
    // would have glued a neighbour on.
    let mut protect = vec![0i32; n + 2];
    let mut mark = |s: usize, e: usize, boundary: &mut Vec<bool>| {
        if e > s + 1 {
            protect[s + 1] += 1;
            protect[e] -= 1;
        }
        boundary[s] = true;
        boundary[e] = true;
    };
    // Byte offset -> char index, for the dictionary matches.
    let mut char_at = vec![0usize; text.len() + 1];
    for (ci, (bi, _)) in text.char_indices().enumerate() {
        char_at[bi] = ci;
    }
    char_at[text.len()] = n;
    // A dictionary word counts where jieba cut it out as a token (教育部
    // is no word in 职业教育部署); the caller's names count wherever they
    // occur.
    let jieba_cut = boundary.clone();
    for (w, anywhere) in USER_WORDS
        .iter()
        .map(|w| (w, false))
        .chain(extra_words.iter().map(|w| (w, true)))
    {
        if w.is_empty() {
            continue;
        }
        for (bi, m) in text.match_indices(w) {
            let (s, e) = (char_at[bi], char_at[bi + m.len()]);
            if anywhere || (jieba_cut[s] && jieba_cut[e]) {
                mark(s, e, &mut boundary);
            }
        }
    }
    for (s, e) in number_spans(chars) {
        mark(s, e, &mut boundary);
    }
    let pairs = quote_pairs(chars);
    let mut quoted = vec![false; n + 1];
    for &(a, b) in &pairs {
        for q in &mut quoted[a + 1..=b] {
            *q = true;
        }
    }
    // 关于 and 印发 inside a quoted title are not the title's own structure.
    let guanyu_at = |p: usize| !quoted[p] && chars[p] == '关' && chars.get(p + 1) == Some(&'于');
    let first_guanyu = (1..n).find(|&p| guanyu_at(p));
    // Before 关于 stand the issuing bodies, one name between spaces each:
    // 江西省 / 人力资源和社会保障厅 would split a body.
    if let Some(g) = first_guanyu {
        let mut s = 0;
        for e in (1..=g).filter(|&e| e == g || is_space(chars[e])) {
            if e > s && e - s <= 15 && !chars[s..e].iter().any(|&c| is_opening(c)) {
                mark(s, e, &mut boundary);
            }
            s = e + 1;
        }
    }
    let mut long_quote = vec![false; n + 1];
    for &(a, b) in &pairs {
        if b - a - 1 <= 12 {
            mark(a, b + 1, &mut boundary);
        } else {
            for q in &mut long_quote[a + 1..=b] {
                *q = true;
            }
        }
    }
    let mut depth = 0;
    for p in 1..n {
        depth += protect[p];
        class[p] = if depth > 0 {
            PROTECTED
        } else if boundary[p] {
            FREE
        } else {
            IN_WORD
        };
    }

    let kind = doc_kind_start(chars);
    let mut lead = vec![0.0; n + 1];
    for (i, &c) in chars.iter().enumerate() {
        lead[i + 1] = lead[i] + width(c);
    }
    for p in 1..n {
        let (a, b) = (chars[p - 1], chars[p]);
        let forbidden = is_space(b)
            || is_closing(b)
            || is_opening(a)
            || is_dash(a)
            || a == '·'
            || (a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric())
            || (a == '.' && p >= 2 && chars[p - 2].is_ascii_digit() && b.is_ascii_digit());
        if forbidden {
            class[p] = FORBIDDEN;
        }
        let mut pen = 2.0;
        if is_space(a) {
            // Spaces separate issuing bodies (before 关于: the bodies belong
            // together) or parallel phrases (a natural break).
            pen = if first_guanyu.is_some_and(|g| p <= g) {
                -3.0
            } else {
                -15.0
            };
        }
        if guanyu_at(p) {
            // After the issuing bodies, before the 事由; the longer the
            // bodies, the more they want a line of their own (a short
            // 教育部关于印发 usually stays together).
            pen -= 8.0 + 32.0 * (lead[p] / 16.0).min(1.0).powi(2);
        }
        if p >= 2 && chars[p - 2] == '关' && a == '于' {
            pen += 30.0;
        }
        if is_dash(b) && !is_dash(a) {
            pen -= 30.0; // A subtitle starts its own line with the dash.
        }
        if p >= 2
            && !quoted[p]
            && ["印发", "转发", "批转", "颁布", "发布"]
                .iter()
                .any(|v| v.chars().eq([chars[p - 2], a]))
        {
            pen -= 15.0; // 关于印发 / 《…》的通知
        }
        if is_closing(a) || is_space(a) {
            pen -= 3.0;
        }
        if is_opening(b) && b != '（' && b != '(' {
            pen -= 1.0;
        } else if b == '（' || b == '(' {
            pen += 6.0; // （试行）, （2021—2035年） lean on what precedes.
        }
        if let Some((k, len)) = kind {
            if k >= 1 && chars[k - 1] == '的' {
                if p == k - 1 {
                    pen -= 6.0;
                } else if p == k {
                    pen += 30.0;
                }
            } else if p == k && len >= 4 {
                pen -= 3.0;
            }
        }
        if "的之等地得了着们".contains(b) && kind.is_none_or(|(k, _)| p + 1 != k) {
            pen += 10.0;
        }
        if a == '的' {
            pen += 1.0;
        }
        if b == '暨' {
            pen -= 5.0;
        } else if "和与及".contains(b) {
            pen -= 1.0;
        }
        if b.is_ascii_digit() && !a.is_ascii() {
            pen += 1.0;
        }
        if (a.is_ascii_alphanumeric() && !b.is_ascii())
            || (b.is_ascii_alphanumeric() && !a.is_ascii())
        {
            pen += 2.0; // 5G网络, 3D打印: the Latin part belongs to its word.
        }
        if boundary[p] {
            let (l, r) = (left_tag[p], right_tag[p]);
            if r == "f" {
                pen += 6.0; // 在…大赛 / 中: a locative closes its phrase.
            } else if l == "d" || l == "p" {
                // An adverb or preposition leans on what follows (进一步 / 推动).
                pen += 4.0;
            } else if r == "p" || r == "c" {
                pen -= 1.0;
            } else if is_nounish(l) && is_nounish(r) && l != "ns" && l != "nt" {
                // Likely a compound noun (a place or body only modifies).
                pen += 3.0;
            }
        }
        if long_quote[p] {
            pen += 12.0;
        }
        penalty[p] = pen;
    }
    let subtitle = (1..n.saturating_sub(2)).find(|&p| {
        !quoted[p]
            && is_dash(chars[p])
            && is_dash(chars[p + 1])
            && !is_dash(chars[p - 1])
            && chars[p..].iter().any(|&c| !is_dash(c) && !is_space(c))
    });
    Gaps {
        class,
        penalty,
        subtitle,
    }
}

/// Breaks `title` into lines of at most `max_em` em. A title written with
/// explicit newlines keeps the user's lines (each still made to fit).
pub fn break_lines(title: &str, max_em: f64) -> Vec<String> {
    break_lines_with(title, max_em, &[])
}

/// Like [`break_lines`], with extra names that must not be split (the
/// unit's own name, say).
pub fn break_lines_with(title: &str, max_em: f64, extra_words: &[&str]) -> Vec<String> {
    let title = title.trim();
    if title.contains('\n') {
        return title
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .flat_map(|l| break_one(l, max_em, extra_words))
            .collect();
    }
    break_one(title, max_em, extra_words)
}

/// Line widths from prefix sums, so any line is measured in O(1).
struct Measure<'a> {
    chars: &'a [char],
    prefix: Vec<f64>,
    /// chg[k]: Chinese/Latin changes between neighbours inside chars[..k].
    chg: Vec<u32>,
}

impl<'a> Measure<'a> {
    fn new(chars: &'a [char]) -> Self {
        let mut prefix = Vec::with_capacity(chars.len() + 1);
        prefix.push(0.0);
        for &c in chars {
            prefix.push(prefix[prefix.len() - 1] + width(c));
        }
        let mut chg = vec![0u32; chars.len() + 1];
        for k in 1..chars.len() {
            chg[k + 1] = chg[k] + alnum_change(chars[k - 1], chars[k]) as u32;
        }
        Measure { chars, prefix, chg }
    }

    /// Width of chars[a..b] once the spaces at its ends are dropped; a
    /// renderer may add a quarter em where Chinese meets Latin, so count it.
    fn width(&self, mut a: usize, mut b: usize) -> f64 {
        while b > a && is_space(self.chars[b - 1]) {
            b -= 1;
        }
        while a < b && is_space(self.chars[a]) {
            a += 1;
        }
        if b <= a {
            return 0.0;
        }
        self.prefix[b] - self.prefix[a] + (self.chg[b] - self.chg[a + 1]) as f64 * 0.25
    }
}

/// What a line may hold: a width, and no subtitle dash after its start.
struct Limit {
    max_em: f64,
    barrier: Option<usize>,
}

impl Limit {
    fn fits(&self, m: &Measure, a: usize, b: usize) -> bool {
        m.width(a, b) <= self.max_em + 1e-9 && self.barrier.is_none_or(|g| g <= a || g >= b)
    }
}

fn break_one(title: &str, max_em: f64, extra_words: &[&str]) -> Vec<String> {
    let chars: Vec<char> = title.chars().collect();
    let m = Measure::new(&chars);
    // Every character fits on a line of one em, so this can always break.
    let max_em = max_em.max(1.0);
    if chars.len() < 2 || m.width(0, chars.len()) <= max_em + 1e-9 {
        return vec![title.to_string()];
    }
    let gaps = analyse(&chars, title, extra_words);
    let cands = |level: u8| -> Vec<(usize, f64)> {
        let mut v = vec![(0, 0.0)];
        v.extend(
            (1..chars.len())
                .filter(|&p| gaps.class[p] <= level)
                .map(|p| (p, gaps.penalty[p] + CLASS_COST[gaps.class[p] as usize])),
        );
        v.push((chars.len(), 0.0));
        v
    };
    // The fewest lines that fit; one more only if it spares a word or
    // lets a subtitle start its own line.
    let loose = Limit {
        max_em,
        barrier: None,
    };
    let all = cands(FORBIDDEN);
    let fewest = min_lines(&m, &all, &loose).unwrap_or(chars.len());
    let mut chosen = (all, fewest, loose);
    'search: for level in FREE..FORBIDDEN {
        let c = cands(level);
        for barrier in [gaps.subtitle, None] {
            let lim = Limit { max_em, barrier };
            if let Some(k) = min_lines(&m, &c, &lim).filter(|&k| k <= fewest + 1) {
                chosen = (c, k, lim);
                break 'search;
            }
            if gaps.subtitle.is_none() {
                break;
            }
        }
    }
    let (pos, n, lim) = chosen;
    let breaks = if n <= SHAPE_LINES {
        shaped_breaks(&m, &pos, n, &lim)
    } else {
        plain_breaks(&m, &pos, n, &lim)
    };
    let mut lines = Vec::with_capacity(n);
    let mut start = 0;
    for end in breaks.into_iter().chain([chars.len()]) {
        let line: String = chars[start..end].iter().collect();
        lines.push(line.trim_matches(is_space).to_string());
        start = end;
    }
    lines
}

/// Fewest lines using only the breaks in `pos` (greedy filling is optimal
/// because a line only gets wider as it grows).
fn min_lines(m: &Measure, pos: &[(usize, f64)], lim: &Limit) -> Option<usize> {
    let mut lines = 0;
    let mut i = 0;
    while i + 1 < pos.len() {
        let mut j = i;
        while j + 1 < pos.len() && lim.fits(m, pos[i].0, pos[j + 1].0) {
            j += 1;
        }
        if j == i {
            return None;
        }
        lines += 1;
        i = j;
    }
    Some(lines)
}

/// Breaks of the greedy filling: a fallback that cannot fail where
/// `min_lines` found a count.
fn greedy_breaks(m: &Measure, pos: &[(usize, f64)], lim: &Limit) -> Vec<usize> {
    let mut breaks = Vec::new();
    let mut i = 0;
    while i + 1 < pos.len() {
        let mut j = i;
        while j + 1 < pos.len() && lim.fits(m, pos[i].0, pos[j + 1].0) {
            j += 1;
        }
        if j == i {
            j = i + 1; // Cannot happen with a count from `min_lines`.
        }
        if j + 1 < pos.len() {
            breaks.push(pos[j].0);
        }
        i = j;
    }
    breaks
}

/// Titles of up to this many lines get the shape rule; longer ones are
/// pathological and only balanced.
const SHAPE_LINES: usize = 6;
/// Lines within this many em count as equally long for the shape.
const SHAPE_TOLERANCE: f64 = 1.5;
/// A valley (long–short–long) costs this, plus per em of the rise.
const VALLEY_COST: f64 = 40.0;
const BALANCE_WEIGHT: f64 = 0.3;

/// Cost of one line apart from the break that ends it: balance around the
/// mean width, and a last line of a character or two looks dropped.
fn line_cost(w: f64, target: f64, last: bool) -> f64 {
    let dev = w - target;
    let mut cost = BALANCE_WEIGHT * dev * dev;
    if last {
        cost += if w < 2.5 {
            200.0
        } else if w < 4.5 {
            30.0
        } else if w < 6.5 {
            6.0
        } else {
            0.0
        };
    }
    cost
}

/// For every candidate j, the candidates i < j that can start a line ending
/// at j (nearest first; stops once a line would be too wide).
fn predecessors(m: &Measure, pos: &[(usize, f64)], lim: &Limit) -> Vec<Vec<usize>> {
    (0..pos.len())
        .map(|j| {
            (0..j)
                .rev()
                .take_while(|&i| lim.fits(m, pos[i].0, pos[j].0))
                .collect()
        })
        .collect()
}

/// Exactly `n` lines, unimodal widths (梯形 or 菱形): the state is the last
/// line (i, j) and whether the widths have started to fall, so a valley
/// (long–short–long) can be charged.
fn shaped_breaks(m: &Measure, pos: &[(usize, f64)], n: usize, lim: &Limit) -> Vec<usize> {
    let last = pos.len() - 1;
    let target = m.width(0, pos[last].0) / n as f64;
    let preds = predecessors(m, pos, lim);
    // State s = (j, index into preds[j]); offset[j] is its first index.
    let mut offset = vec![0usize; pos.len() + 1];
    for j in 0..pos.len() {
        offset[j + 1] = offset[j] + preds[j].len();
    }
    let states = offset[pos.len()];
    let inf = f64::INFINITY;
    // cost[k][s * 2 + phase], back[k][s * 2 + phase] = previous state*2+phase.
    let mut cost = vec![vec![inf; states * 2]; n + 1];
    let mut back = vec![vec![usize::MAX; states * 2]; n + 1];
    for (j, pj) in preds.iter().enumerate().skip(1) {
        if pj.last() == Some(&0) && (j == last) == (n == 1) {
            let w = m.width(0, pos[j].0);
            let s = offset[j] + pj.len() - 1;
            cost[1][s * 2] =
                line_cost(w, target, j == last) + if j < last { pos[j].1 } else { 0.0 };
        }
    }
    for k in 2..=n {
        let (done, rest) = cost.split_at_mut(k);
        let prev = &done[k - 1];
        let cur = &mut rest[0];
        for j in 1..pos.len() {
            if (j == last) != (k == n) {
                continue;
            }
            for (ii, &i) in preds[j].iter().enumerate() {
                if i == 0 {
                    continue;
                }
                let w = m.width(pos[i].0, pos[j].0);
                let own = line_cost(w, target, j == last) + if j < last { pos[j].1 } else { 0.0 };
                let s = offset[j] + ii;
                for (hh, &h) in preds[i].iter().enumerate() {
                    let ps = offset[i] + hh;
                    let wp = m.width(pos[h].0, pos[i].0);
                    for phase in 0..2 {
                        let c = prev[ps * 2 + phase];
                        if c == inf {
                            continue;
                        }
                        let (extra, next) = if w < wp - SHAPE_TOLERANCE {
                            (0.0, 1)
                        } else if w > wp + SHAPE_TOLERANCE && phase == 1 {
                            (VALLEY_COST + 10.0 * (w - wp), 1)
                        } else {
                            (0.0, phase)
                        };
                        let total = c + own + extra;
                        if total < cur[s * 2 + next] {
                            cur[s * 2 + next] = total;
                            back[k][s * 2 + next] = ps * 2 + phase;
                        }
                    }
                }
            }
        }
    }
    // Best final state, then walk back.
    let mut best = (inf, usize::MAX);
    for (ii, _) in preds[last].iter().enumerate() {
        for phase in 0..2 {
            let s = (offset[last] + ii) * 2 + phase;
            if cost[n][s] < best.0 {
                best = (cost[n][s], s);
            }
        }
    }
    if best.0 == inf {
        return greedy_breaks(m, pos, lim);
    }
    // Decode state index -> (i, j).
    let decode = |s: usize| -> (usize, usize) {
        let j = offset.partition_point(|&o| o <= s) - 1;
        (preds[j][s - offset[j]], j)
    };
    let mut breaks = Vec::with_capacity(n - 1);
    let mut sp = best.1;
    for k in (2..=n).rev() {
        let (i, _) = decode(sp / 2);
        breaks.push(pos[i].0);
        sp = back[k][sp];
    }
    breaks.reverse();
    breaks
}

/// For each k, the candidates where line k can end: no further than k
/// greedy lines reach, no nearer than n - k greedy lines from the end
/// need. With the fewest lines these windows are about a line wide, which
/// keeps a 2000-character title to a few hundred thousand steps.
fn line_end_windows(preds: &[Vec<usize>], n: usize) -> (Vec<usize>, Vec<usize>) {
    let last = preds.len() - 1;
    // succ_far[i]: the farthest j with i in preds[j] (preds are contiguous).
    let mut far = vec![0usize; preds.len()];
    for (j, pj) in preds.iter().enumerate() {
        for &i in pj {
            far[i] = far[i].max(j);
        }
    }
    let mut hi = vec![0usize; n + 1];
    for k in 1..=n {
        hi[k] = far[hi[k - 1]].max(hi[k - 1]).min(last);
    }
    let mut lo = vec![last; n + 1];
    for k in (0..n).rev() {
        lo[k] = preds[lo[k + 1]].last().copied().unwrap_or(lo[k + 1]);
    }
    (lo, hi)
}

/// Exactly `n` lines, balance and break penalties only: for pathological
/// titles, where the inner loop's width cut keeps it near-linear.
fn plain_breaks(m: &Measure, pos: &[(usize, f64)], n: usize, lim: &Limit) -> Vec<usize> {
    let last = pos.len() - 1;
    let target = m.width(0, pos[last].0) / n as f64;
    let preds = predecessors(m, pos, lim);
    let (lo, hi) = line_end_windows(&preds, n);
    let inf = f64::INFINITY;
    let mut dp = vec![vec![(inf, usize::MAX); pos.len()]; n + 1];
    dp[0][0] = (0.0, usize::MAX);
    for k in 1..=n {
        for j in lo[k].max(1)..=hi[k] {
            for &i in &preds[j] {
                let c = dp[k - 1][i].0;
                if c == inf {
                    continue;
                }
                let w = m.width(pos[i].0, pos[j].0);
                let own = line_cost(w, target, j == last) + if j < last { pos[j].1 } else { 0.0 };
                if c + own < dp[k][j].0 {
                    dp[k][j] = (c + own, i);
                }
            }
        }
    }
    if dp[n][last].0 == inf {
        return greedy_breaks(m, pos, lim);
    }
    let mut breaks = Vec::with_capacity(n - 1);
    let mut j = last;
    for k in (2..=n).rev() {
        j = dp[k][j].1;
        breaks.push(pos[j].0);
    }
    breaks.reverse();
    breaks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(line: &str) -> f64 {
        let c: Vec<char> = line.chars().collect();
        Measure::new(&c).width(0, c.len())
    }

    // ---- Tests kept from the previous breaker. ----

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
        // Two lines (19.5 + 19 em) would need 中等 / 职业学校; a protected
        // name is worth a third line.
        assert_eq!(lines.len(), 3, "{lines:?}");
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

    // ---- Word-aware breaking. ----

    /// Checks every rule on `title` and returns its lines: spans unsplit,
    /// widths, text kept (spaces at breaks dropped), punctuation, shape.
    fn check(title: &str, extra: &[&str], spans: &[&str]) -> Vec<String> {
        let max_em = 19.5;
        let lines = break_lines_with(title, max_em, extra);
        let chars: Vec<char> = title.chars().collect();
        let shown = lines.join(" / ");
        // The text, minus spaces dropped at breaks, is the title.
        let mut p = 0;
        let mut starts = Vec::new();
        for (k, l) in lines.iter().enumerate() {
            if k > 0 {
                while p < chars.len() && is_space(chars[p]) {
                    p += 1;
                }
            }
            starts.push(p);
            let lc: Vec<char> = l.chars().collect();
            assert!(!lc.is_empty(), "empty line: {shown}");
            assert_eq!(chars.get(p..p + lc.len()), Some(&lc[..]), "{shown}");
            p += lc.len();
        }
        assert_eq!(p, chars.len(), "{shown}");
        // Protected spans are never split.
        for span in spans {
            let sc: Vec<char> = span.chars().collect();
            let mut found = false;
            for a in 0..chars.len().saturating_sub(sc.len() - 1) {
                if chars[a..a + sc.len()] == sc[..] {
                    found = true;
                    for &s in &starts[1..] {
                        assert!(!(a < s && s < a + sc.len()), "{span} split: {shown}");
                    }
                }
            }
            assert!(found, "{span} is not in {title}");
        }
        let widths: Vec<f64> = lines.iter().map(|l| w(l)).collect();
        for (l, &lw) in lines.iter().zip(&widths) {
            assert!(lw <= max_em + 1e-9, "{l} is {lw} em: {shown}");
            let first = l.chars().next().unwrap();
            let last = l.chars().last().unwrap();
            assert!(!is_closing(first), "line starts with {first}: {shown}");
            assert!(!is_opening(last), "line ends with {last}: {shown}");
            assert!(!is_dash(last), "line ends with a dash: {shown}");
        }
        // 梯形 or 菱形: once the lines get shorter they never grow again.
        let mut falling = false;
        for pair in widths.windows(2) {
            if pair[1] < pair[0] - SHAPE_TOLERANCE {
                falling = true;
            } else if pair[1] > pair[0] + SHAPE_TOLERANCE {
                assert!(!falling, "valley {widths:?}: {shown}");
            }
        }
        if lines.len() > 1 {
            assert!(widths[widths.len() - 1] >= 3.0, "short last line: {shown}");
        }
        // The fewest lines, or one more.
        let whole: f64 = w(title);
        let fewest = (whole / max_em).ceil() as usize;
        assert!(lines.len() <= fewest + 1, "{} lines: {shown}", lines.len());
        if whole <= max_em {
            assert_eq!(lines.len(), 1);
        }
        // A subtitle starts its line with the dash.
        if title.contains("——") {
            assert!(
                lines.iter().skip(1).any(|l| l.starts_with("——")),
                "subtitle: {shown}"
            );
        }
        lines
    }

    #[test]
    fn notes_example_issuing_bodies() {
        let t = "教育部 中央宣传部 人力资源社会保障部关于做好2016年职业教育活动周相关工作的通知";
        assert_eq!(
            check(t, &[], &["人力资源社会保障部", "2016年", "职业教育"]),
            vec![
                "教育部 中央宣传部 人力资源社会保障部",
                "关于做好2016年职业教育活动周",
                "相关工作的通知"
            ]
        );
    }

    #[test]
    fn notes_example_subtitle() {
        let t =
            "“云上活动周”让职业教育走进千家万户——南昌市第一中等专业学校2020年职业教育活动周纪实";
        let want = vec![
            "“云上活动周”让职业教育走进千家万户",
            "——南昌市第一中等专业学校",
            "2020年职业教育活动周纪实",
        ];
        let spans = [
            "千家万户",
            "南昌市第一中等专业学校",
            "2020年",
            "“云上活动周”",
        ];
        assert_eq!(check(t, &["南昌市第一中等专业学校"], &spans), want);
        assert_eq!(check(t, &[], &spans), want);
    }

    #[test]
    fn notes_example_graduates() {
        let t = "教育部办公厅关于进一步做好高校毕业生就业创业工作的通知";
        assert_eq!(
            check(t, &[], &["高校毕业生", "教育部办公厅"]),
            vec!["教育部办公厅关于进一步做好", "高校毕业生就业创业工作的通知"]
        );
    }

    /// Real-style titles (21–60 characters) with the spans that must not be
    /// split.
    const TITLES: &[(&str, &[&str])] = &[
        (
            "南昌市教育局关于印发《2020年南昌市中等职业学校职业教育活动周工作方案》的通知",
            &["2020年", "中等职业学校", "职业教育活动周", "工作方案"],
        ),
        (
            "关于举办第五届全省中等职业学校学生技能大赛3D打印项目比赛的通知",
            &["第五届", "3D打印", "中等职业学校", "技能大赛"],
        ),
        (
            "关于推进5G网络与人工智能技术在职业院校教学中应用的实施意见",
            &["5G", "人工智能", "职业院校", "实施意见"],
        ),
        (
            "江西省教育厅 江西省人力资源和社会保障厅关于开展2021年全省职业院校技能大赛的通知",
            &["人力资源和社会保障厅", "2021年", "职业院校", "技能大赛"],
        ),
        (
            "国务院办公厅关于深化产教融合推动职业教育高质量发展的若干意见",
            &["国务院办公厅", "产教融合", "职业教育", "高质量"],
        ),
        (
            "中共中央办公厅 国务院办公厅印发《关于推动现代职业教育高质量发展的意见》",
            &["中共中央办公厅", "国务院办公厅", "职业教育", "高质量"],
        ),
        (
            "南昌市第一中等专业学校关于开展第十二届校园技能节系列活动的通知",
            &["南昌市第一中等专业学校", "第十二届", "系列活动"],
        ),
        (
            "关于印发《南昌市第一中等专业学校“三全育人”综合改革实施方案》的通知",
            &["南昌市第一中等专业学校", "“三全育人”", "实施方案"],
        ),
        (
            "匠心筑梦 技能成才——南昌市第一中等专业学校参加2021年全国职业院校技能大赛纪实",
            &["技能成才", "南昌市第一中等专业学校", "2021年", "技能大赛", "——"],
        ),
        (
            "校企合作育英才 产教融合促发展——记我校与江铃汽车集团共建订单班十周年",
            &["校企合作", "产教融合", "十周年", "——"],
        ),
        (
            "关于公布2022年度江西省职业教育教学成果奖获奖名单的通知",
            &["2022年度", "职业教育", "成果奖"],
        ),
        (
            "教育部等九部门关于印发《职业教育提质培优行动计划（2020—2023年）》的通知",
            &["提质培优", "（2020—2023年）", "职业教育"],
        ),
        (
            "关于组织参加2023年“技能中国行”暨职业教育活动周启动仪式的通知",
            &["2023年", "“技能中国行”", "职业教育活动周"],
        ),
        (
            "南昌市教育局关于做好2020年11月8日中等职业学校学生学业水平考试工作的通知",
            &["2020年11月8日", "中等职业学校"],
        ),
        (
            "300余名师生走进社区——我校开展“职业教育服务千家万户”志愿活动纪实",
            &["300余名", "“职业教育服务千家万户”", "——"],
        ),
        (
            "关于做好新冠肺炎疫情防控期间中等职业学校线上教学工作的指导意见",
            &["疫情防控", "中等职业学校", "指导意见"],
        ),
        (
            "从车间到课堂：3D打印技术助力机械专业教学改革的探索与实践",
            &["3D打印", "车间", "课堂"],
        ),
        (
            "关于开展5G+智慧校园建设试点工作暨首批试点学校遴选的通知",
            &["5G", "智慧", "校园", "首批"],
        ),
        (
            "江西省教育厅关于认定第二批省级高水平专业群和“双师型”名师工作室的通知",
            &["第二批", "“双师型”", "高水平", "专业群"],
        ),
        (
            "关于转发《教育部关于深入推进职业教育课程思政建设的指导意见》的通知",
            &["课程思政", "职业教育", "指导意见"],
        ),
        (
            "学党史 强技能 办实事——南昌市第一中等专业学校党史学习教育系列活动综述",
            &["学党史", "强技能", "办实事", "南昌市第一中等专业学校", "系列活动"],
        ),
        (
            "关于举办2021年南昌市中等职业学校班主任能力比赛暨德育工作经验交流会的通知",
            &["2021年", "中等职业学校", "班主任", "经验交流"],
        ),
        (
            "一所中职学校的“双高”之路——南昌市第一中等专业学校建设省级高水平学校纪实",
            &["“双高”", "南昌市第一中等专业学校", "高水平"],
        ),
        (
            "关于表彰2020—2021学年度优秀学生、优秀学生干部和先进班集体的决定",
            &["2020—2021学年", "优秀学生", "学生干部", "班集体"],
        ),
        (
            "教育部 财政部关于实施中国特色高水平高职学校和专业建设计划的意见",
            &["财政部", "中国特色", "高水平", "高职"],
        ),
        (
            "关于加快推进ISO 9001质量管理体系在职业院校认证工作的通知",
            &["ISO", "9001", "质量", "管理", "职业院校"],
        ),
        (
            "关于选派30名骨干教师赴德国开展“双元制”职业教育培训的通知",
            &["30名", "“双元制”", "骨干教师", "职业教育"],
        ),
        (
            "让每一个孩子都有人生出彩的机会——我校11月8日举办职业教育活动周开放日活动",
            &["11月8日", "职业教育活动周", "开放日", "——"],
        ),
        (
            "关于印发《南昌市第一中等专业学校教职工绩效考核办法（试行）》的通知",
            &["南昌市第一中等专业学校", "（试行）", "绩效考核"],
        ),
        (
            "南昌市人民政府办公厅关于进一步推进中等职业教育改革发展的实施意见",
            &["人民政府", "办公厅", "中等职业教育", "实施意见"],
        ),
        (
            "AI赋能课堂 数字引领未来——我校举办第三届信息化教学能力比赛",
            &["AI", "第三届", "信息化", "教学能力比赛"],
        ),
        (
            "国家发展改革委 教育部 人力资源社会保障部关于印发《建设产教融合型企业实施办法（试行）》的通知",
            &["国家发展改革委", "人力资源社会保障部", "产教融合", "（试行）"],
        ),
        (
            "江西省教育厅办公室关于做好2024年中等职业学校招生工作和学生资助政策宣传工作的通知",
            &["2024年", "中等职业学校", "招生", "学生资助"],
        ),
    ];

    #[test]
    fn real_titles_keep_their_words() {
        let school = ["南昌市第一中等专业学校"];
        for (t, spans) in TITLES {
            let n = t.chars().count();
            assert!((21..=60).contains(&n), "{t} has {n} characters");
            check(t, &school, spans);
        }
    }

    #[test]
    fn political_phrases_stay_whole() {
        let t = "关于开展“学习贯彻习近平新时代中国特色社会主义思想主题教育”专题学习活动的通知";
        let lines = check(t, &[], &["习近平新时代中国特色社会主义思想", "主题教育"]);
        assert_eq!(lines[1], "习近平新时代中国特色社会主义思想");
    }

    #[test]
    fn random_text_keeps_the_invariants() {
        // Deterministic xorshift: CJK, Latin, digits, spaces, quotes, dashes.
        let pool: Vec<char> =
            "教育部关于做好职业学校的通知技能大赛年月日第届一二三四五我校南昌市中等专业\
                               abcXYZ0123456789    《》“”（）——……、，：·%"
                .chars()
                .filter(|c| *c != '\n')
                .collect();
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..300 {
            let len = 1 + (next() % 90) as usize;
            let t: String = (0..len)
                .map(|_| pool[(next() % pool.len() as u64) as usize])
                .collect();
            let max_em = 0.5 + (next() % 40) as f64 * 0.5;
            let lines = break_lines(&t, max_em);
            let t = t.trim();
            let squeezed: String = t.chars().filter(|c| !is_space(*c)).collect();
            let joined: String = lines.concat().chars().filter(|c| !is_space(*c)).collect();
            assert_eq!(joined, squeezed, "{t:?} at {max_em}: {lines:?}");
            for l in &lines {
                assert!(!l.is_empty() || t.is_empty(), "{t:?}: {lines:?}");
                if lines.len() > 1 {
                    assert!(
                        w(l) <= max_em.max(1.0) + 1e-9,
                        "{t:?} at {max_em}: {lines:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn dictionary_words_count_only_where_jieba_cuts_them() {
        // 教育部 is no word in 职业教育部署: 部 / 署 must stay inside 部署.
        let t = "关于加强职业教育部署安排的通知";
        let chars: Vec<char> = t.chars().collect();
        let gaps = analyse(&chars, t, &[]);
        let p = t.chars().position(|c| c == '署').unwrap();
        assert_eq!(gaps.class[p], IN_WORD);
        // The caller's names count wherever they occur.
        let gaps = analyse(&chars, t, &["育部"]);
        assert_eq!(gaps.class[p - 1], PROTECTED);
    }

    #[test]
    fn closing_and_opening_punctuation_stay_put() {
        let t = "关于表彰2020—2021学年度优秀学生、优秀学生干部和先进班集体的决定";
        let lines = check(t, &[], &[]);
        assert_eq!(lines[0], "关于表彰2020—2021学年度优秀学生、");
    }

    #[test]
    fn numbers_keep_their_units() {
        let chars: Vec<char> = "于2020年11月8日有300余人第五届十四五统一95%"
            .chars()
            .collect();
        let spans: Vec<String> = number_spans(&chars)
            .into_iter()
            .map(|(s, e)| chars[s..e].iter().collect())
            .collect();
        assert_eq!(
            spans,
            ["2020年11月8日", "300余人", "第五届", "十四五", "95%"]
        );
    }

    #[test]
    fn short_quotations_stay_whole_long_ones_break_between_words() {
        // 《…》 of 12 characters or fewer is never split.
        let t =
            "关于认真学习贯彻《中华人民共和国职业教育法》进一步推动我市中等职业学校改革发展的通知";
        let lines = check(t, &[], &["《中华人民共和国职业教育法》"]);
        assert!(lines.len() >= 2);
        // A longer one may break, but only between words.
        let t = "中共中央办公厅 国务院办公厅印发《关于推动现代职业教育高质量发展的意见》";
        check(t, &[], &["推动", "现代", "职业教育", "高质量", "发展"]);
    }

    #[test]
    fn extra_words_are_never_split() {
        let t = "关于表彰赣州市章贡区职业技术教育中心等二十所先进单位和优秀个人的通知";
        let name = "赣州市章贡区职业技术教育中心";
        check(t, &[name], &[name]);
        let t = "关于同意设立赣州市章贡区职业技术教育中心实训基地的批复";
        check(t, &[name], &[name, "实训基地"]);
    }

    #[test]
    fn a_dash_never_ends_a_line() {
        let t = "匠心筑梦育英才——南昌市第一中等专业学校产教融合纪实";
        let lines = check(t, &[], &["——", "产教融合"]);
        assert_eq!(lines[1], "——南昌市第一中等专业学校产教融合纪实");
    }

    #[test]
    fn pathological_inputs_finish() {
        for t in [
            "长".repeat(2000),
            "a".repeat(2000),
            "教育部关于2020年".repeat(200),
            "《".repeat(1000) + &"》".repeat(1000),
            "——".repeat(1000),
        ] {
            let start = std::time::Instant::now();
            let lines = break_lines(&t, 19.5);
            assert!(start.elapsed().as_secs_f64() < 2.0, "{:?}", start.elapsed());
            assert_eq!(lines.concat(), t);
            assert!(lines.iter().all(|l| w(l) <= 19.5 + 1e-9));
        }
    }
}
