//! Consistency of a summary's figures and of a highlights table.

use crate::diag::{code, Diagnostic};
use crate::model::{Document, HighlightRow, Num, Stats};

pub fn check(doc: &Document, s: &Stats, out: &mut Vec<Diagnostic>) {
    let named: [(&Num, &str); 7] = [
        (&s.schools, "参加活动的职业院校数"),
        (&s.enterprises, "企业数"),
        (&s.teachers, "教师数"),
        (&s.students, "学生数"),
        (&s.students_enrolled, "在校生数"),
        (&s.participants, "参与总人数"),
        (&s.experience_projects, "观摩体验活动项目数"),
    ];
    for (n, label) in named {
        if n.value < 0 {
            out.push(
                Diagnostic::new(
                    code::NEGATIVE,
                    format!("{label}不能是负数（现为 {}）", n.value),
                )
                .at(&doc.file, n.span.clone())
                .hint("请填写实际人数或个数"),
            );
        }
    }
    if s.students.value > s.students_enrolled.value {
        out.push(
            Diagnostic::new(
                code::STUDENTS_OVER_ENROLLED,
                format!(
                    "参加活动的学生数 {} 多于在校生数 {}",
                    s.students.value, s.students_enrolled.value
                ),
            )
            .at(&doc.file, s.students.span.clone())
            .label("学生数")
            .hint("学生参与覆盖率 = 学生数 ÷ 在校生数，不能超过 100%；请核对两个数字"),
        );
    } else if s.students_enrolled.value == 0 {
        out.push(
            Diagnostic::new(
                code::STUDENTS_OVER_ENROLLED,
                "在校生数为 0，无法计算学生参与覆盖率",
            )
            .at(&doc.file, s.students_enrolled.span.clone())
            .hint("请填写在校生总数"),
        );
    }
    let least = s.teachers.value.saturating_add(s.students.value);
    if s.participants.value < least {
        out.push(
            Diagnostic::new(
                code::PARTICIPANTS_TOO_FEW,
                format!(
                    "参与总人数 {} 少于教师数与学生数之和 {}（{} + {}）",
                    s.participants.value, least, s.teachers.value, s.students.value
                ),
            )
            .at(&doc.file, s.participants.span.clone())
            .label("参与总人数")
            .hint("参与总人数应包括教师、学生以及企业人员、家长、市民等"),
        );
    }
    if s.activity_forms.iter().all(|f| f.value.trim().is_empty()) {
        out.push(
            Diagnostic::new(code::NO_ACTIVITY_FORMS, "没有填写主要活动形式")
                .at(&doc.file, s.span.start..s.span.start)
                .hint("例如 activity_forms = [\"线上展示\", \"开放日\", \"技能服务\"]"),
        );
    }
}

/// Every activity gives a way to reach someone: a phone number; and a
/// table cell stays short enough to keep its row on one page.
pub fn highlights(
    doc: &Document,
    rows: &[HighlightRow],
    rules: &crate::rules::Rules,
    out: &mut Vec<Diagnostic>,
) {
    for (i, r) in rows.iter().enumerate() {
        for (t, label) in [
            (&r.summary, "内容简介"),
            (&r.name, "活动名称"),
            (&r.place, "地点"),
        ] {
            let n = t.value.chars().count();
            if n > rules.text.cell_max_chars as usize {
                out.push(
                    Diagnostic::new(
                        code::CELL_TOO_LONG,
                        format!("第 {} 项活动的{label}有 {n} 字，表格中放不下一页", i + 1),
                    )
                    .at(&doc.file, t.span.clone())
                    .hint(format!(
                        "一览表只需简要介绍，建议不超过 {} 字",
                        rules.text.cell_max_chars
                    )),
                );
            }
        }
        let digits = r
            .contact
            .value
            .chars()
            .filter(|c| c.is_ascii_digit())
            .count();
        if digits < 7 {
            out.push(
                Diagnostic::new(
                    code::NO_PHONE,
                    format!("第 {} 项活动的联系人没有电话号码", i + 1),
                )
                .at(&doc.file, r.contact.span.clone())
                .label("联系人及电话")
                .hint("请写成“姓名 电话”，如“余老师 13800000000”"),
            );
        }
    }
}
