//! Entry point: providers (i18n, react-query, toasts) around the router.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClientProvider } from "@tanstack/react-query";
import { Toaster } from "@/components/ui/sonner";
import { getLang, I18nProvider } from "@/lib/i18n";
import { createQueryClient } from "@/lib/query";
import { App } from "./App";
import "./index.css";

document.documentElement.lang = getLang();
const queryClient = createQueryClient();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <I18nProvider>
      <QueryClientProvider client={queryClient}>
        <App />
        <Toaster />
      </QueryClientProvider>
    </I18nProvider>
  </StrictMode>,
);
