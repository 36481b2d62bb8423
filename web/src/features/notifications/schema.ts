//! Notifications: the messages sent (or kept in the outbox), staff preferences, company
//! templates with their preview, and the candidate's unsubscribe link.
import { z } from "zod";
import type { Api, Expect, Same } from "@/lib/api-contract";
import { Id, orNull, Timestamp } from "@/lib/schema";

/** Candidate events first, then staff events, in the order of the hiring flow. */
export const CANDIDATE_EVENTS = ["invitation", "invite_reminder", "interview_thanks", "decision"] as const;
export const STAFF_EVENTS = [
  "interview_finished",
  "upload_failed",
  "strong_match",
  "awaiting_decision",
  "daily_digest",
] as const;
export const EventKind = z.enum([...CANDIDATE_EVENTS, ...STAFF_EVENTS]);
export type EventKind = z.infer<typeof EventKind>;
export type StaffEvent = (typeof STAFF_EVENTS)[number];

export const ChannelKind = z.enum(["email", "telegram", "outbox"]);
export type ChannelKind = z.infer<typeof ChannelKind>;
/** The channels a person can choose; the outbox is where messages land when none is set up. */
export const CHOOSABLE_CHANNELS = ["email", "telegram"] as const satisfies readonly ChannelKind[];

export const DeliveryStatus = z.enum(["sending", "sent", "failed", "suppressed"]);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

/** The languages messages are written in. */
export const MessageLang = z.enum(["ru", "en"]);
export type MessageLang = z.infer<typeof MessageLang>;

export const Recipient = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("candidate"), id: Id }),
  z.object({ kind: z.literal("user"), id: Id }),
]);

export const NotificationRecord = z.object({
  key: z.string(),
  event: EventKind,
  recipient: Recipient,
  candidate_id: orNull(Id),
  channel: ChannelKind,
  /** The email address or the Telegram chat ("email: …" for the outbox). */
  address: z.string(),
  subject: z.string(),
  text: z.string(),
  html: orNull(z.string()),
  status: DeliveryStatus,
  error: orNull(z.string()),
  attempts: z.number().int(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type NotificationRecord = z.infer<typeof NotificationRecord>;

/** Channels per event kind; the server sends staff events only, an empty list means "off". */
export const ChannelChoices = z.record(z.string(), z.array(ChannelKind));
export type ChannelChoices = z.infer<typeof ChannelChoices>;

export const PreferencesView = z.object({
  lang: MessageLang,
  channels: ChannelChoices,
  telegram_linked: z.boolean(),
  telegram_available: z.boolean(),
  email_available: z.boolean(),
});
export type PreferencesView = z.infer<typeof PreferencesView>;

export const PreferencesUpdate = z.object({
  lang: MessageLang,
  channels: z.record(z.enum(STAFF_EVENTS), z.array(z.enum(CHOOSABLE_CHANNELS))),
});
export type PreferencesUpdate = z.infer<typeof PreferencesUpdate>;

export const TelegramLink = z.object({ url: z.string(), expires_at: Timestamp });
export type TelegramLink = z.infer<typeof TelegramLink>;

/** A template's three parts; also the body of save and preview, and what a preview returns. */
export const Template = z.object({ subject: z.string(), text: z.string(), html: z.string() });
export type Template = z.infer<typeof Template>;
export const Rendered = Template;
export type TemplatePart = keyof Template;
export const TEMPLATE_PARTS: readonly TemplatePart[] = ["subject", "text", "html"];

export const TemplateView = z.object({
  event: EventKind,
  lang: MessageLang,
  audience: z.enum(["candidate", "staff"]),
  template: Template,
  custom: z.boolean(),
  variables: z.array(z.string()),
});
export type TemplateView = z.infer<typeof TemplateView>;
export const TemplateList = z.array(TemplateView);

export const UnsubscribeView = z.object({ email: z.string(), unsubscribed: z.boolean() });
export type UnsubscribeView = z.infer<typeof UnsubscribeView>;

/** The same preferences as the server will store them, from the checkbox grid's state. */
export function preferencesUpdate(lang: MessageLang, channels: ChannelChoices): PreferencesUpdate {
  const out = {} as PreferencesUpdate["channels"];
  for (const event of STAFF_EVENTS) {
    out[event] = CHOOSABLE_CHANNELS.filter((c) => channels[event]?.includes(c));
  }
  return { lang, channels: out };
}

// Tied to the OpenAPI document: tsc fails here if the schemas drift from the server's types.
export type _NotificationRecordMatchesApi = Expect<Same<NotificationRecord, Api["NotificationRecord"]>>;
export type _EventKindMatchesApi = Expect<Same<EventKind, Api["EventKind"]>>;
export type _ChannelKindMatchesApi = Expect<Same<ChannelKind, Api["ChannelKind"]>>;
export type _DeliveryStatusMatchesApi = Expect<Same<DeliveryStatus, Api["DeliveryStatus"]>>;
export type _PreferencesViewMatchesApi = Expect<Same<PreferencesView, Api["PreferencesView"]>>;
export type _PreferencesUpdateFitsApi = Expect<PreferencesUpdate extends Api["PreferencesUpdate"] ? true : false>;
export type _TelegramLinkMatchesApi = Expect<Same<TelegramLink, Api["TelegramLink"]>>;
export type _TemplateMatchesApi = Expect<Same<Template, Api["Template"]>>;
export type _RenderedMatchesApi = Expect<Same<Template, Api["Rendered"]>>;
export type _TemplateViewMatchesApi = Expect<Same<TemplateView, Api["TemplateView"]>>;
export type _UnsubscribeViewMatchesApi = Expect<Same<UnsubscribeView, Api["UnsubscribeView"]>>;
