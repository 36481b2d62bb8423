//! Admin: the company's message templates. Pick an event and a language, edit the subject and
//! the text and HTML parts, insert variables, watch a live preview with example values (an
//! error in the template shows next to the part it is in), save, or go back to the built-in one.
//! Unsaved drafts are kept per event and language while the page is open.
import { useRef, useState } from "react";
import type { UseQueryResult } from "@tanstack/react-query";
import { RotateCcwIcon, SaveIcon } from "lucide-react";
import { toast } from "sonner";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Textarea } from "@/components/ui/textarea";
import { EmptyState } from "@/components/common/EmptyState";
import { Field } from "@/components/common/Field";
import { ApiError } from "@/lib/api";
import { apiFieldErrors, type FieldErrors } from "@/lib/forms";
import { useDebounced } from "@/lib/hooks";
import { useI18n } from "@/lib/i18n";
import { cn } from "@/lib/utils";
import { usePreview, useResetTemplate, useSaveTemplate, useTemplates } from "../api";
import {
  CANDIDATE_EVENTS,
  MessageLang,
  STAFF_EVENTS,
  type EventKind,
  type Template,
  type TemplatePart,
  type TemplateView,
} from "../schema";
import { HtmlFrame } from "./parts";

/** How long typing must pause before the preview is asked for. */
export const PREVIEW_DEBOUNCE_MS = 400;

const draftKey = (event: EventKind, lang: MessageLang) => `${event}/${lang}`;
const sameTemplate = (a: Template, b: Template) => a.subject === b.subject && a.text === b.text && a.html === b.html;

function EventList({
  templates,
  event,
  lang,
  drafts,
  onPick,
}: {
  templates: TemplateView[];
  event: EventKind;
  lang: MessageLang;
  drafts: Record<string, Template>;
  onPick: (e: EventKind) => void;
}) {
  const { t } = useI18n();
  const group = (title: string, events: readonly EventKind[]) => (
    <div className="space-y-1">
      <p className="text-muted-foreground px-3 pt-2 text-xs font-medium tracking-wide uppercase">{title}</p>
      {events.map((e) => {
        const custom = templates.some((v) => v.event === e && v.lang === lang && v.custom);
        const unsaved = draftKey(e, lang) in drafts;
        return (
          <button
            key={e}
            type="button"
            data-testid="template-event"
            data-event={e}
            aria-current={e === event ? "true" : undefined}
            onClick={() => onPick(e)}
            className={cn(
              "flex w-full items-center gap-2 rounded-md px-3 py-2 text-left text-sm transition-colors outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50",
              e === event ? "bg-accent text-primary font-medium" : "hover:bg-muted",
            )}
          >
            <span className="min-w-0 flex-1">{t(`notify.event.${e}`)}</span>
            {unsaved && <span className="size-2 shrink-0 rounded-full bg-amber-500" title={t("notify.tpl.unsaved")} />}
            {custom && (
              <Badge variant="secondary" className="shrink-0">
                {t("notify.tpl.custom")}
              </Badge>
            )}
          </button>
        );
      })}
    </div>
  );
  return (
    <nav aria-label={t("notify.tpl.event")} className="space-y-2">
      {group(t("notify.audience.candidate"), CANDIDATE_EVENTS)}
      {group(t("notify.audience.staff"), STAFF_EVENTS)}
    </nav>
  );
}

function LangToggle({ value, onChange }: { value: MessageLang; onChange: (l: MessageLang) => void }) {
  const { t } = useI18n();
  return (
    <div role="group" aria-label={t("notify.tpl.lang")} className="bg-muted inline-flex rounded-md p-0.5">
      {MessageLang.options.map((l) => (
        <button
          key={l}
          type="button"
          aria-pressed={value === l}
          data-testid={`template-lang-${l}`}
          onClick={() => onChange(l)}
          className={cn(
            "rounded px-3 py-1 text-sm font-medium transition-colors outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50",
            value === l ? "bg-background shadow-sm" : "text-muted-foreground hover:text-foreground",
          )}
        >
          {t(`notify.tpl.lang.${l}`)}
        </button>
      ))}
    </div>
  );
}

