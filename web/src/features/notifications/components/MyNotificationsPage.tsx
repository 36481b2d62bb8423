//! A signed-in user's own notification settings: the language of their messages, which events
//! reach them on which channel, and their Telegram link to the bot.
import { useEffect, useRef, useState } from "react";
import { ExternalLinkIcon, LinkIcon, SendIcon, UnlinkIcon } from "lucide-react";
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
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { EmptyState } from "@/components/common/EmptyState";
import { Field } from "@/components/common/Field";
import { PageHeader } from "@/components/common/PageHeader";
import { useI18n } from "@/lib/i18n";
import {
  isTelegramNotConfigured,
  useLinkTelegram,
  useMyNotifications,
  useSaveMyNotifications,
  useUnlinkTelegram,
} from "../api";
import {
  CHOOSABLE_CHANNELS,
  MessageLang,
  preferencesUpdate,
  STAFF_EVENTS,
  type ChannelChoices,
  type PreferencesView,
  type StaffEvent,
  type TelegramLink,
} from "../schema";

type Channel = (typeof CHOOSABLE_CHANNELS)[number];

const sameChoices = (a: ChannelChoices, b: ChannelChoices) =>
  STAFF_EVENTS.every((e) => CHOOSABLE_CHANNELS.every((c) => !!a[e]?.includes(c) === !!b[e]?.includes(c)));

