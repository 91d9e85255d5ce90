export interface MinuteView {
  readonly minute: string;
  readonly in: number;
  readonly out: number;
}

export interface OverviewView {
  readonly scope: string;
  readonly sessions: {
    readonly byStatus: Readonly<Record<string, number>>;
    readonly total: number;
    readonly complete: boolean;
  };
  readonly minutes: readonly MinuteView[];
  readonly totals: { readonly in: number; readonly out: number };
}
