//! The resume as the intake read it: a warning when someone hid text or tried to instruct the
//! screener, the profile card (experience, skills, history, education, languages, notes on the
//! file) and the analysed text. Clicking a field highlights the text it was read from.
import { createContext, useContext, useMemo, useState, type ReactNode } from "react";
import {
  AlertTriangleIcon,
  BriefcaseIcon,
  GraduationCapIcon,
  InfoIcon,
  LanguagesIcon,
  LinkIcon,
  ShieldAlertIcon,
  WrenchIcon,
} from "lucide-react";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { useI18n } from "@/lib/i18n";
import { cn } from "@/lib/utils";
import type { Candidate } from "../schema";
import {
  ALARMING_FLAGS,
  byteOffsets,
  toCharRange,
  type Experience,
  type Flag,
  type Sourced,
  type Span,
  type StoredProfile,
} from "../profile";
import { ResumeText, type Selection } from "./ResumeText";

/** Picks a span for highlighting: given a label, returns the click handler (or none without a span). */
export type Pick = (label: string, span: Span | null | undefined) => (() => void) | undefined;

/**
 * Lets other parts of the candidate page (the evidence of a match) highlight resume text too;
 * null where there is no resume text to show.
 */
export const ResumeHighlight = createContext<Pick | null>(null);
export const useResumeHighlight = () => useContext(ResumeHighlight);

/** Below this the reader was unsure and the value gets a question mark (0.7 arrives as 0.6999…). */
const LOW_CONFIDENCE = 0.65;

/** A profile value the user can click to see where it came from. */
function Src({
  pick,
  label,
  span,
  confidence,
  className,
  children,
  testId = "profile-field",
}: {
  pick: Pick;
  label: string;
  span: Span | null | undefined;
  confidence?: number | null;
  className?: string;
  children: ReactNode;
  testId?: string;
}) {
  const { t, percent } = useI18n();
  const onClick = pick(label, span);
  const low = confidence != null && confidence < LOW_CONFIDENCE;
  const title = [
    onClick ? t("profile.showSource", { field: label }) : null,
    confidence != null ? t("profile.confidence", { percent: percent(confidence) }) : null,
    low ? t("profile.lowConfidence") : null,
  ]
    .filter(Boolean)
    .join(" · ");
  const mark = low && (
    <sup className="ml-0.5 text-[10px] font-semibold text-amber-600" aria-label={t("profile.lowConfidence")}>
      ?
    </sup>
  );
  if (!onClick) {
    return (
      <span className={className} title={title || undefined}>
        {children}
        {mark}
      </span>
    );
  }
  return (
    <button
      type="button"
      onClick={onClick}
      title={title}
      data-testid={testId}
      className={cn(
        "decoration-primary/40 hover:text-primary focus-visible:ring-ring/50 cursor-pointer rounded-sm text-left underline decoration-dotted underline-offset-4 outline-none focus-visible:ring-[3px]",
        className,
      )}
    >
      {children}
      {mark}
    </button>
  );
}

function Section({ icon, title, children }: { icon: ReactNode; title: string; children: ReactNode }) {
  return (
    <section className="space-y-2">
      <h4 className="text-muted-foreground flex items-center gap-1.5 text-xs font-semibold tracking-wide uppercase [&_svg]:size-3.5">
        {icon}
        {title}
      </h4>
      {children}
    </section>
  );
}

/** The prominent banner for hidden text and instructions aimed at the screener. */
export function FlagWarning({ flags }: { flags: Flag[] }) {
  const { t, td } = useI18n();
  const hidden = flags.some((f) => f.kind === "hidden_text" || f.kind === "invisible_characters");
  const injection = flags.some((f) => f.kind.startsWith("prompt_injection"));
  if (!hidden && !injection) return null;
  const message = hidden && injection ? t("profile.warning.both") : injection ? t("profile.warning.injection") : t("profile.warning.hidden");
  return (
    <div
      role="alert"
      data-testid="profile-warning"
      className="border-destructive/40 bg-destructive/10 text-destructive flex items-start gap-3 rounded-lg border p-4"
    >
      <ShieldAlertIcon className="mt-0.5 size-5 shrink-0" />
      <div className="space-y-1">
        <p className="text-sm font-semibold">{message}</p>
        <ul className="space-y-0.5 text-xs">
          {flags
            .filter((f) => ALARMING_FLAGS.has(f.kind))
            .map((f, i) => (
              <li key={i}>
                <span className="font-medium">{flagLabel(td, f.kind)}</span>
                {f.detail && <span className="text-destructive/80">: {f.detail}</span>}
              </li>
            ))}
        </ul>
      </div>
    </div>
  );
}

