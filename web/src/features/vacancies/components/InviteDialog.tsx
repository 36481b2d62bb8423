//! Creates an interview link: personal (an existing candidate) or open (the candidate fills in
//! their details); shows the full link with a copy button and its expiry.
import { useState } from "react";
import { LinkIcon, SearchIcon } from "lucide-react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { CopyField } from "@/components/common/CopyField";
import { useCandidates } from "@/features/candidates/api";
import { useDebounced } from "@/lib/hooks";
import { useI18n } from "@/lib/i18n";
import { cn } from "@/lib/utils";
import { useCreateInvite } from "../api";
import { inviteLink, type InviteCreated } from "../schema";

function CandidatePicker({ value, onChange }: { value: string | null; onChange: (id: string) => void }) {
  const { t } = useI18n();
  const [q, setQ] = useState("");
  const query = useDebounced(q.trim());
  const list = useCandidates({ q: query || undefined, per_page: 8, sort: "name", order: "asc" });
  return (
    <div className="space-y-2">
      <Label htmlFor="invite-search">{t("invite.pickCandidate")}</Label>
      <div className="relative">
        <SearchIcon className="text-muted-foreground absolute top-2.5 left-2.5 size-4" />
        <Input
          id="invite-search"
          type="search"
          className="pl-8"
          placeholder={t("invite.searchCandidate")}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      </div>
      <div role="listbox" aria-label={t("invite.pickCandidate")} className="max-h-52 overflow-y-auto rounded-md border">
        {list.data?.items.length === 0 && (
          <p className="text-muted-foreground p-3 text-sm">{t("invite.noCandidates")}</p>
        )}
        {list.data?.items.map((c) => (
          <button
            key={c.id}
            type="button"
            role="option"
            aria-selected={value === c.id}
            data-testid="invite-candidate-option"
            onClick={() => onChange(c.id)}
            className={cn(
              "hover:bg-accent flex w-full items-center justify-between gap-2 px-3 py-2 text-left text-sm outline-none focus-visible:bg-accent",
              value === c.id && "bg-accent text-primary font-medium",
            )}
          >
            <span className="truncate">{c.full_name}</span>
            <span className="text-muted-foreground truncate text-xs">{c.email ?? ""}</span>
          </button>
        ))}
      </div>
    </div>
  );
}

export function InviteDialog({ vacancyId }: { vacancyId: string }) {
  const { t, dateTime } = useI18n();
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<"personal" | "open">("personal");
  const [candidateId, setCandidateId] = useState<string | null>(null);
  const [result, setResult] = useState<InviteCreated | null>(null);
  const create = useCreateInvite(vacancyId);

  const submit = () => {
    create.mutate(kind === "personal" ? candidateId : null, {
      onSuccess: (r) => {
        setResult(r);
        toast.success(t("invite.created"));
      },
    });
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        setResult(null);
        setCandidateId(null);
      }}
    >
      <DialogTrigger asChild>
        <Button variant="outline" data-testid="invite">
          <LinkIcon /> {t("vacancy.invite")}
        </Button>
      </DialogTrigger>
      <DialogContent closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>{t("invite.title")}</DialogTitle>
          <DialogDescription className="sr-only">{t("invite.title")}</DialogDescription>
        </DialogHeader>
        {result ? (
          <div className="space-y-3" data-testid="invite-result">
            <Label htmlFor="invite-link">{t("invite.link")}</Label>
            <CopyField
              id="invite-link"
              label={t("invite.link")}
              value={inviteLink(window.location.origin, result.url)}
            />
            <p className="text-muted-foreground text-sm" data-testid="invite-expiry">
              {t("invite.expires", { date: dateTime(result.invite.expires_at) })}
            </p>
          </div>
        ) : (
          <Tabs value={kind} onValueChange={(v) => setKind(v as "personal" | "open")}>
            <TabsList className="w-full">
              <TabsTrigger value="personal">{t("invite.personal")}</TabsTrigger>
              <TabsTrigger value="open" data-testid="invite-open-tab">
                {t("invite.open")}
              </TabsTrigger>
            </TabsList>
            <TabsContent value="personal" className="pt-2">
              <CandidatePicker value={candidateId} onChange={setCandidateId} />
            </TabsContent>
            <TabsContent value="open" className="pt-2">
              <p className="text-muted-foreground text-sm">{t("invite.openHint")}</p>
            </TabsContent>
            <div className="flex justify-end pt-4">
              <Button
                onClick={submit}
                disabled={create.isPending || (kind === "personal" && !candidateId)}
                data-testid="create-invite"
              >
                {t("invite.create")}
              </Button>
            </div>
          </Tabs>
        )}
      </DialogContent>
    </Dialog>
  );
}