/** The message the draft gives, or why it cannot be filled in. */
function PreviewPane({ preview, updating }: { preview: UseQueryResult<Template>; updating: boolean }) {
  const { t } = useI18n();
  return (
    <Card className="gap-3 self-start xl:sticky xl:top-20" data-testid="template-preview">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          {t("notify.tpl.preview")}
          {updating && <span className="text-muted-foreground text-xs font-normal">{t("notify.tpl.previewUpdating")}</span>}
        </CardTitle>
        <CardDescription>{t("notify.tpl.previewHint")}</CardDescription>
      </CardHeader>
      <CardContent className="space-y-3">
        {preview.error ? (
          <p role="status" className="text-destructive text-sm" data-testid="preview-error">
            {preview.error instanceof ApiError && preview.error.field ? t("notify.tpl.previewBroken") : preview.error.message}
          </p>
        ) : preview.data ? (
          <>
            <p className="text-sm">
              <span className="text-muted-foreground">{t("notify.message.subject")}: </span>
              <span className="font-medium" data-testid="preview-subject">
                {preview.data.subject}
              </span>
            </p>
            <HtmlFrame html={preview.data.html} title={t("notify.message.htmlFrame")} className="h-[28rem]" />
            <details className="text-sm">
              <summary className="cursor-pointer font-medium">{t("notify.message.text")}</summary>
              <pre
                data-testid="preview-text"
                className="bg-muted/50 mt-2 max-h-72 overflow-auto rounded-md border p-3 font-sans whitespace-pre-wrap"
              >
                {preview.data.text}
              </pre>
            </details>
          </>
        ) : (
          <Skeleton className="h-[28rem] w-full" />
        )}
      </CardContent>
    </Card>
  );
}

export function TemplateEditor({
  view,
  draft,
  onDraft,
  canEdit,
}: {
  view: TemplateView;
  draft: Template | undefined;
  onDraft: (t: Template | undefined) => void;
  canEdit: boolean;
}) {
  const { t } = useI18n();
  const value = draft ?? view.template;
  const dirty = !sameTemplate(value, view.template);
  const [saveErrors, setSaveErrors] = useState<FieldErrors>({});
  const debounced = useDebounced(value, PREVIEW_DEBOUNCE_MS);
  const preview = usePreview(view.event, view.lang, debounced);
  const previewField = preview.error instanceof ApiError ? preview.error.field : null;
  // A part's error: the last save's, else the preview's when it names this part.
  const errors: FieldErrors = {
    ...(previewField && preview.error ? { [previewField]: preview.error.message } : {}),
    ...saveErrors,
  };
  // The server would refuse what its own preview of this very draft could not fill in.
  const broken = !!previewField && sameTemplate(value, debounced);
  const save = useSaveTemplate(view.event, view.lang);
  const reset = useResetTemplate(view.event, view.lang);
  const fields = useRef<Partial<Record<TemplatePart, HTMLInputElement | HTMLTextAreaElement | null>>>({});
  const [lastPart, setLastPart] = useState<TemplatePart>("text");

  const change = (part: TemplatePart, v: string) => {
    const next = { ...value, [part]: v };
    onDraft(sameTemplate(next, view.template) ? undefined : next);
    setSaveErrors(({ [part]: _stale, ...rest }) => rest);
  };

  /** Puts `{{ name }}` where the cursor was in the part last focused. */
  const insert = (name: string) => {
    const el = fields.current[lastPart];
    const current = value[lastPart];
    const start = el?.selectionStart ?? current.length;
    const end = el?.selectionEnd ?? current.length;
    const token = `{{ ${name} }}`;
    change(lastPart, current.slice(0, start) + token + current.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + token.length, start + token.length);
    });
  };

  const onSave = async () => {
    setSaveErrors({});
    try {
      await save.mutateAsync(value);
      onDraft(undefined);
      toast.success(t("notify.tpl.saved"));
    } catch (err) {
      setSaveErrors(apiFieldErrors(err) ?? {});
    }
  };

  const common = (part: TemplatePart) => ({
    value: value[part],
    readOnly: !canEdit,
    onFocus: () => setLastPart(part),
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => change(part, e.target.value),
  });

  return (
    <div className="grid gap-6 xl:grid-cols-2" data-testid="template-editor">
      <div className="space-y-4">
        <div className="space-y-1.5">
          <p className="text-sm font-medium">{t("notify.tpl.variables")}</p>
          <div className="flex flex-wrap gap-1.5" data-testid="template-variables">
            {view.variables.map((name) => (
              <button
                key={name}
                type="button"
                disabled={!canEdit}
                aria-label={t("notify.tpl.insert", { name })}
                onMouseDown={(e) => e.preventDefault() /* keep the cursor in the field */}
                onClick={() => insert(name)}
                className="bg-muted hover:bg-accent rounded-md border px-2 py-0.5 font-mono text-xs transition-colors disabled:cursor-default disabled:hover:bg-muted"
              >
                {`{{ ${name} }}`}
              </button>
            ))}
          </div>
          <p className="text-muted-foreground text-xs">{t("notify.tpl.variablesHint")}</p>
        </div>
        <Field id="tpl-subject" label={t("notify.tpl.subject")} error={errors.subject}>
          <Input ref={(el) => void (fields.current.subject = el)} {...common("subject")} />
        </Field>
        <Field id="tpl-text" label={t("notify.tpl.text")} error={errors.text}>
          <Textarea
            ref={(el) => void (fields.current.text = el)}
            className="max-h-96 min-h-40"
            {...common("text")}
          />
        </Field>
        <Field id="tpl-html" label={t("notify.tpl.html")} error={errors.html}>
          <Textarea
            ref={(el) => void (fields.current.html = el)}
            className="max-h-96 min-h-40 font-mono text-xs md:text-xs"
            spellCheck={false}
            {...common("html")}
          />
        </Field>
        {canEdit ? (
          <div className="flex flex-wrap items-center gap-2">
            <Button onClick={onSave} disabled={!dirty || broken || save.isPending} data-testid="template-save">
              <SaveIcon /> {save.isPending ? t("common.saving") : t("notify.tpl.save")}
            </Button>
            <AlertDialog>
              <AlertDialogTrigger asChild>
                <Button variant="outline" disabled={!view.custom || reset.isPending} data-testid="template-reset">
                  <RotateCcwIcon /> {t("notify.tpl.reset")}
                </Button>
              </AlertDialogTrigger>
              <AlertDialogContent>
                <AlertDialogHeader>
                  <AlertDialogTitle>{t("notify.tpl.resetTitle")}</AlertDialogTitle>
                  <AlertDialogDescription>{t("notify.tpl.resetText")}</AlertDialogDescription>
                </AlertDialogHeader>
                <AlertDialogFooter>
                  <AlertDialogCancel>{t("common.cancel")}</AlertDialogCancel>
                  <AlertDialogAction
                    data-testid="template-reset-confirm"
                    onClick={() =>
                      reset.mutate(undefined, {
                        onSuccess: () => {
                          onDraft(undefined);
                          setSaveErrors({});
                          toast.success(t("notify.tpl.resetDone"));
                        },
                      })
                    }
                  >
                    {t("notify.tpl.resetConfirm")}
                  </AlertDialogAction>
                </AlertDialogFooter>
              </AlertDialogContent>
            </AlertDialog>
            {dirty && <span className="text-muted-foreground text-sm">{t("notify.tpl.unsaved")}</span>}
          </div>
        ) : (
          <p className="text-muted-foreground text-sm">{t("notify.tpl.readOnly")}</p>
        )}
      </div>
      <PreviewPane preview={preview} updating={preview.isFetching || !sameTemplate(value, debounced)} />
    </div>
  );
}

