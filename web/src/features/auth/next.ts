//! Where to go after signing in: the ?next= path, but only within this site.
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || next.startsWith("/login")) {
    return "/candidates";
  }
  return next;
}
