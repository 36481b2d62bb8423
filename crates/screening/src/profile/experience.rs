//! The work history read from resume text: the date ranges of the experience section, each
//! a job with the title, company and description found around its dates, and the months
//! they add up to.

use super::{ExperienceEntry, Sourced, line_text};
use crate::dates::{self, DateRange, YearMonth};
use crate::injection::fold;
use crate::sections::{Line, Section};
use crate::taxonomy::{self, taxonomy};
use std::ops::Range;

/// Reads the work history: one entry per date range that is a job (see [`work_ranges`]),
/// with the title and company read around its dates and its description.
pub(super) fn parse_experience(text: &str, lines: &[Line], reference: YearMonth) -> Vec<ExperienceEntry> {
    let resume = Resume { text, lines, reference };
    let Some(jobs) = Jobs::locate(&resume, work_ranges(&resume)) else {
        return vec![];
    };
    let layout = jobs.layout();
    (0..jobs.ranges.len()).map(|k| jobs.entry(k, layout)).collect()
}

/// The months of work: the union of the entries' ranges (overlaps once, "until now" up to
/// the reference month), or the stated experience when no entry was found.
pub(super) fn total_months(experience: &[ExperienceEntry], stated: Option<&Sourced<u32>>, reference: YearMonth) -> u32 {
    if experience.is_empty() {
        return stated.map(|s| s.value).unwrap_or(0);
    }
    let ranges: Vec<(YearMonth, YearMonth)> =
        experience.iter().map(|e| (e.start, e.end.unwrap_or(reference).min(reference))).collect();
    dates::union_months(&ranges)
}

/// The resume as the steps read it: its text, its lines, and the month "until now" means.
struct Resume<'a> {
    text: &'a str,
    lines: &'a [Line],
    reference: YearMonth,
}

impl<'a> Resume<'a> {
    /// The text of line `i`.
    fn line(&self, i: usize) -> &'a str {
        line_text(self.text, &self.lines[i])
    }

    /// The line holding byte `pos` (a line's end counts as part of it).
    fn line_at(&self, pos: usize) -> Option<usize> {
        self.lines.iter().position(|l| l.span.start <= pos && pos <= l.span.end)
    }

    /// Whether line `i` may hold a title or a company: not a heading, a bullet or blank, and
    /// short.
    fn usable(&self, i: usize) -> bool {
        let l = &self.lines[i];
        let t = line_text(self.text, l);
        !l.is_heading && !is_bullet(t) && !t.trim().is_empty() && t.trim().chars().count() <= 90
    }

    /// A line that reads like a sentence is a worse title than a short one: its added cost.
    fn wordy(&self, i: usize) -> f32 {
        if self.line(i).split_whitespace().count() > 7 { 3.0 } else { 0.0 }
    }
}

/// The date ranges that are jobs: those in the experience section or, in a resume without
/// one, those outside its education, courses and languages.
fn work_ranges(resume: &Resume) -> Vec<DateRange> {
    let lines = resume.lines;
    let has_exp_section = lines.iter().any(|l| l.section == Section::Experience);
    dates::find_ranges(resume.text, resume.reference)
        .into_iter()
        .filter(|r| {
            let Some(i) = resume.line_at(r.span.start) else { return false };
            let sec = lines[i].section;
            if has_exp_section {
                sec == Section::Experience
            } else {
                !matches!(sec, Section::Education | Section::Courses | Section::Languages)
            }
        })
        .collect()
}

/// The first job title the taxonomy finds in `s`: its role and its span in `s`.
fn role_of(s: &str) -> Option<(u16, Range<usize>)> {
    let toks = taxonomy::tokenize(s);
    taxonomy().roles.find(s, &toks).into_iter().next().map(|h| (h.id, h.span))
}

fn is_bullet(s: &str) -> bool {
    let t = s.trim_start();
    t.starts_with(['•', '-', '*', '–', '—', '▪', '●', '·', '◦', '■', '►', '✓'])
}

const COMPANY_MARKERS: &[&str] = &[
    "ооо", "ао", "пао", "зао", "оао", "гк", "ип", "нко", "фгуп", "муп", "llc", "inc", "ltd", "jsc", "plc", "gmbh",
    "group", "corp", "company", "holding", "холдинг", "банк", "bank",
];

