import { BallastError } from "../errors/ballast-error.js";

/** A backend opened on first use, shared afterwards, and closed once. */
export class BackendSlot<T extends { close(): Promise<void> }> {
  #pending: Promise<T> | undefined;
  #closed = false;

  constructor(
    private readonly label: string,
    private readonly open: () => Promise<T>,
  ) {}

  get(): Promise<T> {
    if (this.#closed) {
      return Promise.reject(
        new BallastError("RESOURCE_CLOSED", `The workspace is closed; its ${this.label} cannot be used.`, {
          hint: "Open a new workspace with openWorkspace().",
        }),
      );
    }
    if (!this.#pending) {
      const pending = this.open();
      this.#pending = pending;
      // A failed open is forgotten so the next call retries instead of replaying the error.
      pending.catch(() => {
        if (this.#pending === pending) this.#pending = undefined;
      });
    }
    return this.#pending;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pending = this.#pending;
    this.#pending = undefined;
    if (!pending) return;
    const backend = await pending.catch(() => undefined);
    await backend?.close();
  }
}
