// What a panel may ask of the list it opens above.

export interface PanelHost {
  /** Closes this panel (if it is still the open one) and fetches the rows again. */
  close(): void;
  /** Fetches the rows again. */
  refresh(): Promise<void>;
}
