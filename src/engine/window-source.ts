/**
 * How the engine reads one planned window of one partition: through the synchronous endpoints or through
 * asynchronous reports, chosen by the window's planned source (window-plan.ts). Both yield the same events.
 */
import { PartitionReports } from '../reports/partition-reports';
import type { AnalyticsDefinition, Partition } from '../streams/definition';
import type { KeyCase } from '../streams/transforms';
import type { ReadContext, StreamEvent } from './context';
import type { Window } from './slicer';
import { SyncWindowSource, type SyncReadJob } from './sync-window-source';
import type { SourcedWindow, WindowSourceKind } from './window-plan';

export interface WindowSource {
  /** The records of one window of the partition; `ids` (streams with id batches) are the entities asked for. */
  read(window: Window, ids: string[] | undefined): AsyncGenerator<StreamEvent>;
  /** The partition's read is over (finished or stopped): work prepared ahead is dropped. */
  close(): void;
}

/** Reads a partition's report windows (the next one is prepared while one downloads). */
class ReportWindowSource implements WindowSource {
  private readonly reports: PartitionReports;

  constructor(def: AnalyticsDefinition, ctx: ReadContext, partition: Partition, windows: Window[], keys: KeyCase) {
    this.reports = new PartitionReports(def, ctx, partition, windows, keys);
  }

  async *read(window: Window, ids: string[] | undefined): AsyncGenerator<StreamEvent> {
    for await (const data of this.reports.read(window, ids)) yield { kind: 'records', data };
  }

  close(): void {
    this.reports.close();
  }
}

/** The sources of one partition's planned windows: each window is read by the source its plan names. */
export class PartitionSources {
  private readonly sources = new Map<WindowSourceKind, WindowSource>();

  constructor(job: SyncReadJob, partition: Partition, windows: SourcedWindow[]) {
    this.sources.set('sync', new SyncWindowSource(job, partition));
    const reportWindows = windows.filter((w) => w.source === 'report');
    if (reportWindows.length > 0)
      this.sources.set('report', new ReportWindowSource(job.def, job.ctx, partition, reportWindows, job.keys));
  }

  read(window: SourcedWindow, ids: string[] | undefined): AsyncGenerator<StreamEvent> {
    return this.sources.get(window.source)!.read(window, ids);
  }

  close(): void {
    for (const source of this.sources.values()) source.close();
  }
}