export function PreferencesForm({ view }: { view: PreferencesView }) {
  const { t } = useI18n();
  const [lang, setLang] = useState<MessageLang>(view.lang);
  const [channels, setChannels] = useState<ChannelChoices>(view.channels);
  const save = useSaveMyNotifications();
  const dirty = lang !== view.lang || !sameChoices(channels, view.channels);

  const toggle = (event: StaffEvent, channel: Channel, on: boolean) =>
    setChannels((cur) => {
      const rest = (cur[event] ?? []).filter((c) => c !== channel);
      return { ...cur, [event]: on ? [...rest, channel] : rest };
    });

  const onSave = () =>
    save.mutate(preferencesUpdate(lang, channels), {
      onSuccess: (saved) => {
        setLang(saved.lang);
        setChannels(saved.channels);
        toast.success(t("notify.me.saved"));
      },
    });

  const hints = [
    !view.email_available && t("notify.me.emailOff"),
    !view.telegram_available
      ? t("notify.me.telegramOff")
      : !view.telegram_linked && t("notify.me.telegramUnlinked"),
  ].filter((h): h is string => !!h);

  return (
    <Card data-testid="my-notifications">
      <CardContent className="space-y-6">
        <Field id="notify-lang" label={t("notify.me.lang")} className="max-w-xs space-y-2">
          <Select value={lang} onValueChange={(v) => setLang(MessageLang.parse(v))}>
            <SelectTrigger className="w-full" data-testid="my-notifications-lang">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              {MessageLang.options.map((l) => (
                <SelectItem key={l} value={l}>
                  {t(`notify.tpl.lang.${l}`)}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </Field>
        <div className="space-y-2">
          <div>
            <h2 className="text-sm font-medium">{t("notify.me.events")}</h2>
            <p className="text-muted-foreground text-xs">{t("notify.me.eventsHint")}</p>
          </div>
          <div className="rounded-md border">
            <Table data-testid="my-notifications-grid">
              <TableHeader>
                <TableRow>
                  <TableHead>{t("notify.me.event")}</TableHead>
                  {CHOOSABLE_CHANNELS.map((c) => (
                    <TableHead key={c} className="w-32 text-center">
                      {t(`notify.channel.${c}`)}
                    </TableHead>
                  ))}
                </TableRow>
              </TableHeader>
              <TableBody>
                {STAFF_EVENTS.map((e) => (
                  <TableRow key={e}>
                    <TableCell className="font-medium">{t(`notify.event.${e}`)}</TableCell>
                    {CHOOSABLE_CHANNELS.map((c) => (
                      <TableCell key={c} className="text-center">
                        <Checkbox
                          data-testid={`pref-${e}-${c}`}
                          aria-label={t("notify.me.toggle", {
                            event: t(`notify.event.${e}`),
                            channel: t(`notify.channel.${c}`),
                          })}
                          checked={!!channels[e]?.includes(c)}
                          onCheckedChange={(v) => toggle(e, c, v === true)}
                        />
                      </TableCell>
                    ))}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          {hints.map((h) => (
            <p key={h} className="text-muted-foreground text-xs" data-testid="channel-hint">
              {h}
            </p>
          ))}
        </div>
      </CardContent>
      <CardFooter className="gap-3">
        <Button onClick={onSave} disabled={!dirty || save.isPending} data-testid="my-notifications-save">
          {save.isPending ? t("common.saving") : t("notify.me.save")}
        </Button>
        {dirty && <span className="text-muted-foreground text-sm">{t("notify.me.unsaved")}</span>}
      </CardFooter>
    </Card>
  );
}

/** Linking opens a one-time deep link in Telegram; the page then waits for the bot to see it. */
export function TelegramCard({ view, onWaiting }: { view: PreferencesView; onWaiting: (w: boolean) => void }) {
  const { t, dateTime } = useI18n();
  const link = useLinkTelegram();
  const unlink = useUnlinkTelegram();
  const [pending, setPending] = useState<TelegramLink | null>(null);
  const notConfigured = !view.telegram_available || isTelegramNotConfigured(link.error);
  const wasLinked = useRef(view.telegram_linked);

  useEffect(() => {
    if (view.telegram_linked && !wasLinked.current && pending) {
      setPending(null);
      toast.success(t("notify.tg.linkedToast"));
    }
    wasLinked.current = view.telegram_linked;
  }, [view.telegram_linked, pending, t]);
  useEffect(() => onWaiting(!!pending && !view.telegram_linked), [pending, view.telegram_linked, onWaiting]);

  const start = () =>
    link.mutate(undefined, {
      onSuccess: setPending,
      onError: (e) => {
        if (!isTelegramNotConfigured(e)) toast.error(e.message);
      },
    });

  return (
    <Card data-testid="telegram-card">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <SendIcon className="size-4" /> {t("notify.tg.title")}
        </CardTitle>
        <CardDescription data-testid="telegram-state">
          {view.telegram_linked ? t("notify.tg.linked") : t("notify.tg.notLinked")}
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-3">
        {view.telegram_linked ? (
          <AlertDialog>
            <AlertDialogTrigger asChild>
              <Button variant="outline" data-testid="telegram-unlink" disabled={unlink.isPending}>
                <UnlinkIcon /> {t("notify.tg.unlink")}
              </Button>
            </AlertDialogTrigger>
            <AlertDialogContent>
              <AlertDialogHeader>
                <AlertDialogTitle>{t("notify.tg.unlinkTitle")}</AlertDialogTitle>
                <AlertDialogDescription>{t("notify.tg.unlinkText")}</AlertDialogDescription>
              </AlertDialogHeader>
              <AlertDialogFooter>
                <AlertDialogCancel>{t("common.cancel")}</AlertDialogCancel>
                <AlertDialogAction
                  data-testid="telegram-unlink-confirm"
                  onClick={() => unlink.mutate(undefined, { onSuccess: () => toast.success(t("notify.tg.unlinked")) })}
                >
                  {t("notify.tg.unlinkConfirm")}
                </AlertDialogAction>
              </AlertDialogFooter>
            </AlertDialogContent>
          </AlertDialog>
        ) : notConfigured ? (
          <div className="space-y-2">
            <Button disabled data-testid="telegram-link" aria-describedby="telegram-not-configured">
              <LinkIcon /> {t("notify.tg.link")}
            </Button>
            <p id="telegram-not-configured" className="text-muted-foreground text-sm">
              {t("notify.tg.notConfigured")}
            </p>
          </div>
        ) : pending ? (
          <div className="space-y-2" data-testid="telegram-pending">
            <Button asChild>
              <a href={pending.url} target="_blank" rel="noopener noreferrer" data-testid="telegram-open">
                <ExternalLinkIcon /> {t("notify.tg.open")}
              </a>
            </Button>
            <p className="text-muted-foreground text-sm">{t("notify.tg.hint", { time: dateTime(pending.expires_at) })}</p>
            <p className="text-muted-foreground text-xs" role="status">
              {t("notify.tg.waiting")}
            </p>
          </div>
        ) : (
          <Button onClick={start} disabled={link.isPending} data-testid="telegram-link">
            <LinkIcon /> {link.isPending ? t("notify.tg.linking") : t("notify.tg.link")}
          </Button>
        )}
      </CardContent>
    </Card>
  );
}

export function MyNotificationsPage() {
  const { t } = useI18n();
  const [waiting, setWaiting] = useState(false);
  const prefs = useMyNotifications(waiting);

  return (
    <div className="max-w-3xl space-y-6">
      <PageHeader title={t("notify.me.title")} subtitle={t("notify.me.subtitle")} />
      {prefs.isPending ? (
        <div className="space-y-4">
          <Skeleton className="h-80 w-full" />
          <Skeleton className="h-32 w-full" />
        </div>
      ) : prefs.data ? (
        <>
          <PreferencesForm view={prefs.data} />
          <TelegramCard view={prefs.data} onWaiting={setWaiting} />
        </>
      ) : (
        <EmptyState title={t("common.error")} hint={prefs.error?.message} />
      )}
    </div>
  );
}
