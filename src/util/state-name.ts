/** `{running: "pushing"}` → `running.pushing`: a state value as people read it. */
export function stateName(value: unknown): string {
  if (typeof value === "string") return value;
  if (value !== null && typeof value === "object") {
    const [key, child] = Object.entries(value)[0] ?? [];
    if (key === undefined) return "";
    const rest = stateName(child);
    return rest === "" ? key : `${key}.${rest}`;
  }
  return String(value);
}
