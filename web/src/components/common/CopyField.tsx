//! A read-only text with a copy-to-clipboard button.
import { useState } from "react";
import { CheckIcon, CopyIcon } from "lucide-react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { useI18n } from "@/lib/i18n";

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Plain-http deployments have no Clipboard API; fall back to a selection copy.
  const ta = document.createElement("textarea");
  ta.value = text;
  ta.style.position = "fixed";
  ta.style.opacity = "0";
  document.body.appendChild(ta);
  ta.select();
  document.execCommand("copy");
  ta.remove();
}

export function CopyField({ id, value, label }: { id: string; value: string; label: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex gap-2">
      <Input id={id} readOnly value={value} aria-label={label} onFocus={(e) => e.target.select()} />
      <Button
        type="button"
        variant="outline"
        data-testid="copy-button"
        onClick={async () => {
          try {
            await copyText(value);
            setCopied(true);
            toast.success(t("common.copied"));
            setTimeout(() => setCopied(false), 2000);
          } catch (e) {
            toast.error(e instanceof Error ? e.message : String(e));
          }
        }}
      >
        {copied ? <CheckIcon /> : <CopyIcon />}
        {copied ? t("common.copied") : t("common.copy")}
      </Button>
    </div>
  );
}
