//! Notification queries and mutations: the outbox, a candidate's log, the user's own settings
//! and Telegram link, templates with a preview, and the public unsubscribe link.
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { api, ApiError, pageOf } from "@/lib/api";
import {
  NotificationRecord,
  PreferencesView,
  Rendered,
  TelegramLink,
  TemplateList,
  TemplateView,
  UnsubscribeView,
  type ChannelKind,
  type EventKind,
  type MessageLang,
  type PreferencesUpdate,
  type Template,
} from "./schema";

export const NotificationPage = pageOf(NotificationRecord);
export const OUTBOX_PER_PAGE = 25;

/** Polls while a message is still being sent, so its final status shows up by itself. */
const whileSending = (items: { status: string }[] | undefined) =>
  items?.some((n) => n.status === "sending") ? 3_000 : false;

/** Every message, newest first, or one channel's (admin). */
export const notificationsQuery = (channel: ChannelKind | null, page: number) =>
  queryOptions({
    queryKey: ["notifications", channel, page],
    queryFn: () =>
      api.get("/api/notifications", NotificationPage, { channel, page, per_page: OUTBOX_PER_PAGE }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => whileSending(q.state.data?.items),
  });

export function useNotifications(channel: ChannelKind | null, page: number) {
  return useQuery(notificationsQuery(channel, page));
}

/** What was sent to or about one candidate, oldest first. */
export const candidateNotificationsQuery = (id: string) =>
  queryOptions({
    queryKey: ["candidate-notifications", id],
    queryFn: () => api.get(`/api/candidates/${id}/notifications`, z.array(NotificationRecord)),
    meta: { silent: true },
    refetchInterval: (q) => whileSending(q.state.data),
  });

export function useCandidateNotifications(id: string) {
  return useQuery(candidateNotificationsQuery(id));
}

export const MY_NOTIFICATIONS_KEY = ["me", "notifications"] as const;

export const myNotificationsQuery = () =>
  queryOptions({
    queryKey: MY_NOTIFICATIONS_KEY,
    queryFn: () => api.get("/api/me/notifications", PreferencesView),
  });

/** The user's settings; `poll` while a Telegram link waits for "Start" in the bot. */
export function useMyNotifications(poll = false) {
  return useQuery({ ...myNotificationsQuery(), refetchInterval: poll ? 3_000 : false });
}

export const saveMyNotifications = (input: PreferencesUpdate) =>
  api.put("/api/me/notifications", PreferencesView, input);

export function useSaveMyNotifications() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: saveMyNotifications,
    onSuccess: (view) => qc.setQueryData(MY_NOTIFICATIONS_KEY, view),
  });
}

/** True when the server says the bot is not set up (a state to show, not an error to toast). */
export const isTelegramNotConfigured = (e: unknown) =>
  e instanceof ApiError && e.code === "telegram_not_configured";

export const linkTelegram = () => api.post("/api/me/telegram", TelegramLink);

export function useLinkTelegram() {
  return useMutation({ meta: { silent: true }, mutationFn: linkTelegram });
}

/** Answers 204 with no body. */
export const unlinkTelegram = () => api.delete("/api/me/telegram", z.unknown());

export function useUnlinkTelegram() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: unlinkTelegram,
    onSuccess: () => qc.invalidateQueries({ queryKey: MY_NOTIFICATIONS_KEY }),
  });
}

export const TEMPLATES_KEY = ["notification-templates"] as const;

export const templatesQuery = () =>
  queryOptions({
    queryKey: TEMPLATES_KEY,
    queryFn: () => api.get("/api/notification-templates", TemplateList),
  });

export function useTemplates() {
  return useQuery(templatesQuery());
}

const templatePath = (event: EventKind, lang: MessageLang) => `/api/notification-templates/${event}/${lang}`;

export const saveTemplate = (event: EventKind, lang: MessageLang, t: Template) =>
  api.put(templatePath(event, lang), TemplateView, t);
export const resetTemplate = (event: EventKind, lang: MessageLang) =>
  api.delete(templatePath(event, lang), TemplateView);

/** Puts the saved (or reset) template into the cached list in place of the old one. */
function replaceTemplate(list: TemplateView[] | undefined, view: TemplateView) {
  return list?.map((t) => (t.event === view.event && t.lang === view.lang ? view : t));
}

export function useSaveTemplate(event: EventKind, lang: MessageLang) {
  const qc = useQueryClient();
  return useMutation({
    meta: { formErrors: true },
    mutationFn: (t: Template) => saveTemplate(event, lang, t),
    onSuccess: (view) => qc.setQueryData<TemplateView[]>(TEMPLATES_KEY, (l) => replaceTemplate(l, view)),
  });
}

export function useResetTemplate(event: EventKind, lang: MessageLang) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => resetTemplate(event, lang),
    onSuccess: (view) => qc.setQueryData<TemplateView[]>(TEMPLATES_KEY, (l) => replaceTemplate(l, view)),
  });
}

/**
 * The message a draft gives with example values. The caller passes an already debounced draft;
 * a draft that cannot be filled in is an error naming the part, shown next to that field.
 */
export const previewQuery = (event: EventKind, lang: MessageLang, draft: Template) =>
  queryOptions({
    queryKey: ["notification-preview", event, lang, draft],
    queryFn: () => api.post(`${templatePath(event, lang)}/preview`, Rendered, draft),
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: Infinity,
    meta: { silent: true },
  });

export function usePreview(event: EventKind, lang: MessageLang, draft: Template) {
  return useQuery(previewQuery(event, lang, draft));
}

const unsubscribeKey = (code: string) => ["unsubscribe", code] as const;

/** The unsubscribe link's address and state (no login). */
export const unsubscribeQuery = (code: string) =>
  queryOptions({
    queryKey: unsubscribeKey(code),
    queryFn: () => api.get(`/api/unsubscribe/${encodeURIComponent(code)}`, UnsubscribeView),
    meta: { silent: true },
    retry: false,
  });

export function useUnsubscribe(code: string) {
  return useQuery(unsubscribeQuery(code));
}

export const confirmUnsubscribe = (code: string) =>
  api.post(`/api/unsubscribe/${encodeURIComponent(code)}`, UnsubscribeView);

export function useConfirmUnsubscribe(code: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => confirmUnsubscribe(code),
    onSuccess: (view) => qc.setQueryData(unsubscribeKey(code), view),
  });
}