fn looks_like_company(s: &str) -> bool {
    if s.contains('«') || s.contains('"') {
        return true;
    }
    let f = fold(s);
    f.split(|c: char| !c.is_alphanumeric()).any(|w| COMPANY_MARKERS.contains(&w))
}

/// Where titles sit relative to the dates in this resume: after them (HH, plain text) or
/// before them (title, then "company | dates"). Decided once, by majority.
#[derive(Clone, Copy)]
struct Layout {
    titles_before: bool,
    /// As many jobs have a title line before their dates as after: neither side is preferred
    /// much.
    tie: bool,
}

/// The jobs of a resume: their date ranges and the first and last line of each.
struct Jobs<'r, 'a> {
    resume: &'r Resume<'a>,
    ranges: Vec<DateRange>,
    pos: Vec<(usize, usize)>,
}

impl<'r, 'a> Jobs<'r, 'a> {
    /// Finds the lines each range starts and ends on; `None` if one of them is on no line.
    fn locate(resume: &'r Resume<'a>, ranges: Vec<DateRange>) -> Option<Self> {
        let pos: Vec<(usize, usize)> = ranges
            .iter()
            .filter_map(|r| Some((resume.line_at(r.span.start)?, resume.line_at(r.span.end.saturating_sub(1))?)))
            .collect();
        (pos.len() == ranges.len()).then_some(Self { resume, ranges, pos })
    }

    /// The first line of the job after job `k` (the end of the resume for the last job).
    fn next_first(&self, k: usize) -> usize {
        self.pos.get(k + 1).map(|p| p.0).unwrap_or(self.resume.lines.len())
    }

    /// The lines under job `k`'s dates that name a job, with their distance in usable lines:
    /// up to six usable lines, stopping at a bullet, a heading or the next job.
    fn window_after(&self, k: usize) -> Vec<(f32, usize)> {
        let lines = self.resume.lines;
        let (_, last) = self.pos[k];
        let next_first = self.next_first(k);
        let mut v = Vec::new();
        let mut d = 0;
        let mut i = last + 1;
        while i < next_first && d < 6 {
            let t = self.resume.line(i);
            if is_bullet(t) || lines[i].is_heading {
                break;
            }
            if self.resume.usable(i) {
                d += 1;
                if role_of(t).is_some() {
                    v.push((d as f32, i));
                }
            }
            i += 1;
        }
        v
    }

    /// The lines above job `k`'s dates that name a job, with their distance in usable lines:
    /// up to two usable lines, stopping at a heading or the previous job's dates.
    fn window_before(&self, k: usize) -> Vec<(f32, usize)> {
        let (first, _) = self.pos[k];
        let floor = if k == 0 { 0 } else { self.pos[k - 1].1 + 1 };
        let mut v = Vec::new();
        let mut d = 0;
        let mut i = first;
        while i > floor && d < 2 {
            i -= 1;
            if self.resume.lines[i].is_heading {
                break;
            }
            if self.resume.usable(i) {
                d += 1;
                if role_of(self.resume.line(i)).is_some() {
                    v.push((d as f32, i));
                }
            }
        }
        v
    }

    /// Decides the [`Layout`] by counting the jobs with a title line on each side.
    fn layout(&self) -> Layout {
        let jobs = 0..self.ranges.len();
        let after_votes = jobs.clone().filter(|&k| !self.window_after(k).is_empty()).count();
        let before_votes = jobs.filter(|&k| !self.window_before(k).is_empty()).count();
        Layout { titles_before: before_votes > after_votes, tie: before_votes == after_votes }
    }

