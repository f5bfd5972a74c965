// Whether two names of a figure's subject can be the same one: either is unsaid, or one
// contains the other (宁德时代 / 宁德时代（CATL）). Shared by the extractor's dedupe, headline
// ranking, formatting and /company, so they never disagree.

export function sameSubject(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return true;
  return a.includes(b) || b.includes(a);
}
