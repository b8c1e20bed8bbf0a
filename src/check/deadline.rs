//! The notice's deadlines, per document type.

use crate::diag::{code, Diagnostic};
use crate::model::DocType;
use crate::rules::calendar::Day;
use crate::rules::Deadlines;

/// The deadline for a document type, with a phrase naming it.
pub fn due(doc_type: DocType, d: &Deadlines) -> Option<(Day, String)> {
    match doc_type {
        DocType::Plan => Some((Day::parse(&d.plan)?, "工作方案".into())),
        DocType::Highlights => Some((Day::parse(&d.highlights)?, "特色亮点活动一览表".into())),
        DocType::Summary => Some((Day::parse(&d.summary)?, "活动周总结".into())),
        // Daily information: the last day's is due the morning after the week.
        DocType::Case | DocType::Media => {
            let end = Day::parse(&d.week_end)?;
            Some((
                Day(end.0 + 1),
                format!("活动周信息（每日 {} 前报送）", d.daily_time),
            ))
        }
    }
}

/// A warning when `today` is past the deadline, a note when it is close.
pub fn check(doc_type: DocType, d: &Deadlines, today: Day) -> Option<Diagnostic> {
    let (deadline, what) = due(doc_type, d)?;
    let left = deadline.0 - today.0;
    if left < 0 {
        Some(
            Diagnostic::new(
                code::LATE,
                format!(
                    "{what}的截止日期是 {}，已超过 {} 天",
                    deadline.chinese(),
                    -left
                ),
            )
            .hint("逾期材料请与主管部门联系后再报送"),
        )
    } else if left <= 3 {
        Some(
            Diagnostic::new(
                code::DUE_SOON,
                format!("{what}将于 {} 截止，还剩 {left} 天", deadline.chinese()),
            )
            .hint("请尽快报送"),
        )
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_and_due_soon() {
        let d = Deadlines::default();
        let late = check(DocType::Plan, &d, Day::parse("2020-11-09").unwrap()).unwrap();
        assert_eq!(late.code, code::LATE);
        assert!(
            late.message.contains("2020年11月6日") && late.message.contains("3 天"),
            "{}",
            late.message
        );
        let soon = check(DocType::Plan, &d, Day::parse("2020-11-05").unwrap()).unwrap();
        assert_eq!(soon.code, code::DUE_SOON);
        assert!(check(DocType::Plan, &d, Day::parse("2020-10-01").unwrap()).is_none());
        // Cases are daily information: due the morning after the week.
        assert!(check(DocType::Case, &d, Day::parse("2020-11-15").unwrap())
            .is_some_and(|x| x.code == code::DUE_SOON));
        assert!(check(DocType::Case, &d, Day::parse("2020-11-16").unwrap())
            .is_some_and(|x| x.code == code::LATE));
    }
}
