/** Where a step that talks to people writes: lines on stdout, warnings on stderr (the CLI's `Output` is one). */
export interface Printer {
  line(text: string): void;
  warn(message: string): void;
}