function flagLabel(td: ReturnType<typeof useI18n>["td"], kind: string): string {
  return td(`flag.${kind}`, kind);
}

function Period({ e }: { e: Experience }) {
  const { t, monthYear, duration } = useI18n();
  const from = monthYear(e.start.year, e.year_only ? null : e.start.month);
  const to = e.end ? monthYear(e.end.year, e.year_only ? null : e.end.month) : t("profile.present");
  return (
    <p className="text-muted-foreground text-xs">
      {from} — {to}
      {e.months > 0 && <> · {duration(e.months)}</>}
      {e.year_only && <> · {t("profile.yearOnly")}</>}
    </p>
  );
}

function ProfileCard({ candidate, stored, pick }: { candidate: Candidate; stored: StoredProfile; pick: Pick }) {
  const { t, td, duration, languageName } = useI18n();
  const p = stored.profile;
  const file = candidate.resume_files.find((f) => f.key === stored.source_key)?.file_name;

  const fields: { label: string; field: Sourced<string> | null }[] = [
    { label: t("profile.field.full_name"), field: p.full_name },
    { label: t("profile.field.email"), field: p.email },
    { label: t("profile.field.phone"), field: p.phone },
    { label: t("profile.field.city"), field: p.city },
    { label: t("profile.field.headline"), field: p.headline },
  ];
  const notes = p.flags.filter((f) => !ALARMING_FLAGS.has(f.kind));

  return (
    <Card data-testid="resume-profile">
      <CardHeader>
        <CardTitle>{t("profile.title")}</CardTitle>
        {file && <CardDescription>{t("profile.readBy", { file })}</CardDescription>}
      </CardHeader>
      <CardContent className="space-y-5">
        <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
          <span className="text-muted-foreground text-sm">{t("profile.totalExperience")}</span>
          <span className="text-xl font-semibold" data-testid="profile-experience">
            {p.total_experience_months != null && p.total_experience_months > 0
              ? duration(p.total_experience_months)
              : t("profile.noExperience")}
          </span>
          {p.stated_experience_months && p.stated_experience_months.value !== p.total_experience_months && (
            <Src
              pick={pick}
              label={t("profile.totalExperience")}
              span={p.stated_experience_months.span}
              confidence={p.stated_experience_months.confidence}
              className="text-muted-foreground text-xs"
            >
              {t("profile.statedExperience", { duration: duration(p.stated_experience_months.value) })}
            </Src>
          )}
        </div>

        <Section icon={<InfoIcon />} title={t("profile.fields")}>
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
            {fields
              .filter((f) => f.field)
              .map(({ label, field }) => (
                <div key={label} className="min-w-0">
                  <dt className="text-muted-foreground text-xs">{label}</dt>
                  <dd className="break-words">
                    <Src pick={pick} label={label} span={field!.span} confidence={field!.confidence}>
                      {field!.value}
                    </Src>
                  </dd>
                </div>
              ))}
            {p.relocation_ready && (
              <div>
                <dt className="text-muted-foreground text-xs">{t("profile.field.relocation")}</dt>
                <dd>
                  <Src
                    pick={pick}
                    label={t("profile.field.relocation")}
                    span={p.relocation_ready.span}
                    confidence={p.relocation_ready.confidence}
                  >
                    {p.relocation_ready.value ? t("profile.relocation.yes") : t("profile.relocation.no")}
                  </Src>
                </dd>
              </div>
            )}
          </dl>
        </Section>

        <Section icon={<WrenchIcon />} title={t("profile.skills")}>
          {p.skills.length === 0 ? (
            <p className="text-muted-foreground text-sm">{t("profile.skillsEmpty")}</p>
          ) : (
            <ul className="flex flex-wrap gap-1.5" data-testid="profile-skills">
              {p.skills.map((s, i) => (
                <li key={`${s.value}-${i}`}>
                  <Src
                    pick={pick}
                    label={s.value}
                    span={s.span}
                    confidence={s.confidence}
                    testId="profile-skill"
                    className="bg-secondary text-secondary-foreground hover:bg-primary/10 inline-flex rounded-md px-2 py-0.5 text-xs font-medium no-underline"
                  >
                    {s.value}
                  </Src>
                </li>
              ))}
            </ul>
          )}
        </Section>

        {p.experience.length > 0 && (
          <Section icon={<BriefcaseIcon />} title={t("profile.experience")}>
            <ol className="border-border ml-1.5 space-y-4 border-l pl-4" data-testid="profile-timeline">
              {p.experience.map((e, i) => {
                const title = e.title?.value ?? e.company?.value ?? "—";
                return (
                  <li key={i} className="relative">
                    <span className="bg-primary ring-background absolute top-1.5 -left-[21px] size-2.5 rounded-full ring-4" />
                    <p className="text-sm font-medium">
                      <Src pick={pick} label={title} span={e.span ?? e.title?.span} confidence={e.title?.confidence}>
                        {title}
                      </Src>
                      {e.company && e.title && (
                        <>
                          <span className="text-muted-foreground"> · </span>
                          <Src pick={pick} label={e.company.value} span={e.company.span} confidence={e.company.confidence}>
                            {e.company.value}
                          </Src>
                        </>
                      )}
                    </p>
                    <Period e={e} />
                    {e.description?.value && (
                      <p className="text-muted-foreground mt-1 line-clamp-3 text-xs whitespace-pre-line">
                        {e.description.value}
                      </p>
                    )}
                  </li>
                );
              })}
            </ol>
          </Section>
        )}

        {p.education.length > 0 && (
          <Section icon={<GraduationCapIcon />} title={t("profile.education")}>
            <ul className="space-y-1.5 text-sm" data-testid="profile-education">
              {p.education.map((ed, i) => {
                const v = ed.value;
                const name = v.institution ?? v.text?.split("\n")[0] ?? "—";
                return (
                  <li key={i}>
                    <Src pick={pick} label={name} span={ed.span} confidence={ed.confidence}>
                      {name}
                    </Src>
                    <span className="text-muted-foreground text-xs">
                      {[v.degree ? td(`profile.degree.${v.degree}`, v.degree) : null, v.year_end]
                        .filter((x) => x != null)
                        .map((x) => ` · ${x}`)
                        .join("")}
                    </span>
                  </li>
                );
              })}
            </ul>
          </Section>
        )}

        {p.languages.length > 0 && (
          <Section icon={<LanguagesIcon />} title={t("profile.languages")}>
            <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm" data-testid="profile-languages">
              {p.languages.map((l, i) => {
                const name = languageName(l.value.language);
                const level = l.value.level ? td(`profile.level.${l.value.level}`, l.value.level) : null;
                return (
                  <li key={i}>
                    <Src pick={pick} label={name} span={l.span} confidence={l.confidence}>
                      {name}
                      {level && <span className="text-muted-foreground"> — {level}</span>}
                    </Src>
                  </li>
                );
              })}
            </ul>
          </Section>
        )}

        {p.links.length > 0 && (
          <Section icon={<LinkIcon />} title={t("profile.links")}>
            <ul className="space-y-1 text-sm">
              {p.links.map((l, i) => (
                <li key={i} className="truncate">
                  <a
                    href={/^https?:\/\//.test(l.value) ? l.value : `https://${l.value}`}
                    target="_blank"
                    rel="noopener noreferrer nofollow"
                    className="text-primary hover:underline"
                  >
                    {l.value}
                  </a>
                </li>
              ))}
            </ul>
          </Section>
        )}

        {notes.length > 0 && (
          <Section icon={<AlertTriangleIcon />} title={t("profile.flags")}>
            <ul className="space-y-1 text-sm" data-testid="profile-flags">
              {notes.map((f, i) => (
                <li key={i} className="flex items-start gap-2 text-amber-800">
                  <AlertTriangleIcon className="mt-0.5 size-3.5 shrink-0" />
                  <span>
                    {flagLabel(td, f.kind)}
                    {f.detail && <span className="text-muted-foreground text-xs"> — {f.detail}</span>}
                  </span>
                </li>
              ))}
            </ul>
          </Section>
        )}
      </CardContent>
    </Card>
  );
}

/** The highlight state shared by the profile card, the text viewer and the match evidence. */
export function useResumeSelection(stored: StoredProfile | null) {
  const text = stored?.profile.text ?? "";
  const map = useMemo(() => byteOffsets(text), [text]);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [open, setOpen] = useState(false);
  const pick: Pick = (label, span) => {
    const range = text ? toCharRange(map, span) : null;
    if (!range) return undefined;
    return () => {
      setSelection({ label, ...range });
      setOpen(true);
    };
  };
  return { text, pick, selection, setSelection, open, setOpen };
}

/** The profile card and the text viewer, sharing which field is highlighted. */
export function ResumeProfileSection({
  candidate,
  stored,
  state,
}: {
  candidate: Candidate;
  stored: StoredProfile;
  state: ReturnType<typeof useResumeSelection>;
}) {
  return (
    <>
      <ProfileCard candidate={candidate} stored={stored} pick={state.pick} />
      {state.text && (
        <ResumeText
          text={state.text}
          selection={state.selection}
          onClear={() => state.setSelection(null)}
          open={state.open}
          onOpenChange={state.setOpen}
        />
      )}
    </>
  );
}
