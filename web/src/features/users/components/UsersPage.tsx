//! Admin: the list of users and a dialog to create one with a role.
import { useState, type FormEvent } from "react";
import { Navigate } from "react-router";
import { PlusIcon } from "lucide-react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { EmptyState } from "@/components/common/EmptyState";
import { Field } from "@/components/common/Field";
import { PageHeader } from "@/components/common/PageHeader";
import { Pagination } from "@/components/common/Pagination";
import { useCurrentUser } from "@/components/layout/RequireAuth";
import { can } from "@/features/auth/schema";
import { apiFieldErrors, zodFieldErrors, type FieldErrors } from "@/lib/forms";
import { useI18n } from "@/lib/i18n";
import { Role } from "@/lib/schema";
import { useCreateUser, useParkedJobs, useUsers } from "../api";
import { UserInput } from "../schema";

function CreateUserDialog() {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState({ email: "", name: "", role: "recruiter" as Role, password: "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useCreateUser();
  const change = <K extends keyof typeof values>(k: K, v: (typeof values)[K]) => {
    setValues((cur) => ({ ...cur, [k]: v }));
    setErrors(({ [k]: _stale, ...rest }) => rest);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = UserInput.safeParse({ ...values, email: values.email.trim() });
    if (!parsed.success) {
      setErrors(
        zodFieldErrors(parsed.error, (p) =>
          p === "email" ? t("validation.email") : p === "password" ? t("validation.password") : t("validation.required"),
        ),
      );
      return;
    }
    setErrors({});
    try {
      await create.mutateAsync(parsed.data);
      toast.success(t("users.created"));
      setOpen(false);
    } catch (err) {
      setErrors(apiFieldErrors(err) ?? {});
    }
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (o) {
          setValues({ email: "", name: "", role: "recruiter", password: "" });
          setErrors({});
        }
      }}
    >
      <DialogTrigger asChild>
        <Button data-testid="new-user">
          <PlusIcon /> {t("users.new")}
        </Button>
      </DialogTrigger>
      <DialogContent closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>{t("users.new")}</DialogTitle>
          <DialogDescription className="sr-only">{t("users.new")}</DialogDescription>
        </DialogHeader>
        <form onSubmit={submit} className="space-y-4" noValidate data-testid="user-form">
          <Field id="user-name" label={t("users.name")} error={errors.name}>
            <Input value={values.name} onChange={(e) => change("name", e.target.value)} autoFocus />
          </Field>
          <Field id="user-email" label={t("users.email")} error={errors.email}>
            <Input
              type="email"
              value={values.email}
              onChange={(e) => change("email", e.target.value)}
            />
          </Field>
          <Field id="user-role" label={t("users.role")} error={errors.role}>
            <Select value={values.role} onValueChange={(r) => change("role", r as Role)}>
              <SelectTrigger id="user-role" className="w-full">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {Role.options.map((r) => (
                  <SelectItem key={r} value={r}>
                    {t(`role.${r}`)}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </Field>
          <Field id="user-password" label={t("users.password")} hint={t("users.passwordHint")} error={errors.password}>
            <Input
              type="password"
              autoComplete="new-password"
              value={values.password}
              onChange={(e) => change("password", e.target.value)}
            />
          </Field>
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => setOpen(false)}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" disabled={create.isPending}>
              {create.isPending ? t("common.saving") : t("common.create")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

export function UsersPage() {
  const { t, tn, date } = useI18n();
  const me = useCurrentUser();
  const [page, setPage] = useState(1);
  const users = useUsers(page);
  if (!can.manageUsers(me.role)) return <Navigate to="/" replace />;

  return (
    <div className="space-y-6">
      <PageHeader
        title={t("users.title")}
        subtitle={users.data ? tn("users.count", users.data.total) : undefined}
        actions={<CreateUserDialog />}
      />
      <Card className="py-0">
        <Table data-testid="users-table">
          <TableHeader>
            <TableRow>
              <TableHead>{t("users.name")}</TableHead>
              <TableHead>{t("users.email")}</TableHead>
              <TableHead>{t("users.role")}</TableHead>
              <TableHead>{t("users.created_at")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {users.isPending
              ? Array.from({ length: 4 }, (_, i) => (
                  <TableRow key={i}>
                    {Array.from({ length: 4 }, (_, j) => (
                      <TableCell key={j}>
                        <Skeleton className="h-4 w-28" />
                      </TableCell>
                    ))}
                  </TableRow>
                ))
              : users.data?.items.map((u) => (
                  <TableRow key={u.id} data-testid="user-row">
                    <TableCell className="font-medium">{u.name}</TableCell>
                    <TableCell>{u.email}</TableCell>
                    <TableCell>
                      <Badge variant={u.role === "admin" ? "default" : "secondary"}>{t(`role.${u.role}`)}</Badge>
                    </TableCell>
                    <TableCell>{date(u.created_at)}</TableCell>
                  </TableRow>
                ))}
          </TableBody>
        </Table>
        {users.data?.items.length === 0 && <EmptyState className="m-4" title={t("users.empty")} />}
      </Card>
      {users.data && <Pagination page={page} perPage={20} total={users.data.total} onPage={setPage} />}
      <ParkedJobsCard />
    </div>
  );
}

/** What the job queue parked, so that an admin sees failures that retries did not fix. */
function ParkedJobsCard() {
  const { t } = useI18n();
  const parked = useParkedJobs();
  return (
    <Card className="gap-3 p-4" data-testid="parked-jobs">
      <div>
        <h2 className="font-semibold">{t("users.parked.title")}</h2>
        <p className="text-muted-foreground text-sm">{t("users.parked.hint")}</p>
      </div>
      {parked.isPending ? (
        <Skeleton className="h-10 w-full" />
      ) : parked.data?.items.length ? (
        <ul className="space-y-2">
          {parked.data.items.map((j, i) => (
            <li key={i} className="rounded-md border p-2 text-sm" data-testid="parked-job">
              <Badge variant="destructive">{j.kind}</Badge>
              <pre className="text-muted-foreground mt-1 overflow-x-auto text-xs">{JSON.stringify(j.payload)}</pre>
            </li>
          ))}
        </ul>
      ) : (
        <EmptyState title={t("users.parked.empty")} />
      )}
    </Card>
  );
}
