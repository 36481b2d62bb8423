//! Sign-in form; after success it returns to ?next= (only same-site paths).
import { useState, type FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { FieldError } from "@/components/common/FieldError";
import { LangSwitch } from "@/components/common/LangSwitch";
import { ApiError } from "@/lib/api";
import { useI18n } from "@/lib/i18n";
import { useLogin, useMe } from "../api";
import { LoginInput } from "../schema";
import { safeNext } from "../next";

export function LoginPage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const me = useMe();
  const login = useLogin();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const next = safeNext(params.get("next"));

  if (me.data && !login.isPending) return <Navigate to={next} replace />;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const parsed = LoginInput.safeParse({ email: email.trim(), password });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      setError({ field: String(issue?.path[0] ?? ""), message: issue?.message ?? "" });
      return;
    }
    login.mutate(parsed.data, {
      onSuccess: () => navigate(next, { replace: true }),
      onError: (err) =>
        setError({
          field: err instanceof ApiError ? err.field : null,
          message: err.message,
        }),
    });
  };

  return (
    <div className="from-accent to-background flex min-h-screen flex-col bg-gradient-to-b">
      <div className="flex justify-end p-4">
        <LangSwitch />
      </div>
      <div className="flex flex-1 items-start justify-center px-4 pt-16">
        <Card className="w-full max-w-sm">
          <CardHeader>
            <div className="bg-primary text-primary-foreground mb-2 grid size-10 place-items-center rounded-xl text-lg font-bold">
              О
            </div>
            <CardTitle className="text-xl">{t("auth.title")}</CardTitle>
            <CardDescription>{t("auth.subtitle")}</CardDescription>
          </CardHeader>
          <CardContent>
            <form onSubmit={onSubmit} className="space-y-4" noValidate>
              <div className="space-y-2">
                <Label htmlFor="email">{t("auth.email")}</Label>
                <Input
                  id="email"
                  type="email"
                  autoComplete="username"
                  autoFocus
                  value={email}
                  onChange={(e) => setEmail(e.target.value)}
                  aria-invalid={error?.field === "email" || undefined}
                  aria-describedby={error?.field === "email" ? "email-error" : undefined}
                />
                {error?.field === "email" && <FieldError id="email-error" message={error.message} />}
              </div>
              <div className="space-y-2">
                <Label htmlFor="password">{t("auth.password")}</Label>
                <Input
                  id="password"
                  type="password"
                  autoComplete="current-password"
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                  aria-invalid={error?.field === "password" || undefined}
                  aria-describedby={error?.field === "password" ? "password-error" : undefined}
                />
                {error?.field === "password" && (
                  <FieldError id="password-error" message={error.message} />
                )}
              </div>
              {error && error.field !== "email" && error.field !== "password" && (
                <FieldError id="login-error" message={error.message} />
              )}
              <Button type="submit" className="w-full" disabled={login.isPending}>
                {login.isPending ? t("auth.submitting") : t("auth.submit")}
              </Button>
            </form>
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
