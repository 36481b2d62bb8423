//! The candidate's page behind an invite link: welcome, consent (with details for an open
//! link), the choice of a voice interview with camera or a text chat, the interview itself, and
//! the thank-you at the end; a reload resumes the interview in the format chosen.
import { useEffect, useState, type FormEvent } from "react";
import { useNavigate, useParams } from "react-router";
import { CalendarClockIcon, CheckCircle2Icon, ClockAlertIcon, LinkIcon, VideoIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { Field } from "@/components/common/Field";
import { FieldError } from "@/components/common/FieldError";
import { LangSwitch } from "@/components/common/LangSwitch";
import { ApiError } from "@/lib/api";
import { apiFieldErrors, zodFieldErrors, type FieldErrors } from "@/lib/forms";
import { useI18n } from "@/lib/i18n";
import { cn } from "@/lib/utils";
import { useConsent, useInterview, useStartInterview, type ConsentInput } from "../api";
import { OpenDetails, type InterviewInfo } from "../schema";
import { mediaSupported } from "../voice/devices";
import { useInterviewMode } from "../voice/mode";
import { Bubble, ChatPanel } from "./ChatPanel";
import { ModeChoice } from "./ModeChoice";
import { VoiceInterview } from "./VoiceInterview";

/** Statuses after the interview: the link has been used. */
const AFTER = new Set(["evaluation", "awaiting_manager_decision", "accepted", "rejected"]);

function Finished({ info }: { info: InterviewInfo }) {
  const { t } = useI18n();
  const turns = info.chat?.turns ?? [];
  return (
    <div className="space-y-4">
      <div className="bg-accent flex flex-col items-center gap-2 rounded-xl p-8 text-center" data-testid="interview-thanks">
        <CheckCircle2Icon className="text-primary size-10" />
        <p className="text-lg font-semibold">{t("chat.thanks")}</p>
        <p className="text-muted-foreground max-w-md text-sm">{t("chat.thanksHint")}</p>
      </div>
      {turns.length > 0 && (
        <details className="rounded-lg border p-3 text-sm">
          <summary className="cursor-pointer font-medium">{t("chat.showLog")}</summary>
          <ol className="mt-3 space-y-3">
            {turns.map((turn) => (
              <Bubble key={turn.number} turn={turn} />
            ))}
          </ol>
        </details>
      )}
    </div>
  );
}

function Gone({ title, hint, testId, icon, bare = false }: { title: string; hint: string; testId: string; icon: React.ReactNode; bare?: boolean }) {
  if (bare) {
    return (
      <div className="bg-muted/50 flex flex-col items-center gap-2 rounded-xl p-6 text-center" data-testid={testId}>
        <span className="text-muted-foreground [&_svg]:size-8">{icon}</span>
        <p className="font-semibold">{title}</p>
        <p className="text-muted-foreground max-w-md text-sm">{hint}</p>
      </div>
    );
  }
  return (
    <Card data-testid={testId}>
      <CardHeader className="text-center">
        <span className="text-muted-foreground mx-auto [&_svg]:size-8">{icon}</span>
        <CardTitle>{title}</CardTitle>
        <CardDescription>{hint}</CardDescription>
      </CardHeader>
    </Card>
  );
}

/** Part of the consent text: the voice interview is recorded, and for how long it is kept. */
export function RecordingNotice({ days }: { days: number | null | undefined }) {
  const { t, tn } = useI18n();
  return (
    <p id="iv-consent-recording" className="text-muted-foreground pl-7 text-sm leading-snug" data-testid="consent-recording">
      {days ? t("voice.recording", { period: tn("voice.days", days) }) : t("voice.recordingGeneric")}
    </p>
  );
}

function ConsentForm({ token, info }: { token: string; info: InterviewInfo }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const consent = useConsent(token, (own) => navigate(`/i/${encodeURIComponent(own)}`, { replace: true }));
  const [agreed, setAgreed] = useState(false);
  const [details, setDetails] = useState({ full_name: "", email: "", phone: "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const open = info.kind === "open";
  const change = (k: keyof typeof details, v: string) => {
    setDetails((cur) => ({ ...cur, [k]: v }));
    setErrors(({ [k]: _stale, ...rest }) => rest);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: FieldErrors = {};
    let body: ConsentInput = { consent: true };
    if (open) {
      const parsed = OpenDetails.safeParse(details);
      if (!parsed.success) {
        Object.assign(
          errs,
          zodFieldErrors(parsed.error, (p) =>
            p === "email" ? t("validation.email") : p === "phone" ? t("validation.phone") : t("validation.required"),
          ),
        );
      } else {
        body = { consent: true, ...parsed.data };
      }
    }
    if (!agreed) errs.consent = t("interview.consentRequired");
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    try {
      await consent.mutateAsync(body);
    } catch (err) {
      setErrors(apiFieldErrors(err) ?? {});
    }
  };

  return (
    <form onSubmit={submit} className="space-y-4" noValidate data-testid="consent-form">
      {open && (
        <fieldset className="space-y-3">
          <legend className="mb-1 font-medium">{t("interview.detailsTitle")}</legend>
          <Field id="iv-name" label={t("interview.fullName")} error={errors.full_name}>
            <Input
              autoComplete="name"
              value={details.full_name}
              onChange={(e) => change("full_name", e.target.value)}
            />
          </Field>
          <div className="grid gap-3 sm:grid-cols-2">
            <Field id="iv-email" label={t("interview.email")} error={errors.email}>
              <Input
                type="email"
                autoComplete="email"
                value={details.email}
                onChange={(e) => change("email", e.target.value)}
              />
            </Field>
            <Field id="iv-phone" label={t("interview.phone")} optional={t("common.optional")} error={errors.phone}>
              <Input
                type="tel"
                autoComplete="tel"
                value={details.phone}
                onChange={(e) => change("phone", e.target.value)}
              />
            </Field>
          </div>
        </fieldset>
      )}
      <div className="space-y-1">
        <div className="flex items-start gap-3">
          <Checkbox
            id="iv-consent"
            checked={agreed}
            onCheckedChange={(c) => {
              setAgreed(c === true);
              setErrors(({ consent: _stale, ...rest }) => rest);
            }}
            aria-invalid={!!errors.consent || undefined}
            aria-describedby={errors.consent ? "iv-consent-recording iv-consent-error" : "iv-consent-recording"}
            className="mt-0.5"
            data-testid="consent-checkbox"
          />
          <Label htmlFor="iv-consent" className="leading-snug font-normal">
            {t("chat.consentLabel")}
          </Label>
        </div>
        <RecordingNotice days={info.recording_retention_days} />
        <FieldError id="iv-consent-error" message={errors.consent} />
      </div>
      <Button type="submit" className="w-full sm:w-auto" disabled={consent.isPending} data-testid="consent-submit">
        {t("interview.submit")}
      </Button>
    </form>
  );
}

export function InterviewPage() {
  const { token = "" } = useParams();
  const { t, dateTime, setLang } = useI18n();
  const interview = useInterview(token);
  const start = useStartInterview(token);
  const [mode, setMode] = useInterviewMode(token);
  const vacancyLang = interview.data?.vacancy.language;
  const resync = async () => (await interview.refetch()).data;
  const toChat = () => {
    setMode("chat");
    // A voice interview already begun goes on in the chat; the view is reloaded to show it.
    if (interview.data?.chat) void interview.refetch();
    else if (!start.isPending) start.mutate();
  };

  // The vacancy's language is the candidate's default until they pick one themselves.
  useEffect(() => {
    if (!vacancyLang) return;
    let chosen: string | null = null;
    try {
      chosen = localStorage.getItem("otbor.lang");
    } catch {
      // No storage: follow the vacancy.
    }
    if (!chosen) setLang(vacancyLang);
  }, [vacancyLang, setLang]);

  const info = interview.data;
  const voice =
    mode === "voice" &&
    !!info?.consent_given &&
    !info.chat?.finished &&
    !(!info.chat && info.status && AFTER.has(info.status));

  let body: React.ReactNode;
  if (info && voice) {
    body = <VoiceInterview token={token} info={info} onChat={toChat} resync={resync} />;
  } else if (interview.isPending) {
    body = (
      <Card>
        <CardContent className="space-y-3">
          <Skeleton className="h-6 w-2/3" />
          <Skeleton className="h-4 w-full" />
          <Skeleton className="h-24 w-full" />
        </CardContent>
      </Card>
    );
  } else if (interview.error instanceof ApiError && interview.error.status === 410) {
    body = <Gone testId="interview-expired" icon={<ClockAlertIcon />} title={t("chat.expired")} hint={`${interview.error.message}. ${t("chat.expiredHint")}`} />;
  } else if (interview.error instanceof ApiError && interview.error.status !== 404 && interview.error.status > 0) {
    body = <Gone testId="interview-error" icon={<LinkIcon />} title={t("interview.notFound")} hint={interview.error.message} />;
  } else if (interview.error || !interview.data) {
    body = (
      <Card data-testid="interview-not-found">
        <CardHeader className="text-center">
          <LinkIcon className="text-muted-foreground mx-auto size-8" />
          <CardTitle>{t("interview.notFound")}</CardTitle>
          <CardDescription>
            {interview.error?.message && <span className="block">{interview.error.message}</span>}
            {t("interview.notFoundHint")}
          </CardDescription>
        </CardHeader>
      </Card>
    );
  } else if (info) {
    const name = info.candidate_name ? `, ${info.candidate_name}` : "";
    body = (
      <Card data-testid="interview-card">
        <CardHeader>
          <CardTitle className="text-2xl">{t("interview.welcome", { name })}</CardTitle>
          <CardDescription className="text-base">
            {t("interview.invitedBy", { company: info.company })}{" "}
            <span className="text-foreground font-semibold" data-testid="interview-vacancy">
              «{info.vacancy.title}»
            </span>
          </CardDescription>
        </CardHeader>
        <CardContent className="space-y-5">
          {info.vacancy.description && (
            <details className="bg-muted/50 rounded-lg p-3 text-sm">
              <summary className="cursor-pointer font-medium">{t("interview.about")}</summary>
              <p className="mt-2 whitespace-pre-wrap">{info.vacancy.description}</p>
            </details>
          )}
          {info.chat?.finished ? (
            <Finished info={info} />
          ) : !info.chat && info.vacancy_closed ? (
            <Gone bare testId="interview-vacancy-closed" icon={<LinkIcon />} title={t("chat.vacancyClosed")} hint={t("chat.vacancyClosedHint")} />
          ) : !info.chat && info.status && AFTER.has(info.status) ? (
            <Gone bare testId="interview-closed" icon={<LinkIcon />} title={t("chat.closed")} hint={t("chat.closedHint")} />
          ) : info.chat ? (
            <>
              <ChatPanel token={token} chat={info.chat} onResync={resync} />
              {mediaSupported() && (
                <Button variant="link" size="sm" className="h-auto px-0" onClick={() => setMode("voice")} data-testid="switch-to-voice">
                  <VideoIcon /> {t("voice.switchToVoice")}
                </Button>
              )}
            </>
          ) : info.consent_given ? (
            <ModeChoice
              onVoice={() => setMode("voice")}
              onChat={toChat}
              chatPending={start.isPending}
              chatError={start.error?.message}
              voiceSupported={mediaSupported()}
            />
          ) : (
            <ConsentForm token={token} info={info} />
          )}
          {!info.chat?.finished && (
            <p className="text-muted-foreground flex items-center gap-1.5 text-xs">
              <CalendarClockIcon className="size-3.5" />
              {t("interview.expires", { date: dateTime(info.expires_at) })}
            </p>
          )}
        </CardContent>
      </Card>
    );
  }

  return (
    <div className="from-accent to-background min-h-screen bg-gradient-to-b">
      <header className="flex items-center justify-between p-4">
        <div className="flex items-center gap-2">
          <div className="bg-primary text-primary-foreground grid size-8 place-items-center rounded-lg font-bold">О</div>
          <span className="font-semibold">{interview.data?.company ?? t("app.name")}</span>
        </div>
        <LangSwitch />
      </header>
      <main className={cn("mx-auto px-4 pt-8 pb-16", voice ? "max-w-6xl pt-2" : "max-w-2xl")}>{body}</main>
    </div>
  );
}