export function TemplatesTab({ canEdit }: { canEdit: boolean }) {
  const { t, lang: uiLang } = useI18n();
  const templates = useTemplates();
  const [event, setEvent] = useState<EventKind>("invitation");
  const [lang, setLang] = useState<MessageLang>(uiLang);
  const [drafts, setDrafts] = useState<Record<string, Template>>({});

  if (templates.isPending) {
    return (
      <div className="grid gap-6 lg:grid-cols-[16rem_1fr]">
        <Skeleton className="h-[28rem]" />
        <Skeleton className="h-96" />
      </div>
    );
  }
  if (!templates.data) return <EmptyState title={t("common.error")} hint={templates.error?.message} />;

  const view = templates.data.find((v) => v.event === event && v.lang === lang);
  const key = draftKey(event, lang);
  return (
    <div className="grid gap-6 lg:grid-cols-[16rem_1fr]" data-testid="templates">
      <Card className="self-start p-2">
        <EventList templates={templates.data} event={event} lang={lang} drafts={drafts} onPick={setEvent} />
      </Card>
      <div className="min-w-0 space-y-4">
        <div className="flex flex-wrap items-center gap-3">
          <h2 className="text-lg font-semibold" data-testid="template-title">
            {t(`notify.event.${event}`)}
          </h2>
          {view && (
            <>
              <Badge variant="outline">{t(`notify.audience.${view.audience}`)}</Badge>
              <Badge variant={view.custom ? "default" : "secondary"} data-testid="template-kind">
                {view.custom ? t("notify.tpl.custom") : t("notify.tpl.builtin")}
              </Badge>
            </>
          )}
          <div className="ml-auto">
            <LangToggle value={lang} onChange={setLang} />
          </div>
        </div>
        {view ? (
          <TemplateEditor
            key={key}
            view={view}
            draft={drafts[key]}
            canEdit={canEdit}
            onDraft={(d) =>
              setDrafts(({ [key]: _old, ...rest }) => (d ? { ...rest, [key]: d } : rest))
            }
          />
        ) : (
          <EmptyState title={t("common.error")} />
        )}
      </div>
    </div>
  );
}