    /// Job `k` as an entry: its dates, the title and company read around them, and its
    /// description.
    fn entry(&self, k: usize, layout: Layout) -> ExperienceEntry {
        let r = &self.ranges[k];
        let reference = self.resume.reference;
        let next_reserved = self.next_reserved(k, layout);
        let (mut title, mut company, mut family) = (None, None, None);
        if let Some(li) = self.title_line(k, layout, &next_reserved) {
            let line = &self.resume.lines[li];
            let masked = mask_dates(self.resume.text, line, r);
            let pieces = split_title_line(&masked, line.span.start, r, reference);
            (title, family) = title_in(&pieces, line.span.start);
            company = company_in(&pieces, line.span.start)
                .or_else(|| self.company_on_date_lines(k))
                .or_else(|| self.company_near(k, li));
        }
        ExperienceEntry {
            title,
            company,
            start: r.start,
            end: r.end,
            months: r.months(reference),
            year_only: r.year_only,
            role_family: family,
            description: self.description(k, &next_reserved),
            span: r.span.clone(),
        }
    }

    /// With titles above the dates, the title lines just above the next job's dates are that
    /// job's, not job `k`'s.
    fn next_reserved(&self, k: usize, layout: Layout) -> Vec<usize> {
        if layout.titles_before && k + 1 < self.ranges.len() {
            self.window_before(k + 1).into_iter().map(|(_, i)| i).collect()
        } else {
            vec![]
        }
    }

    /// The line that most likely holds job `k`'s title: a date line that names a job besides
    /// its dates, else the nearest short line naming a job on the layout's side of the dates,
    /// else on the other side; never a line reserved for the next job.
    fn title_line(&self, k: usize, layout: Layout, next_reserved: &[usize]) -> Option<usize> {
        let (text, lines) = (self.resume.text, self.resume.lines);
        let (first, last) = self.pos[k];
        let r = &self.ranges[k];
        let mut cands: Vec<(f32, usize)> = Vec::new();
        // The rest of the date line(s).
        for (i, l) in (first..=last).zip(&lines[first..=last]) {
            let lo = r.span.start.max(l.span.start);
            let hi = r.span.end.min(l.span.end);
            let mut rest = String::new();
            rest.push_str(&text[l.span.start..lo]);
            rest.push_str(&" ".repeat(hi - lo));
            rest.push_str(&text[hi..l.span.end]);
            if role_of(&rest).is_some() {
                cands.push((0.0, i));
            }
        }
        let (primary, secondary) =
            if layout.titles_before { (self.window_before(k), self.window_after(k)) } else { (self.window_after(k), self.window_before(k)) };
        for (d, i) in primary {
            if !next_reserved.contains(&i) {
                cands.push((d + self.resume.wordy(i), i));
            }
        }
        let penalty = if layout.tie { 0.5 } else { 10.0 };
        for (d, i) in secondary {
            if !next_reserved.contains(&i) {
                cands.push((d + penalty + self.resume.wordy(i), i));
            }
        }
        cands.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        cands.first().map(|&(_, i)| i)
    }

    /// A company named on job `k`'s date line(s), between `|`, `·` or `,`:
    /// "АО «Волга-Ритейл», Екатеринбург | 11/2018 — сейчас".
    fn company_on_date_lines(&self, k: usize) -> Option<Sourced<String>> {
        let (first, last) = self.pos[k];
        let r = &self.ranges[k];
        for j in first..=last {
            let lj = &self.resume.lines[j];
            let mut start = lj.span.start;
            for piece in self.resume.text[lj.span.clone()].split(['|', '·', ',']) {
                let a = start + (piece.len() - piece.trim_start().len());
                let b = a + piece.trim().len();
                start += piece.len() + 1;
                let overlaps_dates = a < r.span.end && b > r.span.start;
                if !overlaps_dates && looks_like_company(piece) {
                    return Some(Sourced::new(piece.trim().to_string(), a..b, 0.6));
                }
            }
        }
        None
    }

    /// A company on a line near the title line `li` (two above to two below, within job `k`,
    /// the date lines left out), up to a `·`, `|` or `(`.
    fn company_near(&self, k: usize, li: usize) -> Option<Sourced<String>> {
        let (first, last) = self.pos[k];
        let prev_last = if k > 0 { self.pos[k - 1].1 } else { 0 };
        let lo = li.saturating_sub(2).max(if k == 0 { 0 } else { prev_last + 1 });
        let hi = (li + 3).min(self.next_first(k));
        for j in lo..hi {
            if j == li || (first..=last).contains(&j) || !self.resume.usable(j) {
                continue;
            }
            let t = self.resume.line(j);
            if looks_like_company(t) {
                let piece = t.split(['·', '|', '(']).next().unwrap_or(t).trim();
                let piece = piece.trim_end_matches(',').trim();
                let a = self.resume.lines[j].span.start + t.find(piece).unwrap_or(0);
                return Some(Sourced::new(piece.to_string(), a..a + piece.len(), 0.6));
            }
        }
        None
    }

