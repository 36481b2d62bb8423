//! shadcn/ui Toaster (sonner).
import { Toaster as Sonner, type ToasterProps } from "sonner";

export function Toaster(props: ToasterProps) {
  return <Sonner className="toaster group" richColors closeButton position="bottom-right" {...props} />;
}
