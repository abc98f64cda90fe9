/** The wizard's questions, asked in a terminal with @clack/prompts; Ctrl-C cancels the whole setup. */
import * as clack from "@clack/prompts";

export interface Choice<T extends string> {
  value: T;
  label: string;
  hint?: string;
}

export interface Prompter {
  select<T extends string>(message: string, choices: readonly Choice<T>[], initial?: T): Promise<T>;
  text(
    message: string,
    options?: { initial?: string; placeholder?: string; check?: (value: string) => string | undefined },
  ): Promise<string>;
  secret(message: string, check?: (value: string) => string | undefined): Promise<string>;
  confirm(message: string, initial: boolean): Promise<boolean>;
  note(message: string, title?: string): void;
  intro(title: string): void;
}

export class SetupCancelled extends Error {
  override readonly name = "SetupCancelled";
  constructor() {
    super("setup cancelled: nothing was written");
  }
}

function answered<T>(value: T): Exclude<T, symbol> {
  if (clack.isCancel(value)) throw new SetupCancelled();
  // cast: `isCancel` is a guard for symbol, but TypeScript does not narrow a generic T by it
  return value as Exclude<T, symbol>;
}

export function terminalPrompter(): Prompter {
  return {
    select: async (message, choices, initial) =>
      answered(
        await clack.select({
          message,
          // cast: clack's option type is conditional on the value type, which a generic T cannot satisfy
          options: choices.map((c) =>
            c.hint ? { value: c.value, label: c.label, hint: c.hint } : c,
          ) as never,
          initialValue: initial,
        }),
      ),
    text: async (message, options = {}) =>
      answered(
        await clack.text({
          message,
          placeholder: options.placeholder,
          initialValue: options.initial,
          defaultValue: options.initial,
          validate: (value) => options.check?.(value ?? ""),
        }),
      ),
    secret: async (message, check) =>
      answered(await clack.password({ message, validate: (value) => check?.(value ?? "") })),
    confirm: async (message, initial) => answered(await clack.confirm({ message, initialValue: initial })),
    note: (message, title) => clack.note(message, title),
    intro: (title) => clack.intro(title),
  };
}