    /// Job `k`'s description: the lines after its dates up to the next job's title or dates.
    fn description(&self, k: usize, next_reserved: &[usize]) -> Option<Sourced<String>> {
        let (text, lines) = (self.resume.text, self.resume.lines);
        let (_, last) = self.pos[k];
        let desc_lo = lines.get(last + 1).map(|l| l.span.start);
        let desc_hi = next_reserved
            .first()
            .copied()
            .or(Some(self.next_first(k)))
            .and_then(|i| if i > last + 1 { lines.get(i - 1).map(|l| l.span.end) } else { None });
        match (desc_lo, desc_hi) {
            (Some(a), Some(b)) if b > a => {
                let d = text[a..b].trim();
                let s = a + text[a..b].find(d).unwrap_or(0);
                (!d.is_empty()).then(|| Sourced::new(d.to_string(), s..s + d.len(), 0.6))
            }
            _ => None,
        }
    }
}

/// Line `l` with the dates of `r` blanked out (same length, so offsets hold).
fn mask_dates(text: &str, l: &Line, r: &DateRange) -> String {
    text[l.span.clone()]
        .char_indices()
        .map(|(bi, ch)| {
            let at = l.span.start + bi;
            if at >= r.span.start && at < r.span.end { " ".repeat(ch.len_utf8()) } else { ch.to_string() }
        })
        .collect()
}

/// The pieces of a title line (dates masked), each with its offset in the line:
/// "Python-разработчик — ГК «ДатаМост»", "Senior Engineer at Acme", "Title | Company".
/// Blank pieces and what is part of the dates are left out.
fn split_title_line<'m>(masked: &'m str, line_start: usize, r: &DateRange, reference: YearMonth) -> Vec<(usize, &'m str)> {
    let raw = masked;
    let mut pieces: Vec<(usize, &str)> = Vec::new();
    let mut start = 0;
    for (bi, ch) in raw.char_indices() {
        if matches!(ch, '—' | '|' | '·' | ',') || raw[bi..].starts_with(" at ") || raw[bi..].starts_with(" в ") {
            pieces.push((start, &raw[start..bi]));
            start = bi + ch.len_utf8();
        }
    }
    pieces.push((start, &raw[start..]));
    pieces
        .into_iter()
        .filter(|(s, p)| {
            let a = line_start + s;
            let b = a + p.len();
            let inside_dates = a >= r.span.start && b <= r.span.end;
            !p.trim().is_empty() && !inside_dates && dates::find_ranges(p, reference).is_empty()
        })
        .collect()
}

/// The title among a title line's pieces (the first that names a job, less a year left from
/// a wrapped date), with its job family.
fn title_in(pieces: &[(usize, &str)], line_start: usize) -> (Option<Sourced<String>>, Option<String>) {
    let Some((s, p)) = pieces.iter().find(|(_, p)| role_of(p).is_some()) else {
        return (None, None);
    };
    let trimmed = p.trim();
    let a = line_start + s + (p.len() - p.trim_start().len());
    // Strip a year or "2024 " left from a wrapped date.
    let clean = trimmed.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ').trim();
    let a = a + (trimmed.len() - clean.len());
    let family = role_of(clean).map(|(id, _)| taxonomy().roles.name(id).to_string());
    (Some(Sourced::new(clean.to_string(), a..a + clean.len(), 0.8)), family)
}

/// The company among a title line's pieces: the first that names no job and reads like a
/// company.
fn company_in(pieces: &[(usize, &str)], line_start: usize) -> Option<Sourced<String>> {
    let (s, p) = pieces.iter().find(|(_, p)| role_of(p).is_none() && looks_like_company(p))?;
    let a = line_start + s + (p.len() - p.trim_start().len());
    Some(Sourced::new(p.trim().to_string(), a..a + p.trim().len(), 0.7))
}
