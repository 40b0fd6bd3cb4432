/**
 * A terminal progress bar for rebuilds (cli-progress): events done / total, events/s and ETA.
 * Usage: const bar = rebuildProgressBar('payment_details');
 *        await rebuildProjection(runtime, name, { onProgress: bar.update }); bar.stop();
 */
import cliProgress from 'cli-progress';

export interface ProgressReporter {
  update(done: number, total: number): void;
  stop(): void;
}

export function rebuildProgressBar(
  label: string,
  stream: NodeJS.WritableStream = process.stderr,
): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} events | {rate} events/s | ETA {eta_formatted}`,
      stream,
      hideCursor: true,
      // Logs (no TTY) still get a line every few seconds and the final one.
      noTTYOutput: true,
      notTTYSchedule: 5000,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let begun = false;
  return {
    update(done: number, total: number) {
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round(done / seconds) : 0;
      if (!begun) {
        bar.start(Math.max(total, 1), done, { rate });
        begun = true;
        return;
      }
      bar.setTotal(Math.max(total, 1));
      bar.update(done, { rate });
    },
    stop() {
      if (begun) bar.stop();
    },
  };
}
