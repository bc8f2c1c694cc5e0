/**
 * How the engine reads one planned window of one partition: through the synchronous endpoints or through
 * asynchronous reports, chosen by the window's planned source (window-plan.ts). Both yield the same events.
 */
import { PartitionReports, type TypeGroup } from '../reports/partition-reports';
import type { Partition } from '../streams/definition';
import type { StreamEvent } from './context';
import { recover } from './recovery';
import type { Window } from './slicer';
import { partitionLabel, SyncWindowSource, type SyncReadJob } from './sync-window-source';
import type { SourcedWindow, WindowSourceKind } from './window-plan';

interface WindowSource {
  /** The records of one window of the partition; `ids` (streams with id batches) are the entities asked for. */
  read(window: Window, ids: string[] | undefined): AsyncGenerator<StreamEvent>;
  /** The partition's read is over (finished or stopped): work prepared ahead is dropped. */
  close(): void;
}

/**
 * Reads a partition's report windows (the next one is prepared while one downloads), one report per group
 * of targeting types. A failed report is judged by the recovery policy as a synchronous request is: a
 * targeting type Pinterest refuses is left out for the partition (one warning) and the other types read.
 */
class ReportWindowSource implements WindowSource {
  private readonly reports: PartitionReports;
  private readonly label: string;

  constructor(
    private readonly job: SyncReadJob,
    partition: Partition,
    windows: Window[],
  ) {
    const { def, ctx, keys, targeting } = job;
    this.label = partitionLabel(partition);
    const typesNow = targeting ? () => targeting.groups(this.label).flat() : undefined;
    this.reports = new PartitionReports(def, ctx, partition, windows, keys, typesNow);
  }

  async *read(window: Window, ids: string[] | undefined): AsyncGenerator<StreamEvent> {
    const pending: TypeGroup[] = this.reports.groups();
    while (pending.length > 0) {
      const types = pending.shift();
      let emitted = 0;
      try {
        for await (const data of this.reports.read(window, ids, types)) {
          emitted += data.length;
          yield { kind: 'records', data };
        }
      } catch (err) {
        const columns = this.reports.columns();
        const action = recover(err, { window, types, columns, emitted, midnightPassed: false });
        if (action.kind === 'drop-refused-columns') {
          this.reports.refuseColumns(action.refused, action.reason);
          pending.unshift(types);
          continue;
        }
        // Report windows are planned whole (reports have their own limits): otherwise only a refused type changes the plan.
        if (action.kind !== 'drop-refused-types' || !this.job.targeting) throw err;
        const retry = this.job.targeting.afterRefusal(this.label, action);
        if (!retry) throw err;
        pending.unshift(...retry);
      }
    }
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
    if (reportWindows.length > 0) this.sources.set('report', new ReportWindowSource(job, partition, reportWindows));
  }

  read(window: SourcedWindow, ids: string[] | undefined): AsyncGenerator<StreamEvent> {
    return this.sources.get(window.source)!.read(window, ids);
  }

  close(): void {
    for (const source of this.sources.values()) source.close();
  }
}
